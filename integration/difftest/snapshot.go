package difftest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"
)

// gccTemp matches the temporary files gcc's driver names in messages (the
// assembler's "…/ccAbC123.s: Assembler messages:"): random names, the
// compiler's own, replaced before console output is compared.
var gccTemp = regexp.MustCompile(`/cc[A-Za-z0-9]{6}\.([a-z]+)\b`)

// compilerTemp matches clang's temporary outputs (main-1a2b3c4d.o.tmp),
// which clang killed by SIGKILL leaves behind by itself.
var compilerTemp = regexp.MustCompile(`^.+-[0-9a-f]{8}(\.[^./]+)?\.tmp$`)

// tempNames matches the names of gcc's temporary files in one TMPDIR.
func tempNames(tmpdir string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(tmpdir) + gccTemp.String())
}

// normalizeTemps replaces the names of gcc's temporary files (matched by
// tempNames) in console text.
func normalizeTemps(text []byte, names *regexp.Regexp) []byte {
	return names.ReplaceAll(text, []byte("$$TMPDIR/ccXXXXXX.$1"))
}

// Entry is what a user can see of one file of a tree.
type Entry struct {
	// Type is find(1)'s letter: f regular file, d directory, l symlink,
	// c character device, b block device, p FIFO, s socket.
	Type   byte
	Perm   fs.FileMode
	Nlink  uint64 // a hard link an output shared, broken, shows here
	Data   []byte // regular files
	Target string // symlinks
	Rdev   uint64 // devices
	Mtime  time.Time
}

// Snapshot is a tree's state: every path under its root (relative, with
// slashes), and what FIFOs received during the command.
type Snapshot struct {
	Files map[string]Entry
	FIFO  map[string][]byte
}

