package cache

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/objcache/objcache/digest"
)

// appendLine returns an update that appends line to the manifest.
func appendLine(line string) func([]byte, *ManifestTx) ([]byte, error) {
	return func(current []byte, _ *ManifestTx) ([]byte, error) {
		return append(current, line+"\n"...), nil
	}
}

func TestUpdateManifest(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	mk := key(0x10, 1)
	obj := key(0x20, 1)
	if _, err := s.PutEntry(ctx(t), obj, sampleEntry(1, 10)); err != nil {
		t.Fatal(err)
	}
	errUpdate := errors.New("update failed")
	steps := []struct {
		name      string
		object    digest.Sum
		update    func([]byte, *ManifestTx) ([]byte, error)
		wantErr   error
		wantAfter string // "" means no manifest
	}{
		{"missing object", key(0x20, 2), appendLine("a"), ErrNotFound, ""},
		{"create", obj, appendLine("a"), nil, "a\n"},
		{"append without object check", digest.Sum{}, appendLine("b"), nil, "a\nb\n"},
		{"update error", obj, func([]byte, *ManifestTx) ([]byte, error) { return nil, errUpdate }, errUpdate, "a\nb\n"},
		{"replace", obj, func([]byte, *ManifestTx) ([]byte, error) { return []byte("c\n"), nil }, nil, "c\n"},
		{"delete", digest.Sum{}, func([]byte, *ManifestTx) ([]byte, error) { return nil, nil }, nil, ""},
		{"delete missing", digest.Sum{}, func(cur []byte, _ *ManifestTx) ([]byte, error) {
			if cur != nil {
				return nil, errors.New("current not nil")
			}
			return nil, nil
		}, nil, ""},
	}
	for _, st := range steps {
		err := s.UpdateManifest(ctx(t), mk, st.object, st.update)
		if (st.wantErr == nil) != (err == nil) || (st.wantErr != nil && !errors.Is(err, st.wantErr)) {
			t.Fatalf("%s: err = %v, want %v", st.name, err, st.wantErr)
		}
		got, err := s.GetManifest(ctx(t), mk)
		switch {
		case st.wantAfter == "" && !errors.Is(err, ErrNotFound):
			t.Fatalf("%s: GetManifest = %q, %v; want ErrNotFound", st.name, got, err)
		case st.wantAfter != "" && (err != nil || string(got) != st.wantAfter):
			t.Fatalf("%s: GetManifest = %q, %v; want %q", st.name, got, err, st.wantAfter)
		}
		checkCounters(t, s)
	}
}

// TestConcurrentManifestUpdates has 16 goroutines, on two stores, each add
// its own line to one manifest: none is lost.
func TestConcurrentManifestUpdates(t *testing.T) {
	t.Parallel()
	const goroutines = 16
	dir := t.TempDir()
	stores := []*Store{openStore(t, dir, Options{}), openStore(t, dir, Options{})}
	mk := key(0x33, 0)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[i%2]
			obj := key(byte(i), i)
			if _, err := s.PutEntry(ctx(t), obj, sampleEntry(i, 100)); err != nil {
				t.Error(err)
				return
			}
			if err := s.UpdateManifest(ctx(t), mk, obj, appendLine(obj.String())); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	data, err := stores[0].GetManifest(ctx(t), mk)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != goroutines {
		t.Errorf("manifest has %d lines, want %d:\n%s", len(lines), goroutines, data)
	}
	for i := range goroutines {
		if !strings.Contains(string(data), key(byte(i), i).String()) {
			t.Errorf("entry %d lost", i)
		}
	}
}
