package cache

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/objcache/objcache/digest"
)

// generous bounds waits that are expected to end: never a tight time.
const generous = 5 * time.Second

// shortTimeout is the lock timeout of tests that expect a timeout.
const shortTimeout = 150 * time.Millisecond

// newStore opens a store in a new directory and checks, when the test ends,
// that tmp/ is empty and that every section's counters match its files.
func newStore(t *testing.T, opts Options) *Store {
	t.Helper()
	return openStore(t, t.TempDir(), opts)
}

// openStore opens a store at dir with the checks of newStore.
func openStore(t *testing.T, dir string, opts Options) *Store {
	t.Helper()
	if opts.LockTimeout == 0 {
		opts.LockTimeout = generous
	}
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !t.Failed() {
			checkTmpEmpty(t, s)
			checkCounters(t, s)
		}
	})
	return s
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 4*generous)
	t.Cleanup(cancel)
	return c
}

// key returns a key whose first byte (its section) is section.
func key(section byte, n int) digest.Sum {
	h := digest.New()
	h.Int(int64(n))
	k := h.Result()
	k[0] = section
	return k
}

// sampleEntry returns an entry with a few outputs of the given size.
func sampleEntry(n, size int) *Entry {
	r := rand.New(rand.NewPCG(uint64(n), uint64(size)))
	data := make([]byte, size)
	for i := range data {
		// Half random, half repetitive: something for zstd to do.
		if i%2 == 0 {
			data[i] = byte(r.Uint32())
		} else {
			data[i] = byte(i / 64)
		}
	}
	return &Entry{
		ManifestKey: key(0xee, n),
		Outputs: []Output{
			{Kind: "object", Data: data},
			{Kind: "depfile", Data: []byte(fmt.Sprintf("out%d.o: in%d.c a.h\n", n, n))},
		},
		Stdout: []byte(fmt.Sprintf("stdout %d\n", n)),
		Stderr: []byte(fmt.Sprintf("warning %d\n", n)),
	}
}

// equalEntry reports whether a and b have the same content (nil and empty
// byte slices are equal).
func equalEntry(a, b *Entry) bool {
	if a.ManifestKey != b.ManifestKey || !bytes.Equal(a.Stdout, b.Stdout) ||
		!bytes.Equal(a.Stderr, b.Stderr) || len(a.Outputs) != len(b.Outputs) {
		return false
	}
	for i := range a.Outputs {
		if a.Outputs[i].Kind != b.Outputs[i].Kind || !bytes.Equal(a.Outputs[i].Data, b.Outputs[i].Data) {
			return false
		}
	}
	return true
}

// checkTmpEmpty fails if anything is left in tmp/.
func checkTmpEmpty(t *testing.T, s *Store) {
	t.Helper()
	list, err := os.ReadDir(filepath.Join(s.Dir(), tmpDir))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range list {
		t.Errorf("left in tmp/: %s", e.Name())
	}
}

// checkCounters fails unless every section's counter file says what is on
// disk, and Usage says the sum.
func checkCounters(t *testing.T, s *Store) {
	t.Helper()
	var total SectionUsage
	for _, sec := range s.allSections() {
		var disk SectionUsage
		list, err := os.ReadDir(sec.dir)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, e := range list {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			disk.Bytes += fi.Size()
			disk.Files++
		}
		got, err := readUsage(sec)
		if err != nil {
			t.Fatal(err)
		}
		if got != disk {
			t.Errorf("%s: counters say %+v, disk has %+v", sec.dir, got, disk)
		}
		total.Bytes += disk.Bytes
		total.Files += disk.Files
	}
	got, err := s.Usage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != total {
		t.Errorf("Usage = %+v, disk has %+v", got, total)
	}
}

// fileState is what snapshot records of a file.
type fileState struct {
	size  int64
	mode  fs.FileMode
	mtime time.Time
	data  string
}

// snapshot returns the state of every file and directory under dir.
func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	m := map[string]fileState{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fileState{size: fi.Size(), mode: fi.Mode(), mtime: fi.ModTime()}
		if !d.IsDir() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			st.data = string(data)
		}
		m[path] = st
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// diffSnapshots returns the paths that differ between a and b, sorted.
func diffSnapshots(a, b map[string]fileState) []string {
	var diff []string
	for p, st := range a {
		if st2, ok := b[p]; !ok || st2 != st {
			diff = append(diff, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diff = append(diff, p)
		}
	}
	sort.Strings(diff)
	return diff
}

// putRaw publishes data as the entry file of key, as PutEntry does after
// encoding, so that counters stay right. It is how tests store damaged
// entries.
func putRaw(t *testing.T, s *Store, key digest.Sum, data []byte) {
	t.Helper()
	tmp, err := s.writeTemp(data)
	if err != nil {
		t.Fatal(err)
	}
	added, err := s.publishEntry(context.Background(), key, tmp, int64(len(data)))
	if err != nil || !added {
		t.Fatalf("putRaw: added %v, err %v", added, err)
	}
}
