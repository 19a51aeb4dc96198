package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadSettingsAreNotSilent (issue 13, O10): a setting objcache cannot
// use makes every compile say so in one line on stderr, and still compile
// (uncached) with the compiler's own output; objcache's commands exit 2
// with the same line. Nothing in the cache is lost.
func TestBadSettingsAreNotSilent(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	cases := []struct {
		name   string
		config string // config.toml's content, if any
		env    map[string]string
		want   string // in the line
	}{
		{name: "unknown key", config: "max_size = \"5G\"\nmax_sise = \"1G\"\n", want: `config.toml:2: unknown key "max_sise"`},
		{name: "unparsable file", config: "max_size = \"5G\n", want: "config.toml:1:"},
		{name: "bad size", env: map[string]string{"OBJCACHE_MAX_SIZE": "lots"}, want: `OBJCACHE_MAX_SIZE: "lots" is not a size`},
		{name: "bad remote URL", env: map[string]string{"OBJCACHE_REMOTE_STORAGE": "://qwerty"}, want: `OBJCACHE_REMOTE_STORAGE: "://qwerty" is not a URL`},
		{name: "bad compiler_check", env: map[string]string{"OBJCACHE_COMPILER_CHECK": "%compiler% -v"}, want: "OBJCACHE_COMPILER_CHECK"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("w.c", "int f(void) { int unused; return 0; }\n")
			args := []string{"-Wall", "-c", "w.c", "-o", "w.o"}
			// A good cache first: an entry that must survive.
			if o := e.objcache(append([]string{cc}, args...)...); o.code != 0 {
				t.Fatal(o)
			}
			if tc.config != "" {
				if err := os.WriteFile(filepath.Join(e.cache, "config.toml"), []byte(tc.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tc.env {
				e.setenv(k, v)
			}
			ref := e.run(cc, args...)
			want := e.read("w.o")
			for i := 0; i < 2; i++ {
				os.Remove(filepath.Join(e.work, "w.o"))
				o := e.objcache(append([]string{cc}, args...)...)
				line, rest, _ := strings.Cut(o.stderr, "\n")
				if !strings.HasPrefix(line, "objcache: ") || !strings.Contains(line, tc.want) || !strings.HasSuffix(line, "; compiling without the cache") {
					t.Errorf("call %d: first stderr line %q, want objcache: …%s…; compiling without the cache", i, line, tc.want)
				}
				if rest != ref.stderr || o.stdout != ref.stdout || o.code != ref.code {
					t.Errorf("call %d: after the line, %v\nwant (gcc alone) %v", i, outcome{o.stdout, rest, o.code}, ref)
				}
				if e.read("w.o") != want {
					t.Errorf("call %d: the object differs from gcc's", i)
				}
			}
			for _, cmd := range [][]string{{"config"}, {"stats"}} {
				o := e.objcache(cmd...)
				if o.code != 2 || !strings.Contains(o.stderr, tc.want) || strings.Count(o.stderr, "\n") != 1 {
					t.Errorf("objcache %s: %v\nwant exit 2 and one line with %q", cmd[0], o, tc.want)
				}
			}
			// Fixed, the cache is as it was: the first entry hits.
			os.Remove(filepath.Join(e.cache, "config.toml"))
			for k := range tc.env {
				e.unsetenv(k)
			}
			e.objcache(append([]string{cc}, args...)...)
			e.wantStats(map[string]int64{"hits": 1, "misses": 1})
		})
	}
}

// TestReadOnlyCounts (issue 13, O12): with read_only, a CI job that only
// consumes a cache sees its hits, misses and pass-throughs counted, and
// stores nothing.
func TestReadOnlyCounts(t *testing.T) {
	cc := requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("a.c", "int a = 1;\n")
	e.write("b.c", "int b = 2;\n")
	if o := e.objcache(cc, "-c", "a.c", "-o", "a.o"); o.code != 0 {
		t.Fatal(o)
	}
	before := e.stats()
	e.setenv("OBJCACHE_READ_ONLY", "true")
	for _, args := range [][]string{
		{"-c", "a.c", "-o", "a.o"}, // hit
		{"-c", "b.c", "-o", "b.o"}, // miss, not stored
		{"-c", "b.c", "-o", "b.o"}, // miss again
		{"-E", "a.c"},              // not a compile
	} {
		sameAsCompiler(t, e, strings.Join(args, " "), cc, args)
	}
	s := e.stats()
	for name, want := range map[string]int64{"hits": 1, "misses": before["misses"] + 2, "not_stored.read-only": 2} {
		if s[name] != want {
			t.Errorf("%s = %d, want %d (stats %v)", name, s[name], want, s)
		}
	}
	if s["files"] != before["files"] || s["stored"] != before["stored"] {
		t.Errorf("a read-only cache stored something: before %v, after %v", before, s)
	}
	var passed int64
	for k, v := range s {
		if strings.HasPrefix(k, "uncacheable.") {
			passed += v
		}
	}
	if passed != 1 {
		t.Errorf("%d pass-throughs counted, want 1 (the -E call; stats %v)", passed, s)
	}
}
