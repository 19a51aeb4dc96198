package launcher

import (
	"os"
	"time"
)

// The compile's start on the file system's clock. A miss stores its result
// only if no input changed after the compile started (checkInputs): an
// input whose modification or change time is not before the start may have
// been read half-written, or changed after the compiler read it.
//
// The times a file system stamps come from the kernel's coarse clock,
// which trails the precise one objcache reads by up to a scheduler tick (4
// ms at HZ=250), so comparing with time.Now() needs a slack, and a slack
// wide enough to be safe refuses the sources a build generates and
// compiles at once (ccache's suite: a Makefile generating four sources
// and compiling each got no hits). So the start is read off the file
// system's clock itself: the modification time of a file objcache creates
// in the cache's tmp/ just before the compile. A change after that file's
// creation carries a time not before it, on any local file system of the
// same kernel; a time strictly before it is a change before the compile.
//
// A source generated within the same tick as the stamp has its time: it
// cannot be told from one changed after. When a keyed input (the source,
// an extra input) is as new as the stamp, the stamp is taken again once
// the clock has moved on, for at most sameTickWait: the compile starts up
// to one tick later, and the generated source is stored. A header
// generated in the same tick is only seen after the compile, and its
// result is not stored (not_stored.input-modified).
//
// Where no stamp can be made (a read-only cache), the precise clock with
// clockSlack stands in.

// sameTickWait bounds the wait for the file system's clock to pass a keyed
// input's time: a few ticks at the lowest common HZ (100).
const sameTickWait = 25 * time.Millisecond

// compileStart is when a miss's compile started, and whether that is the
// file system's clock (a stamp) or the precise one.
type compileStart struct {
	at      time.Time
	fsClock bool
}

// markCompileStart reads the file system's clock just before a miss's
// compile runs, and waits for it to pass the keyed inputs' times.
func (u *unit) markCompileStart() {
	u.compileStart = compileStart{at: u.start}
	stamp, ok := u.fsNow()
	if !ok {
		return
	}
	newest := u.newestKeyedTime()
	for deadline := time.Now().Add(sameTickWait); !newest.Before(stamp) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		if stamp, ok = u.fsNow(); !ok {
			return
		}
	}
	u.compileStart = compileStart{at: stamp, fsClock: true}
}

// fsNow returns the file system's time now: the modification time of a
// file created (and removed) in the cache's tmp/.
func (u *unit) fsNow() (time.Time, bool) {
	f, err := os.CreateTemp(u.Store.TmpDir(), "clock-*")
	if err != nil {
		return time.Time{}, false
	}
	fi, err := f.Stat()
	f.Close()
	os.Remove(f.Name())
	if err != nil {
		return time.Time{}, false
	}
	return fi.ModTime(), true
}

// newestKeyedTime returns the newest modification or change time among
// the inputs hashed into the key.
func (u *unit) newestKeyedTime() time.Time {
	var newest time.Time
	for p := range u.keyed {
		st, ok := u.hashes.memo[u.absPath(p)]
		if !ok || st.err != nil {
			continue
		}
		for _, t := range []time.Time{st.mtime, st.ctime} {
			if t.After(newest) {
				newest = t
			}
		}
	}
	return newest
}

// clockSlack covers, where no stamp could be made, the file system's clock
// lagging the precise one: up to a scheduler tick (4 ms at the common
// HZ=250, 10 ms at the lowest, HZ=100).
const clockSlack = 15 * time.Millisecond

// tooNew reports whether the file may have changed after the compile
// started: its mtime or ctime is not before start. On file systems that
// keep whole seconds (or FAT's two), a change after start can carry a time
// before it; there, for times with no fraction of a second, start is
// rounded down to two seconds first. Against a stamp, start is rounded down
// to the microsecond, for file systems that keep times coarser than the
// cache's (a 100 ns or 1 µs clock truncates a later change below the
// stamp's nanoseconds).
func (st *fileState) tooNew(start compileStart) bool {
	limit := start.at
	if start.fsClock {
		limit = limit.Truncate(time.Microsecond)
	} else {
		limit = limit.Add(-clockSlack)
	}
	if st.mtime.Nanosecond() == 0 && st.ctime.Nanosecond() == 0 {
		limit = limit.Truncate(2 * time.Second)
	}
	return !st.mtime.Before(limit) || !st.ctime.Before(limit)
}
