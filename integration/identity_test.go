package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeAssembler is a GNU as that marks the objects it writes with a .fake
// section: an assembler first in PATH that writes other objects.
const fakeAssembler = `#!/bin/sh
/usr/bin/as "$@" || exit $?
out=a.out; prev=; for a in "$@"; do [ "$prev" = "-o" ] && out=$a; prev=$a; done
echo FAKE > "$out.marker" && objcopy --add-section .fake="$out.marker" "$out"; s=$?; rm -f "$out.marker"; exit $s
`

// TestAssemblerInPATHIsKeyed: gcc's -c and clang's -fno-integrated-as run
// the first "as" the driver finds, in its program directories and then in
// PATH, so an assembler that PATH leads to joins the key. objcache used to
// key the driver alone and return the fake assembler's object after PATH
// no longer led to it (a wrong object), and the other way round.
func TestAssemblerInPATHIsKeyed(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	requireTool(t, "objcopy", "apt-get install -y binutils")
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	tests := []struct {
		name string
		args []string
	}{
		{"gcc", []string{"gcc", "-c", "t.c", "-o", "t.o"}},
		{"gcc assembler source", []string{"gcc", "-c", "a.s", "-o", "t.o"}},
		// Through a link outside /usr/bin, clang's program directories hold
		// no as: PATH decides, as for gcc.
		{"clang -fno-integrated-as", []string{"BIN/clang", "-fno-integrated-as", "-c", "t.c", "-o", "t.o"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("t.c", "int answer(void) { return 42; }\n")
			e.write("a.s", ".text\n.globl f\nf: ret\n")
			fake := filepath.Join(e.work, "fake")
			e.write("fake/as", fakeAssembler)
			os.Chmod(filepath.Join(fake, "as"), 0o755)
			bin := filepath.Join(e.work, "bin")
			os.MkdirAll(bin, 0o777)
			if err := os.Symlink(clang, filepath.Join(bin, "clang")); err != nil {
				t.Fatal(err)
			}
			args := append([]string(nil), tt.args...)
			args[0] = strings.Replace(args[0], "BIN", bin, 1)
			path := os.Getenv("PATH")
			hasFake := func(obj string) bool {
				out, err := exec.Command("readelf", "-S", filepath.Join(e.work, obj)).CombinedOutput()
				if err != nil {
					t.Fatalf("readelf %s: %v\n%s", obj, err, out)
				}
				return strings.Contains(string(out), ".fake")
			}
			for i, withFake := range []bool{true, false, true, false} {
				if withFake {
					e.setenv("PATH", fake+":"+path)
				} else {
					e.setenv("PATH", path)
				}
				if o := e.objcache(args...); o.code != 0 {
					t.Fatalf("call %d: %v", i, o)
				}
				if got := hasFake("t.o"); got != withFake {
					t.Fatalf("call %d (fake as first in PATH: %v): object has the fake section: %v", i, withFake, got)
				}
			}
			e.wantStats(map[string]int64{"misses": 2, "hits": 2})
		})
	}
}

// TestCompilerPartsAreIdentity: the compiler is more than its driver: gcc's
// cc1 and clang's libLLVM can change while the driver binary stays as it
// was (separate Debian packages). A changed part is a changed compiler: the
// next call misses. Checked by putting a changed copy of the part over it
// in a private mount namespace (root only).
func TestCompilerPartsAreIdentity(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for a private mount namespace")
	}
	requireTool(t, "unshare", "apt-get install -y util-linux")
	gcc := requireTool(t, "gcc", "apt-get install -y gcc")
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	cc1, err := exec.Command(gcc, "-print-prog-name=cc1").Output()
	if err != nil {
		t.Fatal(err)
	}
	llvm, err := filepath.EvalSymlinks("/usr/lib/llvm-14/lib/libLLVM-14.so.1")
	if err != nil {
		t.Skipf("libLLVM-14 not where Debian puts it: %v", err)
	}
	tests := []struct {
		name, compiler, part string
	}{
		{"gcc cc1", gcc, strings.TrimSpace(string(cc1))},
		{"clang libLLVM", clang, llvm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("t.c", "int answer(void) { return 42; }\n")
			if o := e.objcache(tt.compiler, "-c", "t.c", "-o", "t.o"); o.code != 0 {
				t.Fatal(o)
			}
			changed := filepath.Join(t.TempDir(), "part")
			data, err := os.ReadFile(tt.part)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(changed, append(data, 'X'), 0o755); err != nil {
				t.Fatal(err)
			}
			script := `mount --bind "$1" "$2" && shift 2 && exec "$@"`
			o := e.run("unshare", "-m", "sh", "-c", script, "sh", changed, tt.part, objcacheBin, tt.compiler, "-c", "t.c", "-o", "t.o")
			if o.code != 0 {
				t.Fatal(o)
			}
			if o := e.objcache(tt.compiler, "-c", "t.c", "-o", "t.o"); o.code != 0 {
				t.Fatal(o)
			}
			// Miss with the changed part, miss again when it is back (the
			// record was rewritten for the changed one), and no hit of the
			// first entry's object under the changed compiler.
			e.wantStats(map[string]int64{"misses": 2, "hits": 1})
		})
	}
}
