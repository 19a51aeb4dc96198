//go:build linux

package difftest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Runner runs scenarios: each in two twin trees seen at one mount point,
// one through objcache and one with the compiler alone.
type Runner struct {
	cfg Config
	bin string // tools: cl.exe, oc/objcache, masq/<compiler>
}

// Preflight reports why this machine cannot run scenarios (not root, no
// unshare, no compilers), or nil.
func Preflight() error {
	if os.Geteuid() != 0 {
		return errors.New("needs root: scenarios use private mount namespaces and mknod")
	}
	for _, tool := range []string{"unshare", "mount", "chattr", "gcc-12", "clang-14"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("needs %s: %w", tool, err)
		}
	}
	out, err := exec.Command("unshare", "-m", "--propagation", "private", "true").CombinedOutput()
	if err != nil {
		return fmt.Errorf("cannot create a mount namespace (unshare -m): %v: %s", err, out)
	}
	return nil
}

// NewRunner prepares the tools directory under cfg.Root: a cl.exe symlink
// to clang-14, objcache under its own name for PATH lookups, and the
// masquerade directory of compiler-named links to objcache.
func NewRunner(cfg Config) (*Runner, error) {
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	r := &Runner{cfg: cfg, bin: filepath.Join(cfg.Root, "bin")}
	clang, err := exec.LookPath("clang-14")
	if err != nil {
		return nil, fmt.Errorf("difftest: %w", err)
	}
	for _, d := range []string{"oc", "masq"} {
		if err := os.MkdirAll(filepath.Join(r.bin, d), 0o755); err != nil {
			return nil, fmt.Errorf("difftest: tools directory: %w", err)
		}
	}
	links := map[string]string{filepath.Join(r.bin, "cl.exe"): clang, filepath.Join(r.bin, "oc", "objcache"): cfg.Objcache}
	for _, c := range masqueradeNames {
		links[filepath.Join(r.bin, "masq", c)] = cfg.Objcache
	}
	for link, target := range links {
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			return nil, fmt.Errorf("difftest: tools directory: %w", err)
		}
	}
	return r, nil
}

// masqueradeNames are the compiler names the masquerade directory holds.
var masqueradeNames = []string{"gcc", "gcc-12", "g++", "g++-12", "clang-14", "clang++-14", "cl.exe", "clang-cl-14"}

// run is the state of one scenario's execution.
type run struct {
	r      *Runner
	s      *Scenario
	root   string
	twinA  string // objcache's tree
	twinB  string // the compiler's tree
	twinC  string // the second reference's tree, "" when the scenario has none
	mount  string
	cache  string
	log    string
	base   time.Time // the clock base of mtimes
	env    []EnvVar  // the scenario's current environment
	locked map[string]bool
	// lastEnd is when the last command in each twin ended (guarded by
	// mu: a race step runs two commands at once).
	mu      sync.Mutex
	lastEnd map[string]time.Time
	// lastWrite is when a step last changed the trees.
	lastWrite time.Time
	// history is what the compiler alone left at each path after each
	// compile step (for stale-output reports).
	history map[string][]historyEntry
	// lastSecond is the clock second of the last time-sensitive compile.
	lastSecond int64
	// reruns is objcache's failed_compile_rerun counter after the last
	// objcache run.
	reruns int64
	res    *Result
}

