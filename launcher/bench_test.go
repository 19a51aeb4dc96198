package launcher

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
)

// BenchmarkHit measures the hit path in-process (no process start-up): a
// compile of lua's lvm.c (from $OBJCACHE_CORPUS) or, without the corpus, a
// small generated source with a few headers, answered from the cache.
// Profile it with -cpuprofile to see where a hit's time goes:
//
//	go test ./launcher -run '^$' -bench Hit -cpuprofile cpu.out
func BenchmarkHit(b *testing.B) {
	l, store, args := benchSetup(b)
	if status := l.Run(context.Background(), args[0], args[1:]); status != 0 {
		b.Fatalf("miss: status %d", status)
	}
	b.ResetTimer()
	for range b.N {
		if status := l.Run(context.Background(), args[0], args[1:]); status != 0 {
			b.Fatalf("hit: status %d", status)
		}
	}
	b.StopTimer()
	st, _ := store.Stats(context.Background())
	if st[StatHit] != int64(b.N) {
		b.Fatalf("%d hits in %d runs: %v", st[StatHit], b.N, st)
	}
}

// BenchmarkMiss measures the miss path in-process, compiler included: each
// run defines another macro, so each is a new key. The CPU profile shows
// objcache's own work only (the compiler is another process):
//
//	go test ./launcher -run '^$' -bench Miss -cpuprofile cpu.out
func BenchmarkMiss(b *testing.B) {
	l, store, args := benchSetup(b)
	b.ResetTimer()
	for i := range b.N {
		run := append(args[1:len(args):len(args)], "-DOBJCACHE_BENCH_RUN="+strconv.Itoa(i))
		if status := l.Run(context.Background(), args[0], run); status != 0 {
			b.Fatalf("miss: status %d", status)
		}
	}
	b.StopTimer()
	st, _ := store.Stats(context.Background())
	if st[StatMiss] != int64(b.N) {
		b.Fatalf("%d misses in %d runs: %v", st[StatMiss], b.N, st)
	}
}

// benchSetup makes the sources and the cache for the benchmarks and returns
// a Launcher, its store and the compiler command line.
func benchSetup(b *testing.B) (*Launcher, *cache.Store, []string) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		b.Skip("gcc not found")
	}
	work := b.TempDir()
	source := "main.c"
	if root := os.Getenv("OBJCACHE_CORPUS"); root != "" {
		src := filepath.Join(root, "lua5.4", "src")
		files, _ := filepath.Glob(filepath.Join(src, "*.[ch]"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(work, filepath.Base(f)), data, 0o666)
		}
		source = "lvm.c"
	} else {
		os.WriteFile(filepath.Join(work, "a.h"), []byte("#include <stdio.h>\n#define A 1\n"), 0o666)
		os.WriteFile(filepath.Join(work, "main.c"), []byte("#include \"a.h\"\nint main(void) { return printf(\"%d\\n\", A); }\n"), 0o666)
	}
	// Inputs changed moments ago are neither stored (they may be changing
	// under the compile) nor recorded by their stat data (statTrustAge):
	// let them age, as a checkout's files have.
	time.Sleep(statTrustAge + 100*time.Millisecond)
	cfg, err := config.Load(func(name string) (string, bool) {
		if name == "OBJCACHE_DIR" {
			return filepath.Join(work, "cache"), true
		}
		return "", false
	})
	if err != nil {
		b.Fatal(err)
	}
	store, err := cache.Open(cfg.Dir, cache.Options{LockTimeout: cfg.LockTimeout, CompressionLevel: cfg.CompressionLevel})
	if err != nil {
		b.Fatal(err)
	}
	l := &Launcher{Config: cfg, Store: store, Stdout: io.Discard, Stderr: io.Discard,
		Environ: []string{"PATH=" + os.Getenv("PATH")}, Dir: work}
	return l, store, []string{gcc, "-O2", "-c", source, "-o", "out.o"}
}
