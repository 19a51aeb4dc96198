package remote

import (
	"strings"

	"github.com/objcache/objcache/internal/sibling"
)

// findHelper returns the path of objcache-remote: the file next to the
// running executable, else the one in PATH.
func findHelper() (string, error) { return sibling.Find(HelperName) }

// locateHelper is findHelper for the executable exe.
func locateHelper(exe string) (string, error) { return sibling.Locate(exe, HelperName) }

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