// Run executes a scenario and returns what it found. An error means the
// scenario could not be run (the machine, not objcache).
func (r *Runner) Run(ctx context.Context, s *Scenario) (*Result, error) {
	root, err := os.MkdirTemp(r.cfg.Root, fmt.Sprintf("s%d-", s.Index))
	if err != nil {
		return nil, fmt.Errorf("difftest: %w", err)
	}
	x := &run{
		r: r, s: s, root: root,
		twinA: filepath.Join(root, "a"), twinB: filepath.Join(root, "b"), mount: filepath.Join(root, "m"),
		cache: filepath.Join(root, "cache"), log: filepath.Join(root, "objcache.log"),
		base:    time.Now().Add(-time.Hour).Truncate(time.Second),
		env:     slices.Clone(s.Env),
		locked:  map[string]bool{},
		lastEnd: map[string]time.Time{},
		history: map[string][]historyEntry{},
		res:     &Result{Scenario: s},
	}
	if s.hasOriginal() {
		x.twinC = filepath.Join(root, "c")
	}
	for _, d := range append(x.trees(), x.mount, x.cache, filepath.Join(root, "home"), filepath.Join(root, "tmp")) {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("difftest: %w", err)
		}
	}
	defer func() {
		for d := range x.locked {
			x.unlock(d)
		}
		if x.res.Failure != nil && r.cfg.Keep {
			x.res.Dir = root
			return
		}
		os.RemoveAll(root)
	}()
	for _, a := range s.Setup {
		x.apply(a)
	}
	for i, st := range s.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		x.res.Steps++
		f, err := x.step(i, st)
		if err != nil {
			return nil, fmt.Errorf("difftest: %s step %d (%s): %w", s.ID(), i+1, st.Note, err)
		}
		if f != nil {
			f.Step = i
			f.Cause = causeOf(s.Steps, i)
			x.res.Failure = f
			break
		}
	}
	x.res.Stats = x.stats()
	return x.res, nil
}

// step runs one step, returning the difference it showed.
func (x *run) step(i int, st Step) (*Failure, error) {
	switch st.Kind {
	case StepTree:
		for _, a := range st.Actions {
			x.apply(a)
		}
		x.lastWrite = time.Now()
	case StepEnv:
		for _, v := range st.Env {
			x.env = setVar(x.env, v.Name, v.Value)
		}
	case StepSleep:
		time.Sleep(time.Duration(st.Millis) * time.Millisecond)
	case StepGenerate:
		return nil, x.generate(st)
	case StepCompile:
		return x.compile(i, st)
	case StepKill:
		return x.kill(i, st)
	case StepRace:
		return x.race(i, st)
	default:
		return nil, fmt.Errorf("unknown step kind %q", st.Kind)
	}
	return nil, nil
}

// expand replaces the placeholders.
func (x *run) expand(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, MountPH, x.mount), BinPH, x.r.bin)
}

func (x *run) expandAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = x.expand(s)
	}
	return out
}

// trees returns the scenario's trees: objcache's, the reference's, and
// the second reference's if there is one.
func (x *run) trees() []string {
	if x.twinC == "" {
		return []string{x.twinA, x.twinB}
	}
	return []string{x.twinA, x.twinB, x.twinC}
}

// tree returns the directory of a twin's tree.
func (x *run) tree(t twin) string {
	return [...]string{x.twinA, x.twinB, x.twinC}[t]
}

// environ returns the environment of a command in one twin. All get the
// same base and the scenario's variables; objcache's run also gets its
// cache, its log, ObjcacheEnv and, for a masquerade, the masquerade
// directory first in PATH. DIFFTEST_TWIN marks the processes of a twin,
// so that those a killed objcache left running can be found.
func (x *run) environ(t twin) []string {
	objcache := t == twinObjcache
	p := x.r.bin + ":/usr/local/bin:/usr/bin:/bin"
	if objcache {
		p = filepath.Join(x.r.bin, "oc") + ":" + p
		if x.s.Launch == LaunchMasquerade {
			p = filepath.Join(x.r.bin, "masq") + ":" + p
		}
	}
	env := []string{"PATH=" + p, "HOME=" + filepath.Join(x.root, "home"), "TMPDIR=" + filepath.Join(x.root, "tmp"), "DIFFTEST_TWIN=" + x.tree(t)}
	for _, v := range x.env {
		env = append(env, v.Name+"="+x.expand(v.Value))
	}
	if objcache {
		env = append(env, "OBJCACHE_DIR="+x.cache, "OBJCACHE_LOGFILE="+x.log)
		for _, v := range x.s.ObjcacheEnv {
			env = append(env, v.Name+"="+x.expand(v.Value))
		}
	}
	return env
}

// argv returns a compile's command line for one twin.
func (x *run) argv(c Command, t twin) []string {
	args := x.expandAll(c.argv(t))
	cc := x.expand(x.s.Compiler)
	if t != twinObjcache {
		return append([]string{cc}, args...)
	}
	switch x.s.Launch {
	case LaunchMasquerade:
		return append([]string{path.Base(cc)}, args...)
	case LaunchTwice:
		return append([]string{"objcache", "objcache", cc}, args...)
	}
	return append([]string{"objcache", cc}, args...)
}

