package launcher

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/objcache/objcache/digest"
)

// fileState is what the launcher learns about one input file: its content
// hash, whether it uses the time macros, and its times, read from the open
// file after its content so that a change during the read shows.
type fileState struct {
	size      int64
	hash      digest.Sum
	timeMacro bool
	mtime     time.Time
	ctime     time.Time
	err       error
}

// inputHasher hashes input files at most once per invocation: manifests
// share most include files between their entries.
type inputHasher struct {
	memo map[string]*fileState
}

func newInputHasher() *inputHasher {
	return &inputHasher{memo: map[string]*fileState{}}
}

// file returns the state of the file at path (an absolute path).
func (h *inputHasher) file(path string) *fileState {
	if st, ok := h.memo[path]; ok {
		return st
	}
	st := readState(path)
	h.memo[path] = st
	return st
}

func readState(path string) *fileState {
	f, err := os.Open(path)
	if err != nil {
		return &fileState{err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return &fileState{err: fmt.Errorf("read %s: %w", path, err)}
	}
	fi, err := f.Stat()
	if err != nil {
		return &fileState{err: fmt.Errorf("stat %s: %w", path, err)}
	}
	if !fi.Mode().IsRegular() {
		return &fileState{err: fmt.Errorf("%s is not a regular file", path)}
	}
	return &fileState{
		size:      int64(len(data)),
		hash:      digest.Of(data),
		timeMacro: usesTimeMacro(data),
		mtime:     fi.ModTime(),
		ctime:     changeTime(fi),
	}
}

// timeMacros expand differently from one compile to the next.
var timeMacros = [][]byte{[]byte("__DATE__"), []byte("__TIME__"), []byte("__TIMESTAMP__")}

// usesTimeMacro reports whether data mentions __DATE__, __TIME__ or
// __TIMESTAMP__. Each is searched whole: headers are full of names like
// __TIMESIZE that merely begin like them.
func usesTimeMacro(data []byte) bool {
	for _, m := range timeMacros {
		if bytes.Contains(data, m) {
			return true
		}
	}
	return false
}

// clockSlack covers the file system's clock lagging the one objcache reads:
// Linux stamps files with a coarse clock that trails the precise one by up
// to a scheduler tick, so a file changed just after the compile started can
// carry a time just before it.
const clockSlack = 50 * time.Millisecond

// tooNew reports whether the file may have changed after the compile
// started: its mtime or ctime is not older than start. On file systems that
// keep whole seconds (or FAT's two), a change after start can carry a time
// before it; there, times with no fraction of a second, start is rounded
// down to two seconds first.
func (st *fileState) tooNew(start time.Time) bool {
	limit := start.Add(-clockSlack)
	if st.mtime.Nanosecond() == 0 && st.ctime.Nanosecond() == 0 {
		limit = limit.Truncate(2 * time.Second)
	}
	return !st.mtime.Before(limit) || !st.ctime.Before(limit)
}
