package cache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckAdoptable(t *testing.T) {
	key := "43343d65d864dfefa7cec217370556ac9dad3d46e37668b75a70157e74d0f58f"
	tests := []struct {
		name  string
		files []string // "/" at the end: a directory
		ok    bool
	}{
		{"missing", nil, true},
		{"empty", []string{""}, true},
		{"configuration only", []string{"config.toml"}, true},
		{"a layout under way", []string{"stats/0.lock", "stats/15.lock", "tmp/objcache-123.tmp"}, true},
		{"a cache that lost its tag", []string{"objects/43/.lock", "objects/43/.counters", "objects/43/" + key, "stats/3", "compilers/" + key + ".native", "output-locks/0a3", "stat/36/" + key}, true},
		{"a layout another process just finished", []string{"CACHEDIR.TAG", "stats/0.lock", "stats/usage", "objects/43/.lock"}, true},
		{"a user's file", []string{"notes.txt", "stats/0.lock"}, false},
		{"a user's file in a layout name", []string{"objects/ab/list"}, false},
		{"a user's file in tmp", []string{"tmp/draft.txt"}, false},
		{"a foreign directory", []string{"src/"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			for _, f := range tt.files {
				p := filepath.Join(dir, f)
				if f == "" || f[len(f)-1] == '/' {
					os.MkdirAll(p, 0o777)
					continue
				}
				os.MkdirAll(filepath.Dir(p), 0o777)
				if err := os.WriteFile(p, nil, 0o666); err != nil {
					t.Fatal(err)
				}
			}
			err := checkAdoptable(dir)
			if tt.ok && err != nil || !tt.ok && !errors.Is(err, ErrNotCache) {
				t.Errorf("checkAdoptable = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
