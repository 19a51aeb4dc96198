package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// addEntryEnv tells the test binary, re-executed, to add one entry to a
// shared manifest key: "<cache dir>,<n>".
const addEntryEnv = "OBJCACHE_TEST_ADD_ENTRY"

var sharedManifestKey = digest.Of([]byte("one manifest key for 16 processes"))

func objectFor(n int) digest.Sum { return digest.Of([]byte("object " + strconv.Itoa(n))) }

// TestHelperAddEntry is the body of one process of
// TestSixteenProcessesOneManifest.
func TestHelperAddEntry(t *testing.T) {
	arg := os.Getenv(addEntryEnv)
	if arg == "" {
		t.Skip("helper process for TestSixteenProcessesOneManifest")
	}
	var dir string
	var n int
	if _, err := fmt.Sscanf(arg, "%s %d", &dir, &n); err != nil {
		t.Fatal(err)
	}
	store, err := cache.Open(dir, cache.Options{LockTimeout: 30 * time.Second, CompressionLevel: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	okey := objectFor(n)
	if _, err := store.PutEntry(ctx, okey, &cache.Entry{ManifestKey: sharedManifestKey, Outputs: []cache.Output{{Kind: "object", Data: []byte{byte(n)}}}}); err != nil {
		t.Fatal(err)
	}
	err = store.UpdateManifest(ctx, sharedManifestKey, okey, func(current []byte, _ *cache.ManifestTx) ([]byte, error) {
		m := &manifest.Manifest{}
		if current != nil {
			if m, err = manifest.Decode(current); err != nil {
				return nil, err
			}
		}
		m.Add(manifest.Entry{Object: okey, Includes: []manifest.Include{{Path: fmt.Sprintf("h%d.h", n), Size: int64(n)}}}, 32)
		return m.Encode(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSixteenProcessesOneManifest: 16 processes add 16 different entries
// to the same manifest key at the same moment; all 16 are there afterwards.
func TestSixteenProcessesOneManifest(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([][]byte, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAddEntry$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d", addEntryEnv, dir, i))
			outs[i], errs[i] = cmd.CombinedOutput()
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i])
		}
	}
	store, err := cache.Open(dir, cache.Options{LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	data, err := store.GetManifest(context.Background(), sharedManifestKey)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	have := map[digest.Sum]bool{}
	for _, e := range m.Entries {
		have[e.Object] = true
	}
	for i := 0; i < n; i++ {
		if !have[objectFor(i)] {
			t.Errorf("the entry of process %d is missing (manifest has %d entries)", i, len(m.Entries))
		}
	}
}