// outcome is what a command showed: its status and console output, and
// what the FIFOs in its tree received.
type outcome struct {
	code           int
	stdout, stderr []byte
	fifo           map[string][]byte
	start, end     time.Time
	timedOut       bool
}

// exec runs argv in twin's tree, seen at the mount point, in the
// scenario's working directory: `unshare -m` gives the command a private
// mount namespace, where the twin is bind-mounted at the mount point.
// Every process of the run sees the same paths, so objects that embed the
// working directory, depfiles and diagnostics compare byte for byte.
func (x *run) exec(twin string, argv, env []string, started func(*os.Process)) (outcome, error) {
	// Files written by the previous command in this twin must be older
	// than this one's start, for the freshness check.
	x.mu.Lock()
	last := x.lastEnd[twin]
	x.mu.Unlock()
	if wait := time.Until(last.Add(2 * freshSlack)); wait > 0 {
		time.Sleep(wait)
	}
	full := append([]string{"-m", "--propagation", "private", "sh", "-c", nsScript, "sh", twin, x.mount, x.s.Dir}, argv...)
	cmd := exec.Command("unshare", full...)
	cmd.Env = env
	cmd.Dir = x.root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	readers := x.fifoReaders(twin)
	o := outcome{start: time.Now()}
	if err := cmd.Start(); err != nil {
		readers.stop()
		return o, fmt.Errorf("start %q: %w", argv, err)
	}
	if started != nil {
		started(cmd.Process)
	}
	timer := time.AfterFunc(x.r.cfg.Timeout, func() {
		o.timedOut = true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	})
	err := cmd.Wait()
	timer.Stop()
	o.end = time.Now()
	x.mu.Lock()
	x.lastEnd[twin] = o.end
	x.mu.Unlock()
	o.fifo = readers.stop()
	o.stdout, o.stderr = stdout.Bytes(), stderr.Bytes()
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return o, fmt.Errorf("run %q: %w", argv, err)
		}
		o.code = exit.ExitCode()
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			o.code = 128 + int(ws.Signal())
		}
	}
	return o, nil
}

// nsScript runs in the new mount namespace: bind the twin ($1) at the
// mount point ($2), enter the working directory ($3), run the command.
const nsScript = `mount --bind "$1" "$2" && cd "$2/$3" && shift 3 && exec "$@"`

// fifoSet reads every FIFO of a tree while a command runs.
type fifoSet struct {
	stopped atomic.Bool
	wg      sync.WaitGroup
	mu      sync.Mutex
	data    map[string][]byte
}

