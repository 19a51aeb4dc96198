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
