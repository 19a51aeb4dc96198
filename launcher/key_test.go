package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/objcache/objcache/digest"
)

// TestNativeLine: the part of a driver's -### answer that the native
// options decide, from real gcc 12 and clang 14 answers (shortened) and
// ccache's fake compilers.
func TestNativeLine(t *testing.T) {
	tests := []struct {
		name, answer, want string
		ok                 bool
	}{
		{"gcc", "Using built-in specs.\nCOLLECT_GCC=gcc\n /usr/lib/gcc/x86_64-linux-gnu/12/cc1 -E -quiet -imultiarch x86_64-linux-gnu - \"-march=znver3\" -mmmx --param \"l1-cache-size=48\" \"-mtune=znver3\" -dumpbase -\nCOLLECT_GCC_OPTIONS='-E'\n",
			`/usr/lib/gcc/x86_64-linux-gnu/12/cc1 -E -quiet -imultiarch x86_64-linux-gnu - "-march=znver3" -mmmx --param "l1-cache-size=48" "-mtune=znver3" -dumpbase -`, true},
		{"gcc on Windows", " \"C:/mingw/libexec/gcc/cc1.exe\" -E -quiet - -march=haswell\r\n", `"C:/mingw/libexec/gcc/cc1.exe" -E -quiet - -march=haswell`, true},
		{"clang", "clang version 14.0.6\n \"/usr/lib/llvm-14/bin/clang\" \"-cc1\" \"-triple\" \"x86_64-pc-linux-gnu\" \"-E\" \"-fdebug-compilation-dir=/home/me\" \"-target-cpu\" \"znver3\" \"-target-feature\" \"+avx2\" \"-target-feature\" \"-avx512pf\" \"-tune-cpu\" \"generic\"\n",
			`"-target-cpu" "znver3" "-target-feature" "+avx2" "-target-feature" "-avx512pf" "-tune-cpu" "generic" `, true},
		{"ccache's fake gcc", "Using built-in specs.\n...\n /example/cc1 -E -quiet one\nCOMPILER_PATH=/example\n", "/example/cc1 -E -quiet one", true},
		{"ccache's fake clang", "...\n (in-process)\n \"/example/bin/clang\" \"-cc1\" \"-target-cpu\" \"two\"\n", `"-target-cpu" "two" `, true},
		{"no compiler line", "gcc: error: unrecognized command-line option '-mcpu=native'\n", "", false},
	}
	for _, tt := range tests {
		got, ok := nativeLine(tt.answer)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: nativeLine = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestDirStates: one letter per directory, relative ones under cwd, and a
// regular file's content digest (a clang header map).
func TestDirStates(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o777)
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o666)
	h := digest.New()
	h.Bytes(nil)
	empty := h.Result().String()
	if got, want := dirStates(dir, []string{"d", "f", "missing", filepath.Join(dir, "d"), "d/../d", "f/x"}), "df("+empty+")-dd-"; got != want {
		t.Errorf("dirStates = %q, want %q", got, want)
	}
	// A link names its target, with or without a trailing slash.
	if err := os.Symlink("d", filepath.Join(dir, "cur")); err != nil {
		t.Skip(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "cur")); err != nil || !fi.IsDir() {
		t.Skip("a symlink to a directory does not resolve here (Wine)")
	}
	os.Symlink("gone", filepath.Join(dir, "dangling"))
	os.Symlink("cur", filepath.Join(dir, "link2"))
	real := filepath.Join(dir, "d")
	if r, err := filepath.EvalSymlinks(real); err == nil {
		real = r
	}
	l := fmt.Sprintf("l%d:%s", len(real), real)
	if got, want := dirStates(dir, []string{"cur", "cur/", "cur/.", "cur/./", "link2", "dangling"}), l+"d"+l+"d"+l+"d"+l+"d"+l+"d"+"l1:?-"; got != want {
		t.Errorf("dirStates with links = %q, want %q", got, want)
	}
}

func TestLastName(t *testing.T) {
	for in, want := range map[string]string{"a/b/": "a/b", "a//": "a", "a/.": "a", "a/./.": "a", "a/./": "a", "/": "/", "/.": "/", "a": "a", ".": ".", "": "", "a/..": "a/.."} {
		if got := lastName(in); got != want {
			t.Errorf("lastName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPathState: what a profile input is when it has no content to hash.
func TestPathState(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o777)
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o666)
	for _, tt := range []struct{ path, want string }{
		{"d", stateDir}, {"f", ""}, {"missing", stateAbsent}, {"f/default.profdata", stateAbsent},
	} {
		got, err := pathState(filepath.Join(dir, tt.path))
		if err != nil || got != tt.want {
			t.Errorf("pathState(%s) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
}

// TestEnvironmentHash: the order of the environment does not matter, its
// content does.
func TestEnvironmentHash(t *testing.T) {
	a := environmentHash([]string{"A=1", "B=2"})
	if b := environmentHash([]string{"B=2", "A=1"}); a != b {
		t.Error("order changes the hash")
	}
	if c := environmentHash([]string{"A=1", "B=3"}); a == c {
		t.Error("a value does not change the hash")
	}
}