// fifoReaders opens each FIFO of the twin's tree for reading and writing
// without blocking (on Linux that never blocks, and it makes the runner a
// reader, so a command's open for writing succeeds at once) and reads
// what arrives until stopped. The FIFO's inode is held, so a command that
// replaces the FIFO by another file cannot leave a reader stuck.
func (x *run) fifoReaders(twin string) *fifoSet {
	fs := &fifoSet{data: map[string][]byte{}}
	filepath.WalkDir(twin, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Type()&os.ModeNamedPipe == 0 {
			return nil
		}
		rel, _ := filepath.Rel(twin, p)
		rel = filepath.ToSlash(rel)
		fd, err := unix.Open(p, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil
		}
		fs.data[rel] = nil
		fs.wg.Add(1)
		go func() {
			defer fs.wg.Done()
			defer unix.Close(fd)
			buf := make([]byte, 64<<10)
			for {
				n, err := unix.Read(fd, buf)
				if n > 0 {
					fs.mu.Lock()
					fs.data[rel] = append(fs.data[rel], buf[:n]...)
					fs.mu.Unlock()
					continue
				}
				if err != nil && err != unix.EAGAIN && err != unix.EINTR {
					return
				}
				if fs.stopped.Load() {
					return // drained: nothing left to read
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
		return nil
	})
	return fs
}

// stop ends the readers once they have read what the command wrote.
func (fs *fifoSet) stop() map[string][]byte {
	fs.stopped.Store(true)
	fs.wg.Wait()
	return fs.data
}

// settle waits until the last tree change is old enough for objcache to
// store a result (it does not store a compile whose inputs changed just
// before it started), unless the step asks to compile at once.
func (x *run) settle(st Step) {
	if st.NoSettle {
		return
	}
	if wait := time.Until(x.lastWrite.Add(60 * time.Millisecond)); wait > 0 {
		time.Sleep(wait)
	}
}

// alignSecond waits, in a time-sensitive scenario, until a second of the
// clock that no earlier compile used has just begun, so that both runs of
// the step see the same __TIME__ and an object of an earlier second shows.
func (x *run) alignSecond() {
	if !x.s.TimeSensitive {
		return
	}
	for {
		now := time.Now()
		if now.Unix() > x.lastSecond && now.Nanosecond() < int(200*time.Millisecond) {
			x.lastSecond = now.Unix()
			return
		}
		time.Sleep(time.Until(now.Truncate(time.Second).Add(time.Second + 5*time.Millisecond)))
	}
}

// run runs a compile step's command in one twin.
func (x *run) runIn(t twin, c Command) (outcome, error) {
	o, err := x.exec(x.tree(t), x.argv(c, t), x.environ(t), nil)
	if err == nil && t != twinObjcache && o.code != 0 {
		x.res.ReferenceFailed++
	}
	return o, err
}

// compile runs a command through objcache in twin A and alone in twin B
// (and C), and compares what they showed. With a second reference,
// objcache's run must match one of the two in everything; the other
// reference's tree is then made equal to the matching one, so that the
// next step starts from one state.
func (x *run) compile(i int, st Step) (*Failure, error) {
	c := x.s.Commands[st.Cmd]
	x.settle(st)
	x.alignSecond()
	logStart := x.logSize()
	a, err := x.runIn(twinObjcache, c)
	if err != nil {
		return nil, err
	}
	b, err := x.runIn(twinPlain, c)
	if err != nil {
		return nil, err
	}
	var cOut outcome
	if x.twinC != "" {
		if cOut, err = x.runIn(twinOriginal, c); err != nil {
			return nil, err
		}
	}
	x.res.Compiles++
	f, err := x.compare(i, a, b, twinPlain, cOut.fifo)
	if err == nil && x.twinC != "" {
		from, to := x.twinB, x.twinC
		if f != nil {
			var fc *Failure
			if fc, err = x.compare(i, a, cOut, twinOriginal, nil); err == nil && fc == nil {
				f, from, to = nil, x.twinC, x.twinB
			}
		}
		if f == nil && err == nil {
			err = x.copyTree(from, to)
		}
	}
	reruns := x.stat(failedRerun)
	rerun := reruns > x.reruns
	x.reruns = reruns
	if f == nil && err == nil && b.code == 0 && rerun {
		f = &Failure{Kind: "compiled-twice", Detail: "the compiler alone succeeded, but objcache's own compile failed and it ran the command again (failed_compile_rerun)"}
	}
	if f != nil {
		f.Log = x.logSince(logStart)
	}
	return f, err
}

// failedRerun is objcache's counter of failed misses run again as written.
const failedRerun = "failed_compile_rerun"

// compare compares objcache's run of a compile step with a reference's
// (ref: twinPlain or twinOriginal) and records what the reference left,
// for later stale-output reports. cFIFO is what the original reference's
// FIFOs received, for the depfiles compared against the plain reference.
func (x *run) compare(i int, a, b outcome, ref twin, cFIFO map[string][]byte) (*Failure, error) {
	sa, err := x.snapshot(x.twinA, a.fifo)
	if err != nil {
		return nil, err
	}
	sb, err := x.snapshot(x.tree(ref), b.fifo)
	if err != nil {
		return nil, err
	}
	if ref == twinPlain && x.twinC != "" {
		// With base dirs objcache compiles as the plain reference does,
		// with relative paths, but writes depfiles that name the files as
		// the user's command does (README, "Sharing one cache"): the
		// original reference's.
		sc, err := x.snapshot(x.twinC, nil)
		if err != nil {
			return nil, err
		}
		for p, e := range sb.Files {
			if o, ok := sc.Files[p]; ok && e.Type == 'f' && o.Type == 'f' && isDepfile(e.Data) && isDepfile(o.Data) {
				sb.Files[p] = o
				// Tree B takes C's depfile too (as the script's depsync
				// does): a later copy of B into C must keep C's names.
				bp := filepath.Join(x.twinB, filepath.FromSlash(p))
				if err := os.WriteFile(bp, o.Data, 0o644); err != nil {
					return nil, err
				}
				if err := os.Chtimes(bp, o.Mtime, o.Mtime); err != nil {
					return nil, err
				}
			}
		}
		// A depfile that is a FIFO: its reader gets the user's names too.
		for p, d := range sb.FIFO {
			if o, ok := cFIFO[p]; ok && isDepfile(d) && isDepfile(o) {
				sb.FIFO[p] = o
			}
		}
	}
	defer func() {
		for p, e := range sb.Files {
			if e.Type == 'f' {
				x.history[p] = append(x.history[p], historyEntry{step: i, sum: sha256.Sum256(e.Data)})
			}
		}
	}()
	switch {
	case a.timedOut != b.timedOut:
		return &Failure{Kind: "timeout", Detail: fmt.Sprintf("timed out after %v: objcache %v, the compiler %v", x.r.cfg.Timeout, a.timedOut, b.timedOut)}, nil
	case a.code != b.code:
		return &Failure{Kind: "exit-status", Detail: fmt.Sprintf("exit status %d through objcache, %d from the compiler\nobjcache's stderr:\n%s\ncompiler's stderr:\n%s", a.code, b.code, clip(a.stderr), clip(b.stderr))}, nil
	}
	tmp := tempNames(filepath.Join(x.root, "tmp"))
	if ao, bo := normalizeTemps(a.stdout, tmp), normalizeTemps(b.stdout, tmp); !bytes.Equal(ao, bo) {
		return &Failure{Kind: "stdout" + lineShape(ao, bo), Detail: "stdout differs (- compiler, + objcache):\n" + textDiff(string(bo), string(ao))}, nil
	}
	if ae, be := normalizeTemps(a.stderr, tmp), normalizeTemps(b.stderr, tmp); !bytes.Equal(ae, be) {
		return &Failure{Kind: "stderr" + lineShape(ae, be), Detail: "stderr differs (- compiler, + objcache):\n" + textDiff(string(be), string(ae))}, nil
	}
	o := compareOptions{coff: x.s.COFF, startA: a.start, startB: b.start, history: x.history}
	if x.s.TimeSensitive && a.start.Unix() != b.end.Unix() {
		o.noContent = true
		x.res.Inconclusive++
	}
	f := compareTrees(sa, sb, o)
	if f == nil && o.noContent {
		// The objects may differ by their seconds: make the trees one,
		// so that a later step that leaves them alone compares equal.
		return nil, x.copyTree(x.tree(ref), x.twinA)
	}
	return f, nil
}

// isDepfile reports whether data looks like a Make dependency file: text
// whose first line is a rule.
func isDepfile(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return bytes.Contains(line, []byte(": ")) || bytes.HasSuffix(line, []byte(":")) || bytes.HasSuffix(line, []byte(": \\"))
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// snapshot reads a twin's tree.
func (x *run) snapshot(twin string, fifo map[string][]byte) (*Snapshot, error) {
	s := &Snapshot{Files: map[string]Entry{}, FIFO: fifo}
	err := filepath.WalkDir(twin, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == twin {
			return nil
		}
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		rel, _ := filepath.Rel(twin, p)
		e := Entry{Perm: fs.FileMode(st.Mode & 0o7777), Nlink: uint64(st.Nlink), Mtime: time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec))}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			e.Type = 'f'
			if e.Data, err = os.ReadFile(p); err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
		case unix.S_IFDIR:
			e.Type, e.Nlink = 'd', 0
		case unix.S_IFLNK:
			e.Type = 'l'
			e.Target, _ = os.Readlink(p)
		case unix.S_IFCHR:
			e.Type, e.Rdev = 'c', uint64(st.Rdev)
		case unix.S_IFBLK:
			e.Type, e.Rdev = 'b', uint64(st.Rdev)
		case unix.S_IFIFO:
			e.Type = 'p'
		default:
			e.Type = 's'
		}
		s.Files[filepath.ToSlash(rel)] = e
		return nil
	})
	return s, err
}

