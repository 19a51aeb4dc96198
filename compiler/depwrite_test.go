package compiler

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRetargetDepfileAsTheCompilers: for gcc and clang, the depfile
// written for one -MT or -MQ target, retargeted, is byte for byte the one
// the compiler writes for the other, whatever the lengths (the wrapping of
// the prerequisites moves with them), with names that need escapes, and
// with -MP's phony rules.
func TestRetargetDepfileAsTheCompilers(t *testing.T) {
	dir := t.TempDir()
	var src strings.Builder
	for _, h := range []string{"a.h", "a_somewhat_longer_header_name.h", "sp ace.h", "hash#.h", "dollar$.h", "x.h", "another_header_with_a_long_name_indeed.h"} {
		if err := os.WriteFile(filepath.Join(dir, h), []byte("\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		src.WriteString("#include \"" + h + "\"\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "m.c"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	targets := []struct{ opt, value string }{
		{"-MT", "x"}, {"-MT", "m.o"}, {"-MQ", "obj/m.o"}, {"-MT", strings.Repeat("t", 20)},
		{"-MT", strings.Repeat("u", 45)}, {"-MT", strings.Repeat("v", 53)}, {"-MT", strings.Repeat("w", 71)},
		{"-MT", strings.Repeat("y", 90)}, {"-MQ", "dir with space/m.o"}, {"-MT", "a b"},
	}
	for _, tc := range []struct {
		cc     string
		flavor Flavor
	}{{"gcc", FlavorGCC}, {"clang-14", FlavorClang}} {
		if _, err := exec.LookPath(tc.cc); err != nil {
			t.Logf("%s not installed", tc.cc)
			continue
		}
		for _, phony := range []bool{false, true} {
			deps := make([][]byte, len(targets))
			quoted := make([]string, len(targets))
			for i, tg := range targets {
				args := []string{"-c", "m.c", "-o", "/dev/null", "-MD", "-MF", "m.d", tg.opt, tg.value}
				if phony {
					args = append(args, "-MP")
				}
				deps[i] = compileDepfile(t, dir, tc.cc, args)
				quoted[i] = tg.value
				if tg.opt == "-MQ" {
					quoted[i] = QuoteTarget(tg.value)
				}
			}
			for i := range targets {
				for j := range targets {
					got, ok := RetargetDepfile(tc.flavor, deps[i], []string{quoted[j]})
					if !ok || string(got) != string(deps[j]) {
						t.Errorf("%s (phony %v): %s %q → %s %q: ok %v\ngot:\n%s\nwant:\n%s", tc.cc, phony, targets[i].opt, targets[i].value, targets[j].opt, targets[j].value, ok, got, deps[j])
					}
				}
			}
		}
	}
}

func TestRetargetDepfileRefuses(t *testing.T) {
	for _, dep := range []string{
		"",
		"no rule here\n",
		"x: a.c",                  // no end of line
		"x: a.c b.h \\\n   c.h\n", // not a layout of either compiler
		"x:  a.c\n",               // two spaces
		"x: a.c\tb.h\n",           // a tab
	} {
		if got, ok := RetargetDepfile(FlavorGCC, []byte(dep), []string{"y"}); ok {
			t.Errorf("RetargetDepfile(%q) = %q, want a refusal", dep, got)
		}
	}
}

// TestRuleTargetsOrder: gcc writes -MT targets before -MQ ones (with its
// swap), clang in the command's order; checked against both compilers.
func TestRuleTargetsOrder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.c"), []byte("int m;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cc     string
		flavor Flavor
	}{{"gcc", FlavorGCC}, {"clang-14", FlavorClang}} {
		if _, err := exec.LookPath(tc.cc); err != nil {
			continue
		}
		for _, opts := range []string{"-MQ q.o -MT t.o", "-MQ q1 -MQ q2 -MT t1 -MT t2", "-MT t1 -MQ q1 -MT t2 -MQ q2 -MT t3", "-MQ q1 -MT t1 -MQ q2 -MT t2", "-MQ $q -MT a$b"} {
			args := append([]string{"-c", "m.c", "-o", "/dev/null", "-MD", "-MF", "m.d"}, strings.Fields(opts)...)
			data := compileDepfile(t, dir, tc.cc, args)
			inv := Parse(tc.flavor, args, dir)
			got, ok := RetargetDepfile(tc.flavor, data, inv.Depfile.RuleTargets(tc.flavor))
			if !ok || string(got) != string(data) {
				t.Errorf("%s %s: retargeted\n%s\nwant\n%s", tc.cc, opts, got, data)
			}
		}
	}
}

// compileDepfile runs cc with args (which write m.d) in dir and returns the
// depfile.
func compileDepfile(t *testing.T, dir, cc string, args []string) []byte {
	t.Helper()
	cmd := exec.Command(cc, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %q: %v\n%s", cc, args, err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "m.d"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRewriteDepfileRenamesPhonyRules: -MP's phony rules are renamed as the
// prerequisites are, escaped blanks included (break-it round 7: a header in
// "sp ace" kept the compiler's name in its phony rule).
func TestRewriteDepfileRenamesPhonyRules(t *testing.T) {
	rename := func(name string) string {
		if rest, ok := strings.CutPrefix(name, "../src/"); ok {
			return "/w/src/" + rest
		}
		return name
	}
	dep := "t.o: ../src/sp\\ ace/a\\ 2.c ../src/sp\\ ace/b.h\n../src/sp\\ ace/b.h:\n"
	want := "t.o: /w/src/sp\\ ace/a\\ 2.c /w/src/sp\\ ace/b.h\n/w/src/sp\\ ace/b.h:\n"
	got, ok := RewriteDepfile(FlavorGCC, []byte(dep), nil, rename)
	if !ok || string(got) != want {
		t.Errorf("RewriteDepfile: ok %v\ngot:\n%s\nwant:\n%s", ok, got, want)
	}
}
