package beside

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// register runs link as the janitor's createBy does, without the janitor.
func register(_ string, link func() error) error { return link() }

// names lists dir's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, e := range entries {
		list = append(list, e.Name())
	}
	return list
}

// TestUnnamed checks that an unnamed file shows under no name until it is
// published, is published straight to a target that does not exist,
// replaces one that does through a free slot (a live writer's slot is
// skipped, a dead writer's reclaimed), and that an unpublished one leaves
// nothing.
func TestUnnamed(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, target string) (cleanup func())
	}{
		{"target missing", func(*testing.T, string) func() { return func() {} }},
		{"target exists", func(t *testing.T, target string) func() {
			if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			return func() {}
		}},
		{"slot 0 live, slot 1 dead", func(t *testing.T, target string) func() {
			if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			live, err := Create(target, 0o644, create, forget)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(Path(target, 1), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return func() { live.File.Close(); live.Release(); os.Remove(live.Path) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "out.o")
			defer tt.setup(t, target)()
			before := names(t, dir)
			u, err := CreateUnnamed(dir, 0o644)
			if errors.Is(err, errors.ErrUnsupported) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := u.File.Write([]byte("new")); err != nil {
				t.Fatal(err)
			}
			if got := names(t, dir); !slices.Equal(got, before) {
				t.Errorf("while written: %v, want %v (no new name)", got, before)
			}
			if err := u.Publish(target, register, forget); err != nil {
				t.Fatal(err)
			}
			u.File.Close()
			if data, err := os.ReadFile(target); err != nil || string(data) != "new" {
				t.Errorf("target holds %q, %v", data, err)
			}
			for n := range Slots {
				if _, err := os.Lstat(Path(target, n)); err == nil && n != 0 {
					t.Errorf("slot %d left", n)
				}
			}
		})
	}
	t.Run("not published", func(t *testing.T) {
		dir := t.TempDir()
		u, err := CreateUnnamed(dir, 0o644)
		if errors.Is(err, errors.ErrUnsupported) {
			t.Skip(err)
		}
		if err != nil {
			t.Fatal(err)
		}
		u.File.Write([]byte("data"))
		u.File.Close()
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("left %v", got)
		}
	})
}
