package integration

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// missReport is what `objcache stats --json` says of the misses' causes.
type missReport struct {
	Misses     int64 `json:"misses"`
	MissCauses []struct {
		Cause string `json:"cause"`
		Count int64  `json:"count"`
		Top   []struct {
			Subject string `json:"subject"`
			Count   int64  `json:"count"`
		} `json:"top"`
	} `json:"miss_causes"`
}

// missCauses returns the counted causes, and each one's top subject.
func (e *env) missCauses() (counts map[string]int64, top map[string]string) {
	e.t.Helper()
	o := e.objcache("stats", "--json")
	var r missReport
	if err := json.Unmarshal([]byte(o.stdout), &r); o.code != 0 || err != nil {
		e.t.Fatalf("objcache stats --json: %v (%v)", o, err)
	}
	counts, top = map[string]int64{}, map[string]string{}
	for _, c := range r.MissCauses {
		counts[c.Cause] = c.Count
		if len(c.Top) > 0 {
			top[c.Cause] = c.Top[0].Subject
		}
	}
	return counts, top
}

// causeCase is one cause of a miss: a first compile stores, change
// changes one thing, and the same compile (with args2, if set) misses for
// that cause.
type causeCase struct {
	name  string
	fresh bool // no first compile

	change  func(e *env)
	args2   []string // the second compile's arguments; nil: the first's
	cause   string
	subject string // in stats' top subject of the cause ("" for none)
	explain string // in objcache explain's output
}

// TestMissCauses: for each cause of a miss, with gcc and with clang-cl,
// the rebuild's miss is counted under that cause (and its subject), the
// log's miss line names it, and objcache explain, run before the rebuild,
// says the same.
func TestMissCauses(t *testing.T) {
	families := []struct {
		name     string
		compiler func(t *testing.T, e *env) string
		args     []string
		// define and incDir spell an option for the family.
		define, envVar, envValue string
	}{
		{"gcc", func(t *testing.T, e *env) string { return requireTool(t, "gcc", "apt-get install -y gcc") },
			[]string{"-Iinc", "-c", "src/a.c", "-o", "a.o"}, "-DEXTRA=1", "CPATH", "extra"},
		{"clang-cl", clExe, []string{"/c", "/Brepro", "/Iinc", "src/a.c", "/Foa.obj"}, "/DEXTRA=1", "INCLUDE", "extra"},
	}
	for _, fam := range families {
		cases := []causeCase{
			{name: "new source", fresh: true, cause: "new-source", explain: "no earlier compile of src/a.c"},
			{name: "source", change: func(e *env) { e.write("src/a.c", "#include \"h.h\"\nint a(void) { return H + 1; }\n") },
				cause: "source-changed", subject: "src/a.c", explain: "src/a.c: content changed (was "},
			{name: "include", change: func(e *env) { e.write("inc/h.h", "#define H 2\n") },
				cause: "include-changed", subject: "h.h", explain: "h.h: content changed (was "},
			{name: "argument", args2: append([]string{fam.define}, fam.args...),
				cause: "args-changed", subject: fam.define + " added", explain: fam.define + " added"},
			{name: "environment", change: func(e *env) { os.MkdirAll(filepath.Join(e.work, "extra"), 0o777); e.setenv(fam.envVar, "extra") },
				cause: "env-changed", subject: fam.envVar, explain: fam.envVar + ` set to "extra"`},
			{name: "compiler", change: func(e *env) { e.setenv("OBJCACHE_COMPILER_CHECK", "string:v2") },
				cause: "compiler-changed", explain: "compiler identity changed"},
			{name: "evicted", change: func(e *env) { evictObjects(e) },
				cause: "evicted", explain: "has been evicted since"},
			{name: "corrupt", change: func(e *env) { corruptObjects(e) },
				cause: "corrupt", explain: "failed its checksum"},
		}
		for _, tc := range cases {
			t.Run(fam.name+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t)
				comp := fam.compiler(t, e)
				e.setenv("OBJCACHE_COMPILER_CHECK", "string:v1")
				e.write("inc/h.h", "#define H 1\n")
				e.write("src/a.c", "#include \"h.h\"\nint a(void) { return H; }\n")
				args := append([]string{comp}, fam.args...)
				if !tc.fresh {
					if o := e.objcache(args...); o.code != 0 {
						t.Fatalf("first compile: %v", o)
					}
				}
				if tc.change != nil {
					tc.change(e)
				}
				args2 := args
				if tc.args2 != nil {
					args2 = append([]string{comp}, tc.args2...)
				}
				ex := e.objcache(append([]string{"explain", "--"}, args2...)...)
				if ex.code != 0 || !strings.Contains(ex.stdout, "miss ("+tc.cause+")") || !strings.Contains(ex.stdout, tc.explain) {
					t.Errorf("explain: %v\nwant a miss (%s) saying %q", ex, tc.cause, tc.explain)
				}
				os.Remove(e.log)
				if o := e.objcache(args2...); o.code != 0 {
					t.Fatalf("rebuild: %v", o)
				}
				counts, top := e.missCauses()
				if counts[tc.cause] != 1 {
					t.Errorf("misses by cause %v, want one %s", counts, tc.cause)
				}
				if tc.subject != "" && !strings.Contains(top[tc.cause], tc.subject) {
					t.Errorf("top subject of %s is %q, want %q in it", tc.cause, top[tc.cause], tc.subject)
				}
				if log := e.read("../objcache.log"); !strings.Contains(log, "; cause "+tc.cause) {
					t.Errorf("the log's miss line does not name %s:\n%s", tc.cause, log)
				}
			})
		}
	}
}

