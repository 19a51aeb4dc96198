package compiler

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseDepfile(t *testing.T) {
	tests := []struct {
		in        string
		prereqs   []string
		targetLen int
	}{
		{"foo.o: foo.c foo.h\n", []string{"foo.c", "foo.h"}, 5},
		{"foo.o: foo.c \\\n /usr/include/stdio.h \\\n bar.h\n", []string{"foo.c", "/usr/include/stdio.h", "bar.h"}, 5},
		{"a b: x\n", []string{"x"}, 3},
		{"o: a\\ b.h c$$d.h e\\#f.h\n", []string{"a b.h", "c$d.h", "e#f.h"}, 1},
		{"o: back\\\\\\ slash.h\n", []string{`back\ slash.h`}, 1},
		{`C:\obj\foo.obj: C:\src\foo.c C:/inc/x.h` + "\n", []string{`C:\src\foo.c`, "C:/inc/x.h"}, 14},
		{"foo.o: foo.c foo.h\n\nfoo.h:\n", []string{"foo.c", "foo.h"}, 5},
		{"foo.o: foo.c \\\r\n foo.h\r\n", []string{"foo.c", "foo.h"}, 5},
		{"foo.o:", nil, 5},
	}
	for _, tt := range tests {
		prereqs, n, err := ParseDepfile([]byte(tt.in))
		if err != nil || !reflect.DeepEqual(prereqs, tt.prereqs) || n != tt.targetLen {
			t.Errorf("ParseDepfile(%q) = %q, %d, %v; want %q, %d", tt.in, prereqs, n, err, tt.prereqs, tt.targetLen)
		}
	}
	for _, bad := range []string{
		"no rule here",
		// gcc writes a name's newline as it is: the rule is cut short.
		"t.o: t.c inc\nx/foo.h\n",
		"t.o: t.c inc\nx/foo.h \\\n y.h\n",
		"t.o: t.c inc\nx/foo.h\n\ninc\nx/foo.h:\n",
	} {
		if _, _, err := ParseDepfile([]byte(bad)); err == nil {
			t.Errorf("ParseDepfile(%q) parsed", bad)
		}
	}
	// -MP's empty rules, with gcc's blank lines and clang's spacing.
	if _, _, err := ParseDepfile([]byte("t.o: t.c a.h b.h\n\na.h:\n\nb.h:\n")); err != nil {
		t.Errorf("-MP depfile: %v", err)
	}
}

func TestQuoteTarget(t *testing.T) {
	tests := []struct{ in, want string }{
		{"foo.o", "foo.o"},
		{"a b$c#d:e\\f.o", `a\ b$$c\#d:e\f.o`},
		{`x\ y.o`, `x\\\ y.o`},
	}
	for _, tt := range tests {
		if got := QuoteTarget(tt.in); got != tt.want {
			t.Errorf("QuoteTarget(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDepfileMatchesGCC reads what real gcc writes for awkward names.
func TestDepfileMatchesGCC(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: apt-get install -y gcc")
	}
	dir := t.TempDir()
	names := []string{"sp ace.h", "dol$lar.h", "ha#sh.h"}
	src := ""
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, n), nil, 0o666)
		src += "#include \"" + n + "\"\n"
	}
	os.WriteFile(filepath.Join(dir, "m.c"), []byte(src), 0o666)
	target := "t a$r#get.o"
	cmd := exec.Command(gcc, "-M", "-MF", "m.d", "-MQ", target, "m.c")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "m.d"))
	prereqs, n, err := ParseDepfile(data)
	if err != nil {
		t.Fatal(err)
	}
	if string(data[:n]) != QuoteTarget(target) {
		t.Errorf("target %q, want %q", data[:n], QuoteTarget(target))
	}
	want := map[string]bool{"m.c": true}
	for _, n := range names {
		want[n] = true
	}
	for _, p := range prereqs {
		delete(want, p)
	}
	if len(want) != 0 {
		t.Errorf("prerequisites %q miss %v", prereqs, want)
	}
}
