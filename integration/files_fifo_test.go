//go:build linux

package integration

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFilesFIFOInputs gives a compile a FIFO as its source, or as a
// header, with a writer waiting to write it once. The compiler alone reads
// it and succeeds; objcache must not open it (it would wait for the
// writer, or take the data the compiler is to read): it runs the compiler
// as given. objcache used to open the source FIFO, taking its writer's
// data, after which the compiler waited forever; a FIFO header made
// objcache itself wait forever after the compile.
func TestFilesFIFOInputs(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	cases := []struct {
		name, fifo, data string
	}{
		{"source", "s.c", "int x = 5;\n"},
		{"header", "h.h", "#define X 1\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			setup := func(t *testing.T, dir string) {
				files("s.c", "#include \"h.h\"\nint x = X;\n", "h.h", "#define X 1\n")(t, dir)
				p := filepath.Join(dir, tc.fifo)
				os.Remove(p)
				if err := syscall.Mkfifo(p, 0o644); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
			}
			writer := func(t *testing.T, dir string) {
				p := filepath.Join(dir, tc.fifo)
				done := make(chan struct{})
				go func() {
					defer close(done)
					if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
						f.WriteString(tc.data)
						f.Close()
					}
				}()
				t.Cleanup(func() {
					// Unblock a writer no one read.
					if f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
						<-done
						f.Close()
					}
				})
			}
			runTwins(t, e, setup, twinStep{prep: writer, args: []string{"gcc", "-c", "s.c", "-o", "s.o"}})
		})
	}
}