// evictObjects removes every object entry by trimming the cache to a
// size that holds none, as eviction would; the records that explain
// misses, newer and far smaller, stay.
func evictObjects(e *env) {
	e.t.Helper()
	var objects int64
	filepath.Walk(filepath.Join(e.cache, "objects"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() && !strings.HasPrefix(fi.Name(), ".") {
			objects += fi.Size()
		}
		return nil
	})
	o := e.objcache("stats", "--json")
	var r struct {
		Size int64 `json:"size_bytes"`
	}
	json.Unmarshal([]byte(o.stdout), &r)
	if o := e.objcache("clean", "--max-size", itoa(r.Size-objects)); o.code != 0 {
		e.t.Fatalf("clean: %v", o)
	}
	if files := e.entryFiles("objects"); len(files) != 0 {
		e.t.Fatalf("objects left after the trim: %v", files)
	}
}

// corruptObjects flips a byte in the middle of every object entry.
func corruptObjects(e *env) {
	e.t.Helper()
	for _, p := range e.entryFiles("objects") {
		data, err := os.ReadFile(p)
		if err != nil {
			e.t.Fatal(err)
		}
		data[len(data)/2] ^= 0xff
		if err := os.WriteFile(p, data, 0o666); err != nil {
			e.t.Fatal(err)
		}
	}
	time.Sleep(10 * time.Millisecond)
}

