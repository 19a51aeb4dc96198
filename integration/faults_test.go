package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// lockHolderEnv tells the test binary, re-executed, to hold every section
// lock of the cache directory named by its value until it is killed;
// lockKindsEnv, if set, names the areas to hold ("manifests", "objects",
// or both separated by a comma; both by default).
const (
	lockHolderEnv = "OBJCACHE_TEST_HOLD_LOCKS"
	lockKindsEnv  = "OBJCACHE_TEST_HOLD_KINDS"
)

// TestHelperHoldLocks is not a test: run in a child process (by
// TestLockHeldForever and TestLockHeldByStoppedProcess), it takes the
// exclusive lock of every section of the named areas (never a stats lock),
// says "holding N" and holds them until it is killed.
func TestHelperHoldLocks(t *testing.T) {
	dir := os.Getenv(lockHolderEnv)
	if dir == "" {
		t.Skip("helper process for the lock tests")
	}
	kinds := "manifests,objects"
	if k := os.Getenv(lockKindsEnv); k != "" {
		kinds = k
	}
	var held []*flock.Flock
	for _, kind := range strings.Split(kinds, ",") {
		for i := 0; i < 256; i++ {
			section := filepath.Join(dir, kind, fmt.Sprintf("%02x", i))
			os.MkdirAll(section, 0o777) // sections are made by their first writer
			l := flock.New(filepath.Join(section, ".lock"))
			if err := l.Lock(); err != nil {
				fmt.Println("lock failed:", err)
				os.Exit(1)
			}
			held = append(held, l)
		}
	}
	fmt.Printf("holding %d\n", len(held))
	time.Sleep(time.Hour)
}

// TestLockHeldForever: another process holds every section lock and never
// lets go. With lock_timeout=2s the compile still finishes, uncached, having
// waited for a lock once only, and the timeout is counted.
func TestLockHeldForever(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"locked\"\n")
	// Create the cache layout first.
	if o := e.objcache("stats"); o.code != 0 {
		t.Fatal(o)
	}
	holder := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLocks$")
	holder.Env = append(os.Environ(), lockHolderEnv+"="+e.cache)
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { holder.Process.Kill(); holder.Wait() }()
	buf := make([]byte, 64)
	if n, _ := out.Read(buf); !strings.HasPrefix(string(buf[:n]), "holding") {
		t.Fatalf("lock holder: %q", buf[:n])
	}

	e.setenv("OBJCACHE_LOCK_TIMEOUT", "2s")
	ref := e.run("gcc", "-c", "hello.c", "-o", "ref.o")
	began := time.Now()
	o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o")
	took := time.Since(began)
	if o != ref {
		t.Errorf("console %v, want %v", o, ref)
	}
	if e.read("hello.o") != e.read("ref.o") {
		t.Error("object differs from the compiler's own")
	}
	t.Logf("with every section lock held elsewhere and lock_timeout=2s, the compile took %v", took)
	// One wait is 2s; two waits would take at least 4s.
	if took >= 3900*time.Millisecond {
		t.Errorf("the compile took %v: it waited for a lock more than once", took)
	}
	holder.Process.Kill()
	holder.Wait()
	e.wantStats(map[string]int64{"lock_timeout": 1, "error.lock-timeout": 1, "hits": 0, "misses": 0})
}

// TestCorruptEntryIsACountedMiss damages a stored entry in several ways;
// each time the next compile is a counted miss with a correct object, and
// the one after is a hit again.
func TestCorruptEntryIsACountedMiss(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	damages := map[string]func([]byte) []byte{
		"flipped byte in the middle": func(b []byte) []byte { b[len(b)/2] ^= 0x01; return b },
		"flipped last byte":          func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b },
		"truncated":                  func(b []byte) []byte { return b[:len(b)*2/3] },
		"empty":                      func(b []byte) []byte { return nil },
		"garbage header":             func(b []byte) []byte { copy(b, "GARBAGE!"); return b },
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.write("hello.c", helloC)
			e.write("hello.h", "#define GREETING \"corrupt\"\n")
			e.run("gcc", "-c", "hello.c", "-o", "ref.o")
			args := []string{"gcc", "-c", "hello.c", "-o", "hello.o"}
			e.objcache(args...)
			entries := e.entryFiles("objects")
			if len(entries) != 1 {
				t.Fatalf("%d entries", len(entries))
			}
			data, _ := os.ReadFile(entries[0])
			os.WriteFile(entries[0], damage(data), 0o666)
			for i := 0; i < 2; i++ {
				os.Remove(filepath.Join(e.work, "hello.o"))
				if o := e.objcache(args...); o.code != 0 || o.stderr != "" {
					t.Fatalf("run %d: %v", i, o)
				}
				if e.read("hello.o") != e.read("ref.o") {
					t.Fatalf("run %d: object differs from the compiler's own", i)
				}
			}
			e.wantStats(map[string]int64{"corrupt_entry": 1, "misses": 2, "hits": 1})
		})
	}
}
