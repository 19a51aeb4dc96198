// Package integration runs the objcache binary against real compilers, the
// way a build does, and compares every result byte for byte with what the
// compiler alone produces.
package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// objcacheBin is the binary under test, built once by TestMain with its
// helper objcache-remote beside it.
var objcacheBin string

// BinVar names a directory holding objcache and objcache-remote already
// built (for example from an older commit): the tests then run those
// binaries instead of building the checkout's. It is how a regression test
// is shown to fail before its fix.
const BinVar = "OBJCACHE_TEST_BIN_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(BinVar); dir != "" {
		objcacheBin = filepath.Join(dir, "objcache")
		if runtime.GOOS == "windows" {
			objcacheBin += ".exe"
		}
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "objcache-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	objcacheBin = filepath.Join(dir, "objcache")
	if runtime.GOOS == "windows" {
		objcacheBin += ".exe"
	}
	// objcache-remote, the helper that serves remote storage, and
	// objcache-manage, which runs the management commands, go next to
	// objcache, where objcache looks for them first.
	build := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "../cmd/objcache", "../cmd/objcache-remote", "../cmd/objcache-manage")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building objcache, objcache-remote and objcache-manage:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireTool skips the test when a program it needs is missing, saying what
// to install. .ci/run installs them all.
func requireTool(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not found: install it (%s) to run this test; .ci/run does", name, install)
	}
	return p
}

// env is one test's world: a work directory, a cache directory and the
// environment objcache runs with.
type env struct {
	t     testing.TB
	work  string
	cache string
	log   string
	vars  []string
	// lastWrite is when e.write last wrote a file (see settleWrites).
	lastWrite time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	root := t.TempDir()
	e := &env{t: t, work: filepath.Join(root, "work"), cache: filepath.Join(root, "cache"), log: filepath.Join(root, "objcache.log")}
	if err := os.MkdirAll(e.work, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OBJCACHE_") {
			e.vars = append(e.vars, kv)
		}
	}
	e.vars = append(e.vars, "OBJCACHE_DIR="+e.cache, "OBJCACHE_LOGFILE="+e.log, "LC_ALL=C")
	t.Cleanup(func() {
		if t.Failed() {
			if data, err := os.ReadFile(e.log); err == nil {
				t.Logf("objcache log:\n%s", lastLines(string(data), 80))
			}
		}
	})
	return e
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// unsetenv removes name from the environment of the programs run.
func (e *env) unsetenv(name string) {
	kept := e.vars[:0]
	for _, kv := range e.vars {
		if !strings.HasPrefix(kv, name+"=") {
			kept = append(kept, kv)
		}
	}
	e.vars = kept
}

// setenv adds or replaces a variable for the programs this env runs.
func (e *env) setenv(name, value string) {
	kept := e.vars[:0]
	for _, kv := range e.vars {
		if !strings.HasPrefix(kv, name+"=") {
			kept = append(kept, kv)
		}
	}
	e.vars = append(kept, name+"="+value)
}

// write creates a file under the work directory, with its times set a
// minute back, as a checkout's files are when a build starts.
func (e *env) write(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.work, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
		e.t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(p, old, old); err != nil {
		e.t.Fatal(err)
	}
	e.lastWrite = time.Now()
	return p
}

// settleWrites waits until the files e.write wrote are old enough to be
// stored: their mtime is set back, but their ctime, which no one can set,
// is now, and objcache does not store a compile whose inputs changed less
// than 15 ms before it started.
func (e *env) settleWrites() {
	if wait := time.Until(e.lastWrite.Add(60 * time.Millisecond)); wait > 0 {
		time.Sleep(wait)
	}
}

// outcome is what a program did: its console output and exit status.
type outcome struct {
	stdout, stderr string
	code           int
}

func (o outcome) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
}

// run runs a program in the work directory.
func (e *env) run(name string, args ...string) outcome {
	e.t.Helper()
	return e.runIn(e.work, name, args...)
}

func (e *env) runIn(dir, name string, args ...string) outcome {
	e.t.Helper()
	return e.start(exec.Command(name, args...), dir)
}

// runArgv0 runs the program at path with argv[0] set to argv0, as a shell
// does for a name it finds in PATH.
func (e *env) runArgv0(path, argv0 string, args ...string) outcome {
	e.t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Args[0] = argv0
	return e.start(cmd, e.work)
}

func (e *env) start(cmd *exec.Cmd, dir string) outcome {
	e.t.Helper()
	e.settleWrites()
	cmd.Dir, cmd.Env = dir, e.vars
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		exit, ok := err.(*exec.ExitError)
		if !ok {
			e.t.Fatalf("run %s: %v", cmd.Path, err)
		}
		code = exit.ExitCode()
	}
	return outcome{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// objcache runs the binary under test.
func (e *env) objcache(args ...string) outcome {
	e.t.Helper()
	return e.run(objcacheBin, args...)
}

// stats returns the counters `objcache stats --json` reports, flattened:
// hits, misses, and "uncacheable.X", "error.X", "not_stored.X" and other
// names.
func (e *env) stats() map[string]int64 {
	e.t.Helper()
	o := e.objcache("stats", "--json")
	if o.code != 0 {
		e.t.Fatalf("objcache stats: %v", o)
	}
	var r struct {
		Hits        int64            `json:"hits"`
		Misses      int64            `json:"misses"`
		Files       int64            `json:"files"`
		Uncacheable map[string]int64 `json:"uncacheable"`
		Errors      map[string]int64 `json:"errors"`
		NotStored   map[string]int64 `json:"not_stored"`
		Other       map[string]int64 `json:"other"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &r); err != nil {
		e.t.Fatalf("objcache stats --json: %v\n%s", err, o.stdout)
	}
	m := map[string]int64{"hits": r.Hits, "misses": r.Misses, "files": r.Files}
	for prefix, group := range map[string]map[string]int64{"uncacheable.": r.Uncacheable, "error.": r.Errors, "not_stored.": r.NotStored, "": r.Other} {
		for k, v := range group {
			m[prefix+k] = v
		}
	}
	return m
}

// wantStats checks some counters (others may have any value).
func (e *env) wantStats(want map[string]int64) {
	e.t.Helper()
	got := e.stats()
	for k, v := range want {
		if got[k] != v {
			e.t.Errorf("stats %s = %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
}

// read returns a file's content under the work directory ("" if missing).
func (e *env) read(name string) string {
	data, err := os.ReadFile(filepath.Join(e.work, name))
	if err != nil {
		return ""
	}
	return string(data)
}

// mustRead returns a file's content, failing the test if it is missing.
func (e *env) mustRead(name string) string {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join(e.work, name))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(data)
}

// entryFiles lists the object entry files in the cache.
func (e *env) entryFiles(kind string) []string {
	files, _ := filepath.Glob(filepath.Join(e.cache, kind, "??", "*"))
	var out []string
	for _, f := range files {
		// Lock and counter files and stat records (in the manifest
		// sections: .KEY.stat, .KEY.src) start with a dot.
		if !strings.Contains(filepath.Base(f), ".") {
			out = append(out, f)
		}
	}
	return out
}
