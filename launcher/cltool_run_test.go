package launcher

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
	"github.com/objcache/objcache/internal/fakecl"
)

// fakeCLVar makes the test binary run as the fake cl.exe (package fakecl),
// so that the launcher's MSVC path runs end to end on every system, Wine
// included.
const fakeCLVar = "OBJCACHE_TEST_FAKECL"

func TestMain(m *testing.M) {
	if os.Getenv(fakeCLVar) == "1" {
		os.Exit(fakecl.Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// installFakeCL copies the test binary into dir as cl.exe.
func installFakeCL(t *testing.T, dir string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	cl := filepath.Join(dir, "cl.exe")
	if err := os.WriteFile(cl, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return cl
}

// TestCLToolExeMode runs a call that names no compiler, as MSBuild runs
// objcache as its CLToolExe: the compiler is the compiler setting, else
// cl.exe in PATH; the second call hits for both sources, with cl's console
// output.
func TestCLToolExeMode(t *testing.T) {
	for _, how := range []string{"compiler setting", "PATH"} {
		t.Run(how, func(t *testing.T) {
			root := t.TempDir()
			bin, work := filepath.Join(root, "bin"), filepath.Join(root, "work")
			for _, d := range []string{bin, work, filepath.Join(work, "out")} {
				os.MkdirAll(d, 0o777)
			}
			cl := installFakeCL(t, bin)
			os.WriteFile(filepath.Join(work, "h.h"), []byte("int h;\n"), 0o666)
			os.WriteFile(filepath.Join(work, "a.cpp"), []byte("#include \"h.h\"\nint a;\n"), 0o666)
			os.WriteFile(filepath.Join(work, "b.cpp"), []byte("#include \"h.h\"\nint b;\n"), 0o666)
			os.WriteFile(filepath.Join(work, "args.rsp"), []byte("/c /nologo /MP2 a.cpp b.cpp /Foout/\r\n"), 0o666)
			time.Sleep(100 * time.Millisecond) // inputs this young are not stored
			env := map[string]string{"OBJCACHE_DIR": filepath.Join(root, "cache")}
			if how == "compiler setting" {
				env["OBJCACHE_COMPILER"] = cl
			}
			cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
			if err != nil {
				t.Fatal(err)
			}
			store, err := cache.Open(cfg.Dir, cache.Options{LockTimeout: cfg.LockTimeout})
			if err != nil {
				t.Fatal(err)
			}
			pathDirs := bin
			if how == "compiler setting" {
				pathDirs = filepath.Join(root, "empty") // cl.exe only through the setting
			}
			var want []byte
			for i, phase := range []string{"miss", "hit"} {
				var stdout, stderr bytes.Buffer
				l := &Launcher{Config: cfg, Store: store, Stdout: &stdout, Stderr: &stderr,
					Environ: []string{"PATH=" + pathDirs, fakeCLVar + "=1", "SYSTEMROOT=" + os.Getenv("SYSTEMROOT")}, Dir: work,
					Self: filepath.Join(root, "objcache.exe"), LogFile: filepath.Join(root, "log")}
				if code := l.Run(context.Background(), "", []string{"@args.rsp"}); code != 0 || stdout.String() != "a.cpp\nb.cpp\n" || stderr.Len() != 0 {
					t.Fatalf("%s: exit %d, stdout %q, stderr %q", phase, code, stdout.String(), stderr.String())
				}
				obj, err := os.ReadFile(filepath.Join(work, "out", "b.obj"))
				if err != nil {
					t.Fatalf("%s: %v", phase, err)
				}
				if i == 0 {
					want = obj
				} else if !bytes.Equal(obj, want) {
					t.Errorf("the hit's b.obj differs from the miss's")
				}
				st, err := store.Stats(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if st[StatHit] != int64(2*i) || st[StatMiss] != 2 {
					t.Errorf("after the %s: counters %v; want %d hits and 2 misses", phase, st, 2*i)
				}
			}
		})
	}
}
