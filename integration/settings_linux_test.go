//go:build linux

package integration

import (
	"path/filepath"
	"testing"
)

// TestConfigureProbes (issue 13, O18): configure scripts compile the null
// device to probe a flag ("gcc -x c -c /dev/null -o conftest.o"); it reads
// as an empty file and is cached (a node made with mknod, not the real
// /dev/null). TestNullDevice in launcher keeps other devices out.
func TestConfigureProbes(t *testing.T) {
	requireRoot(t)
	for _, name := range []string{"gcc", "clang-14"} {
		t.Run(name, func(t *testing.T) {
			cc := requireTool(t, name, "apt-get install -y gcc clang-14")
			e := newEnv(t)
			null := filepath.Join(e.work, "null")
			mknodNull(t, null)
			for _, flag := range []string{"-O2", "-O2", "-fstack-protector-strong", "-O2"} {
				sameAsCompiler(t, e, flag, cc, []string{"-x", "c", flag, "-c", null, "-o", "conftest.o"}, "conftest.o")
			}
			s := e.stats()
			if s["hits"] != 2 || s["misses"] != 2 {
				t.Errorf("stats %v, want 2 hits and 2 misses for the null device", s)
			}
		})
	}
}
