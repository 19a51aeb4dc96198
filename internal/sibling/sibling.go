// Package sibling finds objcache's companion programs (objcache-remote,
// objcache-manage): installed beside the objcache that runs, else in PATH.
package sibling

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Find returns the path of the program name beside the running
// executable, else in PATH.
func Find(name string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	}
	return Locate(exe, name)
}

// Locate returns the program name next to exe, with exe's symlinks
// resolved first (objcache installed as a symlink named gcc finds its
// companions beside the real binary), else the one in PATH. The error says
// how to install it.
func Locate(exe, name string) (string, error) {
	file := name
	if runtime.GOOS == "windows" {
		file += ".exe"
	}
	if exe != "" {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		p := filepath.Join(filepath.Dir(exe), file)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found next to %s or in PATH: install it with `go install github.com/objcache/objcache/cmd/...@latest`", name, exe)
}