// generate runs a tool in twin A and makes the other trees copies of A:
// whatever it wrote (the files it names and any other: gcc honours
// DEPENDENCIES_OUTPUT there too) is then the same in every tree.
func (x *run) generate(st Step) error {
	if _, err := x.exec(x.twinA, x.expandAll(st.Argv), x.environ(twinPlain), nil); err != nil {
		return err
	}
	for _, t := range x.trees()[1:] {
		if err := x.copyTree(x.twinA, t); err != nil {
			return err
		}
	}
	x.lastWrite = time.Now()
	return nil
}

// kill runs a compile through objcache and signals it after st.Millis.
// Whatever the compile left is allowed, but nothing that the compiler
// alone would not have written: temporaries of objcache's must not
// outlive it. Then the compiler alone runs in twin B and twin A is made
// equal to it, so that later steps compare from the same state.
func (x *run) kill(i int, st Step) (*Failure, error) {
	c := x.s.Commands[st.Cmd]
	x.settle(st)
	before, err := x.snapshot(x.twinA, nil)
	if err != nil {
		return nil, err
	}
	logStart := x.logSize()
	sig := map[string]syscall.Signal{"KILL": syscall.SIGKILL, "TERM": syscall.SIGTERM, "INT": syscall.SIGINT}[st.Signal]
	var timer *time.Timer
	_, err = x.exec(x.twinA, x.argv(c, twinObjcache), x.environ(twinObjcache), func(p *os.Process) {
		timer = time.AfterFunc(time.Duration(st.Millis)*time.Millisecond, func() {
			if sig == syscall.SIGINT {
				syscall.Kill(-p.Pid, sig) // ^C: the terminal signals the whole group
			} else {
				p.Signal(sig)
			}
		})
	})
	if timer != nil {
		timer.Stop()
	}
	if err != nil {
		return nil, err
	}
	if err := waitTwinProcesses(x.twinA, 30*time.Second); err != nil {
		return &Failure{Kind: "timeout", Detail: err.Error()}, nil
	}
	b, err := x.runIn(twinPlain, c)
	if err != nil {
		return nil, err
	}
	x.res.Compiles++
	if sig == syscall.SIGKILL {
		// No handler runs on SIGKILL: a temporary objcache had beside an
		// output may stay, under a name that `objcache clean` (or the next
		// writer of that output) finds and removes (beside). What clean
		// leaves is a stray.
		if err := x.clean(); err != nil {
			return nil, err
		}
	}
	after, err := x.snapshot(x.twinA, nil)
	if err != nil {
		return nil, err
	}
	sb, err := x.snapshot(x.twinB, b.fifo)
	if err != nil {
		return nil, err
	}
	// A compiler that objcache ran as given writes the user's own paths:
	// killed with it, it leaves what it leaves when killed alone (gcc -S
	// that fails removes its .s, but not when a signal ends it first).
	asGiven := strings.Contains(x.logSince(logStart), " as given")
	for _, p := range after.paths() {
		if _, ok := before.Files[p]; ok {
			continue
		}
		if compilerTemp.MatchString(path.Base(p)) {
			continue // clang's own: clang alone, interrupted, may leave it too
		}
		if asGiven && !strings.Contains(path.Base(p), ".objcache-") {
			continue
		}
		if _, ok := sb.Files[p]; !ok {
			return &Failure{Kind: "stray-after-kill", Path: p, Detail: fmt.Sprintf("%s: left by objcache killed with SIG%s after %d ms; the compiler alone writes no such file", p, st.Signal, st.Millis), Log: x.logSince(logStart)}, nil
		}
	}
	x.reruns = x.stat(failedRerun)
	return nil, x.resync()
}