// paths returns the snapshot's paths, sorted.
func (s *Snapshot) paths() []string {
	ps := make([]string, 0, len(s.Files))
	for p := range s.Files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// compareOptions say how two trees are compared.
type compareOptions struct {
	// coff ignores the time stamp of COFF objects (clang-cl writes the
	// time into each object it compiles without /Brepro).
	coff bool
	// noContent skips regular files' bytes: the step's two compiles fell
	// in different seconds of a time-sensitive scenario.
	noContent bool
	// startA, startB are when each command started: a file whose mtime is
	// not older is one the command wrote. The zero time skips the check.
	startA, startB time.Time
	// history maps a path to the hashes the compiler alone wrote there at
	// earlier steps, to tell a stale object from another wrong one.
	history map[string][]historyEntry
}

// historyEntry is what the compiler alone left at a path after a step.
type historyEntry struct {
	step int
	sum  [32]byte
}

// freshSlack allows for the coarse clock of file times: the kernel stamps
// files with a clock that may lag the wall clock by a tick.
const freshSlack = 10 * time.Millisecond

// compareTrees returns the first difference between the objcache twin's
// tree (a) and the compiler's (b), or nil.
func compareTrees(a, b *Snapshot, o compareOptions) *Failure {
	all := map[string]bool{}
	for p := range a.Files {
		all[p] = true
	}
	for p := range b.Files {
		all[p] = true
	}
	var paths []string
	for p := range all {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		ea, inA := a.Files[p]
		eb, inB := b.Files[p]
		switch {
		case !inA:
			return &Failure{Kind: "missing-file", Path: p, Detail: fmt.Sprintf("%s: the compiler left %s, objcache left nothing", p, describe(eb))}
		case !inB:
			kind := "extra-file"
			if strings.Contains(p, "objcache") {
				kind = "stray-temporary"
			}
			return &Failure{Kind: kind, Path: p, Detail: fmt.Sprintf("%s: objcache left %s, the compiler left nothing", p, describe(ea))}
		case ea.Type != eb.Type:
			return &Failure{Kind: "file-type", Path: p, Detail: fmt.Sprintf("%s: objcache left %s, the compiler %s", p, describe(ea), describe(eb))}
		case ea.Perm != eb.Perm:
			return &Failure{Kind: "file-mode", Path: p, Detail: fmt.Sprintf("%s: mode %o through objcache, %o from the compiler", p, ea.Perm, eb.Perm)}
		case ea.Type == 'l' && ea.Target != eb.Target:
			return &Failure{Kind: "link-target", Path: p, Detail: fmt.Sprintf("%s: link to %q through objcache, to %q from the compiler", p, ea.Target, eb.Target)}
		case (ea.Type == 'c' || ea.Type == 'b') && ea.Rdev != eb.Rdev:
			return &Failure{Kind: "device", Path: p, Detail: fmt.Sprintf("%s: device %#x through objcache, %#x from the compiler", p, ea.Rdev, eb.Rdev)}
		case ea.Type == 'f' && ea.Nlink != eb.Nlink:
			return &Failure{Kind: "hard-link", Path: p, Detail: fmt.Sprintf("%s: %d links through objcache, %d from the compiler", p, ea.Nlink, eb.Nlink)}
		}
		if ea.Type != 'f' {
			continue
		}
		if !o.noContent {
			da, db := ea.Data, eb.Data
			if o.coff {
				da, db = normalizeCOFF(da), normalizeCOFF(db)
			}
			if !bytes.Equal(da, db) {
				return contentFailure(p, da, db, o.history[p])
			}
		}
		if !o.startA.IsZero() && !o.startB.IsZero() {
			freshA := !ea.Mtime.Before(o.startA.Add(-freshSlack))
			freshB := !eb.Mtime.Before(o.startB.Add(-freshSlack))
			if freshA != freshB {
				if freshB {
					return &Failure{Kind: "not-rewritten", Path: p, Detail: fmt.Sprintf("%s: the compiler wrote it, objcache left it untouched (make would see it as out of date)", p)}
				}
				return &Failure{Kind: "rewritten", Path: p, Detail: fmt.Sprintf("%s: objcache wrote it, the compiler left it untouched", p)}
			}
		}
	}
	for p, da := range a.FIFO {
		db := b.FIFO[p]
		if o.coff {
			// What a FIFO reader gets of a clang-cl object carries its
			// time stamp too.
			da, db = normalizeCOFF(da), normalizeCOFF(db)
		}
		differ := !bytes.Equal(da, db)
		if o.noContent {
			// The two compiles fell in different seconds: only whether
			// the reader got anything is comparable.
			differ = (len(da) == 0) != (len(db) == 0)
		}
		if differ {
			return &Failure{Kind: "fifo-data", Path: p, Detail: fmt.Sprintf("%s: a reader of the FIFO got %d bytes through objcache, %d from the compiler", p, len(da), len(db))}
		}
	}
	for p, db := range b.FIFO {
		if _, ok := a.FIFO[p]; !ok && len(db) > 0 {
			return &Failure{Kind: "fifo-data", Path: p, Detail: fmt.Sprintf("%s: a reader of the FIFO got nothing through objcache, %d bytes from the compiler", p, len(db))}
		}
	}
	return nil
}

// contentFailure describes two different contents of one path, naming an
// earlier step when objcache's bytes are what the compiler wrote then.
func contentFailure(p string, a, b []byte, hist []historyEntry) *Failure {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	f := &Failure{Kind: "content", Path: p, Detail: fmt.Sprintf("%s: contents differ at byte %d (objcache %d bytes, compiler %d bytes)", p, i, len(a), len(b))}
	sum := sha256.Sum256(a)
	for j := len(hist) - 1; j >= 0; j-- {
		if hist[j].sum == sum {
			f.Kind = "stale-output"
			f.Detail += fmt.Sprintf("; objcache's bytes are what the compiler wrote at step %d", hist[j].step+1)
			break
		}
	}
	if isText(a) && isText(b) {
		f.Detail += "\n" + textDiff(string(b), string(a))
	}
	return f
}

// lineShape says how objcache's console text (a) differs from the
// compiler's (b): "-extra" when it holds every line of b and more (a
// listing that leaks), "-missing" when b holds every line of it and more
// (a warning swallowed), "-order" for the same lines in another order,
// "-changed" otherwise (a line that names something else).
func lineShape(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	count := func(lines []string) map[string]int {
		m := map[string]int{}
		for _, l := range lines {
			m[l]++
		}
		return m
	}
	ca, cb := count(la), count(lb)
	sub := func(x, y map[string]int) bool { // x ⊆ y
		for l, n := range x {
			if y[l] < n {
				return false
			}
		}
		return true
	}
	switch {
	case sub(ca, cb) && sub(cb, ca):
		return "-order"
	case sub(cb, ca):
		return "-extra"
	case sub(ca, cb):
		return "-missing"
	}
	return "-changed"
}

// isText reports whether data looks like text (a depfile, assembler).
func isText(data []byte) bool {
	if len(data) > 64<<10 {
		return false
	}
	return !bytes.ContainsRune(data, 0) && !bytes.HasPrefix(data, []byte("\x7fELF"))
}

// normalizeCOFF zeroes the TimeDateStamp of an x86-64 COFF object.
func normalizeCOFF(data []byte) []byte {
	if len(data) < 20 || data[0] != 0x64 || data[1] != 0x86 {
		return data
	}
	out := slices.Clone(data)
	copy(out[4:8], []byte{0, 0, 0, 0})
	return out
}

func describe(e Entry) string {
	switch e.Type {
	case 'f':
		return fmt.Sprintf("a regular file (%d bytes, mode %o)", len(e.Data), e.Perm)
	case 'd':
		return "a directory"
	case 'l':
		return fmt.Sprintf("a symlink to %q", e.Target)
	case 'c':
		return fmt.Sprintf("a character device (%#x)", e.Rdev)
	case 'p':
		return "a FIFO"
	}
	return fmt.Sprintf("a file of type %c", e.Type)
}

// textDiff shows the first differing line of two texts, with a line of
// context on each side: "-" lines are the compiler's, "+" objcache's.
func textDiff(want, got string) string {
	w, g := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	if i > 0 {
		fmt.Fprintf(&b, "  %s", ensureNL(w[i-1]))
	}
	for j := i; j < len(w) && j < i+4; j++ {
		fmt.Fprintf(&b, "- %s", ensureNL(w[j]))
	}
	for j := i; j < len(g) && j < i+4; j++ {
		fmt.Fprintf(&b, "+ %s", ensureNL(g[j]))
	}
	return strings.TrimRight(b.String(), "\n")
}

func ensureNL(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// Failure is the first difference a scenario showed.
type Failure struct {
	// Step is the index of the step in Scenario.Steps.
	Step int
	// Kind classifies the difference: exit-status, stdout-… and
	// stderr-… (extra, missing, order, changed: see lineShape),
	// missing-file, extra-file, stray-temporary, file-type, file-mode,
	// link-target, device, hard-link, content, stale-output,
	// not-rewritten, rewritten, fifo-data, timeout, compiled-twice,
	// stray-after-kill.
	Kind string
	// Path is the tree path concerned, if any.
	Path string
	// Detail says what differs, for a person.
	Detail string
	// Log is objcache's log of the step.
	Log string
	// Cause names the kind of change made last before the failing step
	// ("edit header", "make a FIFO", "set CPATH"…), "" when the step
	// follows no change: with the kind it separates classes of failure.
	Cause string
}

// Signature groups failures of one class for the summary: the kind, the
// kind of path (object, depfile, other) or stream, the family, and the
// kind of change made last before the failing compile.
func (f *Failure) Signature(s *Scenario) string {
	cause := ""
	if f.Cause != "" {
		cause = ", after " + f.Cause
	}
	return fmt.Sprintf("%s%s (%s%s)", f.Kind, f.role(), s.Family, cause)
}

// baseSignature is Signature without the cause.
func (f *Failure) baseSignature(s *Scenario) string {
	return fmt.Sprintf("%s%s (%s)", f.Kind, f.role(), s.Family)
}

// role names the kind of path a failure concerns: object, depfile, file,
// or nothing for the console and the exit status.
func (f *Failure) role() string {
	switch ext := strings.ToLower(pathExt(f.Path)); {
	case f.Path == "":
		return ""
	case ext == ".o" || ext == ".obj" || ext == ".s":
		return " object"
	case ext == ".d" || ext == ".dep":
		return " depfile"
	}
	return " file"
}

// causeOf names the kind of change the steps before step i made last, or
// "" if none did.
func causeOf(steps []Step, i int) string {
	for j := i - 1; j >= 0; j-- {
		st := steps[j]
		switch st.Kind {
		case StepKill:
			// An interrupted compile changes no input: look further.
		case StepCompile, StepRace:
			return "" // the failing compile repeats an earlier one
		case StepEnv:
			for _, v := range st.Env {
				if v.Value == "" {
					return "unset " + v.Name
				}
				return "set " + v.Name
			}
		case StepSleep:
			return "a second passed"
		case StepGenerate:
			if strings.Contains(st.Note, "precompiled") {
				return "precompiled header rebuilt"
			}
			return "profile data written"
		case StepTree:
			return treeCause(st.Note)
		}
	}
	return ""
}

// treeCause reduces a tree step's note to its kind: the verb and the kind
// of file ("edit header", "make a FIFO").
func treeCause(note string) string {
	verb, rest, _ := strings.Cut(note, " ")
	switch verb {
	case "make":
		for _, k := range []string{"a symlink", "a null device", "a FIFO", "a hard link"} {
			if strings.Contains(rest, k) {
				return "output made " + k
			}
		}
	case "chmod":
		return "output's mode changed"
	case "lock", "unlock":
		return verb + " output directory"
	case "point":
		return "include directory symlink moved"
	case "create":
		if strings.HasPrefix(rest, "the directory ") {
			return "include directory appeared"
		}
	}
	kind := "file"
	switch strings.ToLower(pathExt(strings.Fields(rest + " x")[0])) {
	case ".h", ".inc":
		kind = "header"
	case ".c", ".cpp", ".s":
		kind = "source"
	case ".bin":
		kind = "blob"
	case ".rsp":
		kind = "response file"
	}
	if strings.Contains(rest, "response file") {
		kind = "response file"
	}
	if strings.Contains(rest, "precompiled") {
		kind = "precompiled header"
	}
	return verb + " " + kind
}

func pathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.Contains(p[i:], "/") {
		return p[i:]
	}
	return ""
}
