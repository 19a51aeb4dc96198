package launcher

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Where the compiler must write the user's own output path (an object that
// records its path or command line: /Z7, -frecord-gcc-switches…), another
// build writing the same path can replace the file between the compile and
// the moment objcache reads it to store: a foreign object would then be
// stored under this call's key. A written snapshot, taken right after the
// compiler exits, and readWritten detect what can be detected: the file at
// the path must have been written during this compile, must be the same
// file (inode and times) when read as it was at the exit, and must not
// change while it is read. What they cannot see is a replacement written
// during this compile and renamed over the path before the compiler exited;
// the window is the compiler's last moments, and no stat can tell that file
// from the compiler's.

// errChangedOutput reports an output that another program wrote, or may
// have, between the compile and objcache's read: not stored.
var errChangedOutput = errors.New("changed by another program since the compiler wrote it")

// reasonChangedOutput is the counted reason (after PrefixNotStored) for an
// output the compiler wrote at the user's path that changed, or was not
// the compiler's, when objcache read it.
const reasonChangedOutput = "output-changed"

// written is the stat data of an output right after the compiler exited.
type written struct {
	path string
	st   statEntry
	ok   bool // the file is a regular file with an identity to compare
	err  error
}

// snapWritten takes the stat data of the output at path right after the
// compiler exits.
func snapWritten(path string) written {
	st, ok := pathStat(path)
	w := written{path: path, st: st, ok: ok}
	if !ok {
		if _, err := os.Stat(path); err != nil {
			w.err = err
		} else {
			w.err = errors.New("not a regular file, or no file identity on this system")
		}
	}
	return w
}

// writtenSince reports whether the snapshot shows a file last modified at
// or after since (the compile's start), allowing for the file system's
// coarse clock as tooNew does. The mtime, not the ctime: a rename sets the
// ctime of the file renamed, so an old object renamed over the path would
// pass for a new one.
func (w written) writtenSince(since time.Time) bool {
	if !w.ok {
		return false
	}
	mtime := time.Unix(0, w.st.mtime)
	limit := since.Add(-clockSlack)
	if mtime.Nanosecond() == 0 {
		limit = limit.Truncate(2 * time.Second)
	}
	return !mtime.Before(limit)
}

// readWritten reads the output of snapshot w, which the compiler wrote
// during the compile that started at since, and returns its content. It
// fails with errChangedOutput when the file is not the one the snapshot
// saw, was not written during the compile, or changes while it is read.
func readWritten(w written, since time.Time) ([]byte, error) {
	if !w.ok {
		return nil, fmt.Errorf("output %s: %w", w.path, w.err)
	}
	if !w.writtenSince(since) {
		return nil, fmt.Errorf("output %s: written before this compile: %w", w.path, errChangedOutput)
	}
	f, err := os.Open(w.path)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", w.path, err)
	}
	defer f.Close()
	same := func() bool {
		fi, err := f.Stat()
		if err != nil {
			return false
		}
		st, ok := openStat(f, fi)
		return ok && st.sameStat(w.st)
	}
	if !same() {
		return nil, fmt.Errorf("output %s: %w", w.path, errChangedOutput)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("output %s: %w", w.path, err)
	}
	if !same() || int64(len(data)) != w.st.size {
		return nil, fmt.Errorf("output %s: %w", w.path, errChangedOutput)
	}
	if now, ok := pathStat(w.path); !ok || !now.sameStat(w.st) {
		return nil, fmt.Errorf("output %s: %w", w.path, errChangedOutput)
	}
	return data, nil
}