// waitTwinProcesses waits until no process of the twin is left (a killed
// objcache's compiler may run on): they carry DIFFTEST_TWIN in their
// environment.
func waitTwinProcesses(twin string, timeout time.Duration) error {
	marker := []byte("DIFFTEST_TWIN=" + twin + "\x00")
	deadline := time.Now().Add(timeout)
	for {
		found := ""
		procs, _ := filepath.Glob("/proc/[0-9]*/environ")
		for _, p := range procs {
			data, err := os.ReadFile(p)
			if err == nil && bytes.Contains(data, marker) {
				found = p
				break
			}
		}
		if found == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("a process of the killed run is still running after %v (%s)", timeout, found)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// race runs two commands through objcache at once in twin A, then each
// alone in twin B (the second first, so that B ends as if the first had
// finished last). Each output of A must be what one of them gives alone.
// Twin A is then made equal to B; a wrong entry the race stored shows in
// the compiles that follow.
func (x *run) race(i int, st Step) (*Failure, error) {
	c1, c2 := x.s.Commands[st.Cmd], x.s.Commands[st.Cmd2]
	x.settle(st)
	logStart := x.logSize()
	var wg sync.WaitGroup
	var errs [2]error
	var outs [2]outcome
	for k, c := range []Command{c1, c2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[k], errs[k] = x.exec(x.twinA, x.argv(c, twinObjcache), x.environ(twinObjcache), nil)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	sa, err := x.snapshot(x.twinA, nil)
	if err != nil {
		return nil, err
	}
	b2, err := x.runIn(twinPlain, c2)
	if err != nil {
		return nil, err
	}
	s2, err := x.snapshot(x.twinB, nil)
	if err != nil {
		return nil, err
	}
	b1, err := x.runIn(twinPlain, c1)
	if err != nil {
		return nil, err
	}
	s1, err := x.snapshot(x.twinB, nil)
	if err != nil {
		return nil, err
	}
	x.res.Compiles += 2
	for k, b := range []outcome{b1, b2} {
		if outs[k].code != b.code {
			return &Failure{Kind: "exit-status", Detail: fmt.Sprintf("command %d of a race: exit status %d through objcache, %d alone\n%s", k+1, outs[k].code, b.code, clip(outs[k].stderr)), Log: x.logSince(logStart)}, nil
		}
	}
	// Each output may be torn (two compilers writing one file in place
	// tear it too), but nothing may be left that neither command writes.
	for _, p := range sa.paths() {
		_, ok1 := s1.Files[p]
		_, ok2 := s2.Files[p]
		if !ok1 && !ok2 {
			return &Failure{Kind: "stray-temporary", Path: p, Detail: p + ": left by two objcache runs at once; neither command alone writes it", Log: x.logSince(logStart)}, nil
		}
	}
	x.reruns = x.stat(failedRerun)
	return nil, x.resync()
}

// resync makes the other trees equal to twin B's (after a kill or a
// race).
func (x *run) resync() error {
	for _, t := range x.trees() {
		if t != x.twinB {
			if err := x.copyTree(x.twinB, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyTree makes tree to a copy of tree from (locked directories are
// unlocked for it, and locked again in both).
func (x *run) copyTree(from, to string) error {
	for d := range x.locked {
		x.unlock(d)
		defer x.lock(d)
	}
	return copyTree(from, to)
}

// copyTree makes to a copy of from, with cp -a (devices, FIFOs, links,
// modes and times kept).
func copyTree(from, to string) error {
	if err := os.RemoveAll(to); err != nil {
		return fmt.Errorf("copy tree: %w", err)
	}
	out, err := exec.Command("cp", "-a", from, to).CombinedOutput()
	if err != nil {
		return fmt.Errorf("copy tree: cp -a: %v: %s", err, out)
	}
	return nil
}

// apply performs a tree action in both twins. Errors are ignored: both
// twins are in the same state, so an action that cannot be done (a
// write into a locked directory) fails in both alike.
func (x *run) apply(a Action) {
	for _, twin := range x.trees() {
		x.applyIn(twin, a)
	}
}

func (x *run) applyIn(twin string, a Action) {
	p := filepath.Join(twin, filepath.FromSlash(a.Path))
	mtime := x.base.Add(time.Duration(a.Mtime) * time.Second)
	parent := func() { os.MkdirAll(filepath.Dir(p), 0o755) }
	switch a.Op {
	case OpWrite:
		parent()
		tmp := p + ".difftest-tmp"
		data := a.Data
		if a.Expand {
			data = []byte(x.expand(string(data)))
		}
		if a.UTF16 {
			data = utf16Data(string(data))
		}
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			return
		}
		os.Chmod(tmp, fs.FileMode(a.Mode))
		os.Chtimes(tmp, mtime, mtime)
		if os.Rename(tmp, p) != nil {
			os.Remove(tmp)
		}
	case OpMkdir:
		os.MkdirAll(p, 0o755)
	case OpRemove:
		os.RemoveAll(p)
	case OpSymlink:
		parent()
		os.Symlink(x.expand(a.Target), p)
	case OpDevice:
		parent()
		if unix.Mknod(p, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))) == nil {
			os.Chmod(p, 0o666)
		}
	case OpFIFO:
		parent()
		if unix.Mkfifo(p, 0o666) == nil {
			os.Chmod(p, 0o666)
		}
	case OpTouch:
		os.Chtimes(p, mtime, mtime)
	case OpChmod:
		os.Chmod(p, fs.FileMode(a.Mode))
	case OpLink:
		parent()
		os.Link(filepath.Join(twin, filepath.FromSlash(a.Target)), p)
	case OpLock:
		if chattr("+i", p) == nil {
			x.locked[a.Path] = true
		}
	case OpUnlock:
		chattr("-i", p)
		delete(x.locked, a.Path)
	}
}

func chattr(flag, p string) error {
	return exec.Command("chattr", flag, p).Run()
}

func (x *run) lock(treePath string) {
	for _, twin := range x.trees() {
		chattr("+i", filepath.Join(twin, treePath))
	}
}

func (x *run) unlock(treePath string) {
	for _, twin := range x.trees() {
		chattr("-i", filepath.Join(twin, treePath))
	}
}

// logSize returns the size of objcache's log, where a step's part starts.
func (x *run) logSize() int64 {
	fi, err := os.Stat(x.log)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logSince returns objcache's log from offset on, clipped.
func (x *run) logSince(offset int64) string {
	data, err := os.ReadFile(x.log)
	if err != nil || int64(len(data)) < offset {
		return ""
	}
	data = data[offset:]
	if len(data) > 6000 {
		data = append([]byte("…"), data[len(data)-6000:]...)
	}
	return string(data)
}

// stats returns objcache's counters, flattened as the integration tests
// flatten them ("hits", "misses", "uncacheable.X", "error.X",
// "not_stored.X", other names as they are).
func (x *run) stats() map[string]int64 {
	cmd := exec.Command(x.r.cfg.Objcache, "stats", "--json")
	cmd.Env = []string{"OBJCACHE_DIR=" + x.cache, "HOME=" + filepath.Join(x.root, "home"), "PATH=/usr/bin:/bin"}
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	var r struct {
		Hits        int64            `json:"hits"`
		Misses      int64            `json:"misses"`
		Uncacheable map[string]int64 `json:"uncacheable"`
		Errors      map[string]int64 `json:"errors"`
		NotStored   map[string]int64 `json:"not_stored"`
		Other       map[string]int64 `json:"other"`
	}
	if json.Unmarshal(out, &r) != nil {
		return nil
	}
	m := map[string]int64{"hits": r.Hits, "misses": r.Misses}
	for prefix, group := range map[string]map[string]int64{"uncacheable.": r.Uncacheable, "error.": r.Errors, "not_stored.": r.NotStored, "": r.Other} {
		for k, v := range group {
			m[prefix+k] = v
		}
	}
	return m
}

// clean runs `objcache clean` on the scenario's cache, in twin A's mount
// namespace: the journal of temporaries beside outputs names directories
// as the killed run saw them, under the mount point.
func (x *run) clean() error {
	env := []string{"OBJCACHE_DIR=" + x.cache, "HOME=" + filepath.Join(x.root, "home"), "PATH=/usr/bin:/bin"}
	// A clean that fails (a stand-in objcache without it, in the
	// tester's own tests) leaves what it leaves to the stray check.
	if _, err := x.exec(x.twinA, []string{x.r.cfg.Objcache, "clean"}, env, nil); err != nil {
		return fmt.Errorf("objcache clean: %w", err)
	}
	return nil
}

// stat returns one counter.
func (x *run) stat(name string) int64 { return x.stats()[name] }
