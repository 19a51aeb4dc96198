package integration

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSizeLimitWithRealCompiles fills small caches from real gcc and clang
// compiles and checks that what the cache holds, all its files but tmp/,
// stays within 10% of max_size after every compile, stat records included (ccache suite
// findings: 300 compiles into a 1M cache left 1.08 MB of uncounted stat
// records; 60 entries of 25 KiB in a 200K cache held 1.6 MB, one per
// section pair), that verify finds nothing, and that the most recently
// compiled sources still hit.
func TestSizeLimitWithRealCompiles(t *testing.T) {
	clang := requireTool(t, "clang-14", "apt-get install -y clang-14")
	tests := []struct {
		name     string
		maxSize  string
		limit    int64
		sources  int
		arrayLen int // bytes of incompressible data in each object
	}{
		{"200K", "200K", 200 << 10, 60, 24 << 10},
		{"1M", "1M", 1 << 20, 300, 2 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.setenv("OBJCACHE_MAX_SIZE", tt.maxSize)
			r := rand.New(rand.NewPCG(uint64(tt.sources), 3))
			e.write("common.h", "#define COMMON 1\n")
			for i := range tt.sources {
				e.write(fmt.Sprintf("s%d.c", i), generatedSource(r, i, tt.arrayLen))
			}
			compilers := []string{"gcc", clang}
			compile := func(i int) {
				t.Helper()
				src := fmt.Sprintf("s%d.c", i)
				if o := e.objcache(compilers[i%2], "-c", src, "-o", fmt.Sprintf("s%d.o", i)); o.code != 0 {
					t.Fatalf("compile %s: %v", src, o)
				}
			}
			var highest int64
			for i := range tt.sources {
				compile(i)
				held := everything(t, e.cache)
				highest = max(highest, held)
				if float64(held) > 1.1*float64(tt.limit) {
					t.Fatalf("after %d compiles the cache holds %d bytes, more than 110%% of %s", i+1, held, tt.maxSize)
				}
			}
			if highest < tt.limit/2 {
				t.Fatalf("the cache never held more than %d bytes: the test did not fill it", highest)
			}
			records, _ := filepath.Glob(filepath.Join(e.cache, "manifests", "??", ".*.stat"))
			if len(records) == 0 {
				t.Error("no stat records in the manifest sections")
			}
			if o := e.objcache("verify"); o.code != 0 || !strings.Contains(o.stdout, "No problems found") {
				t.Errorf("verify: %v", o)
			}
			before := e.stats()
			for i := tt.sources - 3; i < tt.sources; i++ {
				compile(i)
			}
			if hits := e.stats()["hits"] - before["hits"]; hits != 3 {
				t.Errorf("the 3 most recent compiles hit %d times, want 3", hits)
			}
			t.Logf("%d compiles into %s: the cache held at most %d bytes (%.1f%%) in all its files; %d now in the files the limit counts",
				tt.sources, tt.maxSize, highest, 100*float64(highest)/float64(tt.limit), counted(t, e.cache))
		})
	}
}

// generatedSource returns a C source whose object holds n incompressible
// bytes, including common.h and some system headers.
func generatedSource(r *rand.Rand, i, n int) string {
	var b strings.Builder
	// The system headers make the stat records as big as a real
	// translation unit's: some 3 KiB each.
	fmt.Fprintf(&b, "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include \"common.h\"\nconst unsigned char data%d[%d] = {", i, n)
	for j := range n {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d", r.IntN(256))
	}
	fmt.Fprintf(&b, "};\nint f%d(void) { return data%d[COMMON]; }\n", i, i)
	return b.String()
}

// counted returns the size of the files the limit counts: entries,
// manifests and stat records, everything in the sections but their lock
// and counter files.
func counted(t *testing.T, cache string) int64 {
	t.Helper()
	var total int64
	for _, area := range []string{"manifests", "objects"} {
		total += treeSize(t, filepath.Join(cache, area), func(name string) bool {
			return name != ".lock" && name != ".counters" && name != ".trim"
		})
	}
	return total
}

// everything returns the size of every file in the cache but tmp/.
func everything(t *testing.T, cache string) int64 {
	t.Helper()
	var total int64
	entries, _ := os.ReadDir(cache)
	for _, d := range entries {
		if d.Name() != "tmp" {
			total += treeSize(t, filepath.Join(cache, d.Name()), func(string) bool { return true })
		}
	}
	return total
}

// treeSize sums the sizes of the regular files under root whose names keep
// says.
func treeSize(t *testing.T, root string, keep func(name string) bool) int64 {
	t.Helper()
	var total int64
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && keep(d.Name()) {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			total += fi.Size()
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return total
}

// TestSizeLimitHoldsForHits: hits write stat records (a source's record per
// new path), which count toward max_size, so a hit that writes one keeps
// the limit as an add does (break-it round 5: 150 hits from 150 checkouts
// took an 8K cache to 254%; CI jobs in fresh workspaces do just that).
func TestSizeLimitHoldsForHits(t *testing.T) {
	e := newEnv(t)
	const limit = 64 << 10
	e.setenv("OBJCACHE_MAX_SIZE", "64K")
	r := rand.New(rand.NewPCG(9, 9))
	sources := make([]string, 3)
	for i := range sources {
		sources[i] = generatedSource(r, i, 4<<10)
	}
	var highest int64
	for d := range 120 {
		dir := fmt.Sprintf("checkout%d", d)
		e.write(dir+"/common.h", "#define COMMON 1\n")
		for i, src := range sources {
			e.write(fmt.Sprintf("%s/s%d.c", dir, i), src)
		}
		for i := range sources {
			if o := e.runIn(filepath.Join(e.work, dir), objcacheBin, "gcc", "-c", fmt.Sprintf("s%d.c", i)); o.code != 0 {
				t.Fatalf("compile in %s: %v", dir, o)
			}
		}
		held := counted(t, e.cache)
		highest = max(highest, held)
		if float64(held) > 1.1*limit {
			t.Fatalf("after %d checkouts the cache holds %d bytes, more than 110%% of 64K", d+1, held)
		}
	}
	st := e.stats()
	if st["hits"] < 300 {
		t.Errorf("%d hits in 360 compiles of 3 sources, want most of them", st["hits"])
	}
	if o := e.objcache("verify"); o.code != 0 {
		t.Errorf("verify: %v", o)
	}
	t.Logf("360 compiles in 120 checkouts: %d hits; the counted files held at most %d bytes (%.1f%% of 64K)", st["hits"], highest, 100*float64(highest)/limit)
}
