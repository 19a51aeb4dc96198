package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/objcache/objcache/manifest"
)

// TestSixteenProcessesSameSource starts 16 processes compiling the same
// source into an empty cache at the same moment: all succeed with identical
// outputs, and the cache ends with exactly one entry and one manifest entry.
func TestSixteenProcessesSameSource(t *testing.T) {
	for _, c := range compilers {
		cc := requireTool(t, c.name, c.install)
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.write("hello.c", helloC)
			e.write("hello.h", "#define GREETING \"concurrent\"\n")
			ref := e.run(cc, "-c", "-O2", "hello.c", "-o", "ref.o")
			if ref.code != 0 {
				t.Fatal(ref)
			}
			want := e.mustRead("ref.o")

			const n = 16
			var wg sync.WaitGroup
			results := make([]outcome, n)
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					cmd := exec.Command(objcacheBin, cc, "-c", "-O2", "hello.c", "-o", fmt.Sprintf("out%d.o", i))
					cmd.Dir, cmd.Env = e.work, e.vars
					<-start
					out, err := cmd.CombinedOutput()
					results[i] = outcome{stderr: string(out)}
					if err != nil {
						results[i].code = cmd.ProcessState.ExitCode()
					}
				}(i)
			}
			close(start)
			wg.Wait()
			for i, r := range results {
				if r.code != 0 || r.stderr != "" {
					t.Errorf("process %d: %v", i, r)
				}
				if got := e.read(fmt.Sprintf("out%d.o", i)); got != want {
					t.Errorf("process %d: object differs from the compiler's own", i)
				}
			}
			if entries := e.entryFiles("objects"); len(entries) != 1 {
				t.Errorf("%d object entries, want 1: %v", len(entries), entries)
			}
			manifests := e.entryFiles("manifests")
			if len(manifests) != 1 {
				t.Fatalf("%d manifests, want 1", len(manifests))
			}
			data, err := os.ReadFile(manifests[0])
			if err != nil {
				t.Fatal(err)
			}
			m, err := manifest.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Entries) != 1 {
				t.Errorf("manifest has %d entries, want 1", len(m.Entries))
			}
			s := e.stats()
			if s["hits"]+s["misses"] != n || s["stored"] != 1 {
				t.Errorf("stats: %v; want %d hits+misses and 1 stored", s, n)
			}
			if tmp, _ := os.ReadDir(filepath.Join(e.cache, "tmp")); len(tmp) != 0 {
				t.Errorf("%d files left in tmp/", len(tmp))
			}
		})
	}
}