// itoa formats n for a command line.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestLuaMissCauses builds lua5.4 with make, then rebuilds after four
// kinds of change: one file's command gains -DLUA_USE_APICHECK, one
// header is edited, one entry is evicted by clean --max-size; and then
// the compiler's identity changes (compiler_check). objcache stats
// attributes every miss of each rebuild to its cause, and explain, run
// before each rebuild, names the change for a file of each kind.
func TestLuaMissCauses(t *testing.T) {
	src := corpus(t, "lua5.4")
	requireTool(t, "make", "apt-get install -y make")
	e := newEnv(t)
	tree := filepath.Join(e.work, "lua")
	copyTree(t, src, tree)
	dir := filepath.Join(tree, "src")
	e.setenv("OBJCACHE_COMPILER_CHECK", "string:gcc 12 build 1")
	make := func(args ...string) string {
		t.Helper()
		o := e.runIn(tree, "make", append([]string{"-C", "src"}, args...)...)
		if o.code != 0 {
			t.Fatalf("make %q: %v", args, o)
		}
		return o.stdout
	}
	build := func() string {
		make("-s", "clean")
		return make("linux", "CC="+objcacheBin+" gcc -std=gnu99")
	}
	// The compile commands, by source, as make ran them.
	commands := map[string][]string{}
	for _, line := range strings.Split(build(), "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && f[0] == objcacheBin && strings.HasSuffix(f[len(f)-1], ".c") {
			commands[f[len(f)-1]] = f
		}
	}
	if len(commands) < 30 {
		t.Fatalf("found %d compile commands in make's output", len(commands))
	}
	explain := func(cmd []string, want ...string) {
		t.Helper()
		o := e.runIn(dir, objcacheBin, append([]string{"explain", "--"}, cmd[1:]...)...)
		for _, w := range want {
			if o.code != 0 || !strings.Contains(o.stdout, w) {
				t.Errorf("explain %s: %v\nwant %q in it", cmd[len(cmd)-1], o, w)
			}
		}
	}

	// Evict lstring.c's entry: make it the least recently used object
	// and trim the cache by a byte.
	evicted := "lstring.c"
	evictedObject := storedObject(t, e, evicted)
	now := time.Now()
	for _, p := range e.entryFiles("objects") {
		os.Chtimes(p, now, now)
	}
	old := now.Add(-time.Hour)
	os.Chtimes(filepath.Join(e.cache, "objects", evictedObject[:2], evictedObject), old, old)
	var size struct {
		Bytes int64 `json:"size_bytes"`
	}
	json.Unmarshal([]byte(e.objcache("stats", "--json").stdout), &size)
	if o := e.objcache("clean", "--max-size", itoa(size.Bytes-1)); o.code != 0 {
		t.Fatal(o)
	}
	if n := len(e.entryFiles("objects")); n != len(commands)-1 {
		t.Fatalf("the trim left %d objects of %d, want all but one", n, len(commands))
	}
	e.write("lua/src/lundump.h", mustReadAbs(t, filepath.Join(dir, "lundump.h"))+"\n/* edited */\n")
	apicheck := append(slices.Clone(commands["lmathlib.c"][:2]), append([]string{"-DLUA_USE_APICHECK"}, commands["lmathlib.c"][2:]...)...)
	explain(commands[evicted], "miss (evicted)", "has been evicted since")
	explain(commands["ldo.c"], "miss (include-changed)", "lundump.h: content changed (was ")
	explain(apicheck, "miss (args-changed)", "-DLUA_USE_APICHECK added")
	explain(commands["lvm.c"], "hit")

	if o := e.objcache("zero-stats"); o.code != 0 {
		t.Fatal(o)
	}
	build()
	if o := e.runIn(dir, apicheck[0], apicheck[1:]...); o.code != 0 {
		t.Fatalf("the -DLUA_USE_APICHECK compile: %v", o)
	}
	includers := 0
	for source := range commands {
		if strings.Contains(mustReadAbs(t, filepath.Join(dir, source)), `#include "lundump.h"`) {
			includers++
		}
	}
	counts, top := e.missCauses()
	want := map[string]int64{"include-changed": int64(includers), "args-changed": 1, "evicted": 1}
	if !maps.Equal(counts, want) || top["include-changed"] != "lundump.h" || top["args-changed"] != "-DLUA_USE_APICHECK added" {
		t.Errorf("rebuild's misses by cause %v (top %v), want %v", counts, top, want)
	}

	// A new compiler: every file misses for it.
	e.setenv("OBJCACHE_COMPILER_CHECK", "string:gcc 12 build 2")
	explain(commands["lvm.c"], "miss (compiler-changed)", "compiler identity changed")
	e.objcache("zero-stats")
	build()
	if counts, _ := e.missCauses(); !maps.Equal(counts, map[string]int64{"compiler-changed": int64(len(commands))}) {
		t.Errorf("rebuild with a new compiler: misses by cause %v, want %d compiler-changed", counts, len(commands))
	}
	t.Logf("lua5.4: %d sources; rebuild misses: %d include-changed (lundump.h), 1 args-changed, 1 evicted; then %d compiler-changed", len(commands), includers, len(commands))
}

// storedObject returns the key of the object objcache stored for source,
// from the log: each invocation's lines are written at once, its command
// first.
func storedObject(t *testing.T, e *env, source string) string {
	t.Helper()
	var current string
	for _, line := range strings.Split(e.read("../objcache.log"), "\n") {
		if strings.Contains(line, "] objcache ") {
			current = line
		}
		if _, key, ok := strings.Cut(line, "stored object "); ok && strings.Contains(current, `"`+source+`"`) {
			return strings.Fields(key)[0]
		}
	}
	t.Fatalf("the log names no object stored for %s", source)
	return ""
}
