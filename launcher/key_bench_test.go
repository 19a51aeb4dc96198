package launcher

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkHitIncludeDirs measures a hit whose command line names include
// directories, ten that exist and six that do not, as a build with many
// -I and -isystem options does: the manifest key records whether each
// exists (an include directory that appears later must miss), which costs
// one stat per directory on every hit.
//
//	go test ./launcher -run '^$' -bench HitIncludeDirs
func BenchmarkHitIncludeDirs(b *testing.B) {
	l, store, args := benchSetup(b)
	for i := range 16 {
		opt := "-I"
		if i%4 == 3 {
			opt = "-isystem"
		}
		dir := filepath.Join(l.Dir, "inc", strconv.Itoa(i))
		if i < 10 {
			if err := os.MkdirAll(dir, 0o777); err != nil {
				b.Fatal(err)
			}
		}
		args = append(args, opt+dir)
	}
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

// BenchmarkHitNative measures a hit with -march=native, whose expansion
// comes from the machine-local record (gcc_native.go): reading it, the first
// block of /proc/cpuinfo and hashing the environment, instead of asking
// the driver on every call.
//
//	go test ./launcher -run '^$' -bench HitNative
func BenchmarkHitNative(b *testing.B) {
	l, store, args := benchSetup(b)
	args = append(args, "-march=native")
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

// BenchmarkHostCPU measures reading the host CPU's fingerprint.
func BenchmarkHostCPU(b *testing.B) {
	for range b.N {
		hostCPU()
	}
}

// BenchmarkDirStates measures what BenchmarkHitIncludeDirs adds to a hit:
// the existence of sixteen include directories, six of them missing.
func BenchmarkDirStates(b *testing.B) {
	dir := b.TempDir()
	var dirs []string
	for i := range 16 {
		d := filepath.Join(dir, "inc", strconv.Itoa(i))
		if i < 10 {
			os.MkdirAll(d, 0o777)
		}
		dirs = append(dirs, d)
	}
	b.ResetTimer()
	for range b.N {
		dirStates(dir, dirs)
	}
}
