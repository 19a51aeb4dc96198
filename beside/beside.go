// Package beside names, creates and reclaims the temporary files objcache
// writes beside a user's output and renames over it (DESIGN.md §4 rules 6
// and 7): an output on another file system than the cache gets its data
// copied into such a temporary first, so that no build ever sees a torn
// file.
//
// Where the file system has unnamed files (Linux's O_TMPFILE), the data is
// written into a file without a name (Unnamed), which gets one only when
// it is complete: a killed writer then leaves nothing, except in the
// instant between the link to a temporary's name and the rename over the
// output. Elsewhere, and in that instant, a process killed with SIGKILL
// leaves the temporary behind; no handler can run. So that such a file
// does not stay, the names are predictable and their owners visible:
//
//   - A temporary for the output NAME is ".NAME.objcache-N.tmp", N a slot
//     number below Slots (NAME cut to fit NAME_MAX). The next writer of
//     NAME finds the slots by name, without listing the directory.
//   - Its creator holds an exclusive flock(2) on it, from its creation
//     (O_EXCL) until after the rename: the kernel drops the lock when the
//     process dies, however it dies. A temporary whose lock can be had has
//     no live owner, and is removed (Reclaim), by the next objcache writing
//     that output or by `objcache clean`, which finds the directories that
//     held temporaries through a journal in the cache.
//
// Where there is no flock (Windows), no temporary is ever taken for dead:
// a file open in another process cannot be removed there anyway.
package beside

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/objcache/objcache/rawpath"
)

// Slots is how many temporaries one output can have at once under the
// predictable names; more writers at once use random names (Random).
const Slots = 8

// nameMax is the longest file name most file systems take (NAME_MAX, and
// on Windows 255 UTF-16 units, which bytes never undercount).
const nameMax = 255

// marker and suffix frame the slot or random part of a temporary's name.
const (
	marker = ".objcache-"
	suffix = ".tmp"
)

// Path returns the name of slot n's temporary for target:
// ".NAME.objcache-N.tmp" in target's directory (not cleaned: rawpath),
// with NAME cut at a character boundary so that the whole stays within
// nameMax bytes whatever the length of target's name.
func Path(target string, n int) string {
	return named(target, strconv.Itoa(n))
}

// Random returns an unused-looking name for a temporary for target, for a
// writer that found every slot busy: ".NAME.objcache-PID-RAND.tmp".
func Random(target string) string {
	return named(target, fmt.Sprintf("%d-%08x", os.Getpid(), rand.Uint32()))
}

func named(target, part string) string {
	i := strings.LastIndexAny(target, rawpath.Seps)
	dir, base := target[:i+1], target[i+1:]
	tail := marker + part + suffix
	if room := nameMax - 1 - len(tail); len(base) > room {
		cut := room
		for j := 0; j < utf8.UTFMax-1 && cut > 0 && !utf8.RuneStart(base[cut]); j++ {
			cut--
		}
		base = base[:cut]
	}
	return dir + "." + base + tail
}

// IsName reports whether name (a file name, no directory) is one that Path
// or Random makes.
func IsName(name string) bool {
	if !strings.HasPrefix(name, ".") || !strings.HasSuffix(name, suffix) {
		return false
	}
	i := strings.LastIndex(name, marker)
	if i < 1 {
		return false
	}
	part := name[i+len(marker) : len(name)-len(suffix)]
	return part != "" && strings.Trim(part, "0123456789abcdef-") == ""
}

// A Temp is a temporary beside an output, created and locked.
type Temp struct {
	// Path is its name; File is open for writing.
	Path string
	File *os.File
	// lock holds the flock across Close and the rename (a descriptor of
	// the same open file description: closing File, which reports the
	// write errors of network file systems, must not drop the lock).
	lock *os.File
}

// Create makes a new temporary for target with mode perm (cut by the
// umask) and locks it. create must create a new file (O_EXCL) and may
// register it for removal on a signal (the janitor's create); forget
// undoes that registration for a file Create gives up. Create takes the
// first free slot, reclaiming on the way the slots whose owner is dead, or
// a random name when every slot is in use.
func Create(target string, perm os.FileMode, create func(string, os.FileMode) (*os.File, error), forget func(string)) (*Temp, error) {
	for n := range Slots {
		path := Path(target, n)
		f, err := create(path, perm)
		if errors.Is(err, fs.ErrExist) && Reclaim(path) {
			f, err = create(path, perm)
		}
		switch {
		case errors.Is(err, fs.ErrExist):
			continue // a live writer's
		case err != nil:
			return nil, err
		}
		t, ok, err := locked(path, f, forget)
		if err != nil || ok {
			return t, err
		}
		// Another process took it for dead in the instant between the
		// creation and the lock: that process removes it; this one goes
		// on to the next slot.
	}
	path := Random(target)
	f, err := create(path, perm)
	if err != nil {
		return nil, err
	}
	t, ok, err := locked(path, f, forget)
	if err == nil && !ok {
		err = fmt.Errorf("temporary %s: taken for dead by another process", path)
	}
	return t, err
}

// locked locks the new temporary f at path; ok is false when another
// process holds the lock (it is removing the file). Unless ok, f is closed
// and forgotten.
func locked(path string, f *os.File, forget func(string)) (*Temp, bool, error) {
	fail := func(err error) (*Temp, bool, error) {
		f.Close()
		if err != nil {
			os.Remove(path)
		}
		forget(path)
		if err != nil {
			return nil, false, fmt.Errorf("lock %s: %w", path, err)
		}
		return nil, false, nil
	}
	ok, err := tryLock(f)
	if err != nil || !ok {
		return fail(err)
	}
	lock, err := dup(f)
	if err != nil {
		return fail(err)
	}
	return &Temp{Path: path, File: f, lock: lock}, true, nil
}

// Release drops the temporary's lock, after it has been renamed or
// removed (File must be closed already).
func (t *Temp) Release() {
	if t.lock != nil {
		t.lock.Close()
		t.lock = nil
	}
}

// Reclaim removes the temporary at path if it is a regular file that no
// live process holds (its lock can be had), and reports whether it did.
// It removes exactly the file it locked: if the name was meanwhile given
// to another file, that one stays.
func Reclaim(path string) bool {
	f, err := openNoFollow(path)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if ok, err := tryLock(f); err != nil || !ok {
		return false
	}
	now, err := os.Lstat(path)
	if err != nil || !os.SameFile(fi, now) {
		return false
	}
	return os.Remove(path) == nil
}

// ReclaimSlots removes the dead writers' temporaries of target's slots,
// except skip (the caller's own, "" for none), and returns how many it
// removed: the next writer of an output cleans up after the killed ones.
func ReclaimSlots(target, skip string) int {
	n := 0
	for i := range Slots {
		path := Path(target, i)
		if path == skip {
			continue
		}
		if _, err := os.Lstat(path); err == nil && Reclaim(path) {
			n++
		}
	}
	return n
}

// Sweep removes the dead writers' temporaries in dir, and returns how
// many it removed and how many it left (in use by a live writer).
func Sweep(dir string) (removed, live int, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0, fmt.Errorf("temporaries in %s: %w", dir, err)
	}
	for _, e := range entries {
		if !IsName(e.Name()) {
			continue
		}
		if Reclaim(rawpath.Join(dir, e.Name())) {
			removed++
		} else {
			live++
		}
	}
	return removed, live, nil
}
