package remote

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestLocateHelper: the helper is looked for next to the (real) objcache
// executable, then in PATH; when it is nowhere the error says how to
// install it.
func TestLocateHelper(t *testing.T) {
	exeName := func(name string) string {
		if runtime.GOOS == "windows" {
			return name + ".exe"
		}
		return name
	}
	root := t.TempDir()
	bin := filepath.Join(root, "bin")         // objcache and its helper
	alone := filepath.Join(root, "alone")     // objcache without one
	pathDir := filepath.Join(root, "pathdir") // a helper in PATH
	links := filepath.Join(root, "links")     // a gcc symlink to objcache
	for _, f := range []string{
		filepath.Join(bin, exeName("objcache")),
		filepath.Join(bin, exeName(HelperName)),
		filepath.Join(alone, exeName("objcache")),
		filepath.Join(pathDir, exeName(HelperName)),
	} {
		os.MkdirAll(filepath.Dir(f), 0o777)
		if err := os.WriteFile(f, []byte("#!/bin/sh\n"), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(links, 0o777)
	// Windows needs a privilege for symlinks, and Wine's report success but
	// leave nothing: that case runs where a symlink resolves.
	link := filepath.Join(links, exeName("gcc"))
	os.Symlink(filepath.Join(bin, exeName("objcache")), link)
	_, err := filepath.EvalSymlinks(link)
	symlinked := err == nil

	tests := []struct {
		name    string
		exe     string
		path    string // PATH
		want    string
		wantErr string
	}{
		{"next to objcache", filepath.Join(bin, exeName("objcache")), pathDir, filepath.Join(bin, exeName(HelperName)), ""},
		{"in PATH", filepath.Join(alone, exeName("objcache")), pathDir, filepath.Join(pathDir, exeName(HelperName)), ""},
		{"nowhere", filepath.Join(alone, exeName("objcache")), alone, "", "objcache-remote not found next to " + filepath.Join(alone, exeName("objcache"))},
		{"no executable", "", alone, "", "install it with"},
	}
	if symlinked {
		tests = append(tests, struct {
			name, exe, path, want, wantErr string
		}{"next to objcache, through a symlink", link, alone, filepath.Join(bin, exeName(HelperName)), ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", tt.path)
			got, err := locateHelper(tt.exe)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasSuffix(err.Error(), installHint)):
				t.Errorf("locateHelper(%q) = %q, %v; want an error containing %q", tt.exe, got, err, tt.wantErr)
			case tt.wantErr == "" && (err != nil || !sameFile(got, tt.want)):
				t.Errorf("locateHelper(%q) = %q, %v; want %q", tt.exe, got, err, tt.want)
			}
		})
	}
}

const installHint = " or in PATH: install it with `go install github.com/objcache/objcache/cmd/...@latest`"

func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
