package remote

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// findHelper returns the path of objcache-remote: the file next to the
// running executable, else the one in PATH.
func findHelper() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	}
	return locateHelper(exe)
}

// locateHelper returns the helper next to exe, with exe's symlinks
// resolved first (objcache installed as a symlink named gcc finds the
// helper beside the real binary), else the one in PATH. The error says how
// to install it.
func locateHelper(exe string) (string, error) {
	name := HelperName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if exe != "" {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		p := filepath.Join(filepath.Dir(exe), name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(HelperName); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found next to %s or in PATH: install it with `go install github.com/objcache/objcache/cmd/...@latest`", HelperName, exe)
}

// headWriter keeps the first max bytes written to it (a helper's panic or
// error message comes first) and drops the rest.
type headWriter struct {
	max int
	buf []byte
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// firstLine returns the first line that is not blank.
func (w *headWriter) firstLine() string {
	for _, line := range strings.Split(string(w.buf), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}
