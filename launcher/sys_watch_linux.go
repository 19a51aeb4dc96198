package launcher

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/objcache/objcache/rawpath"
)

// watchMask is what an output watch listens to in an output's directory:
// every way a file at a name is written, replaced or removed, and the
// directory itself going away.
const watchMask = unix.IN_CLOSE_WRITE | unix.IN_MODIFY | unix.IN_CREATE | unix.IN_MOVED_TO |
	unix.IN_DELETE | unix.IN_MOVED_FROM | unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

// An outputWatch counts, with inotify, what happens to the names of some
// output paths in their directories while a compiler writes them and
// objcache reads them back (see outputGuard). Events are read as they
// come, by a goroutine, so that a busy build directory does not overflow
// the kernel's queue.
type outputWatch struct {
	f    *os.File
	done chan struct{}

	mu     sync.Mutex
	dirs   map[int32]string   // watch descriptor → directory
	names  map[string]*events // directory + "\x00" + name → what happened
	broken error              // the queue overflowed, a directory went away
}

// events is what happened to one watched name, in order: the ends of
// writes (IN_CLOSE_WRITE), the files put at the name (created, or renamed
// to it), and whether anything touched it after the last end of a write.
type events struct {
	path      string
	closes    int
	arrivals  int
	afterLast bool
}

// watchOutputs starts watching the output paths. An error means no watch
// (too many inotify instances, a missing directory): the caller does
// without.
func watchOutputs(paths ...string) (*outputWatch, error) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("inotify: %w", err)
	}
	w := &outputWatch{dirs: map[int32]string{}, names: map[string]*events{}, done: make(chan struct{})}
	for _, p := range paths {
		i := strings.LastIndexAny(p, rawpath.Seps)
		dir, name := rawpath.Dir(p), p[i+1:]
		wd, err := unix.InotifyAddWatch(fd, dir, watchMask)
		if err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("watch %s: %w", dir, err)
		}
		w.dirs[int32(wd)] = dir
		w.names[dir+"\x00"+name] = &events{path: p}
	}
	// A non-blocking descriptor goes through Go's poller: Close ends a
	// Read that waits.
	w.f = os.NewFile(uintptr(fd), "inotify")
	go w.read()
	return w, nil
}

// read takes events until the watch is closed.
func (w *outputWatch) read() {
	defer close(w.done)
	buf := make([]byte, 64<<10)
	for {
		n, err := w.f.Read(buf)
		if err != nil {
			if !errors.Is(err, os.ErrClosed) && !errors.Is(err, io.EOF) {
				w.fail(fmt.Errorf("inotify: %w", err))
			}
			return
		}
		w.mu.Lock()
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			end := off + unix.SizeofInotifyEvent + int(ev.Len)
			name := strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:min(end, n)]), "\x00")
			off = end
			w.event(ev.Wd, ev.Mask, name)
		}
		w.mu.Unlock()
	}
}

// event records one event; w.mu is held.
func (w *outputWatch) event(wd int32, mask uint32, name string) {
	switch {
	case mask&unix.IN_Q_OVERFLOW != 0:
		w.broken = errors.New("inotify: events were lost")
		return
	case mask&(unix.IN_DELETE_SELF|unix.IN_MOVE_SELF|unix.IN_IGNORED) != 0:
		w.broken = fmt.Errorf("%s was removed or moved", w.dirs[wd])
		return
	}
	e := w.names[w.dirs[wd]+"\x00"+name]
	if e == nil {
		return // another file of the directory
	}
	if mask&unix.IN_CLOSE_WRITE != 0 {
		e.closes++
		e.afterLast = false
	}
	if mask&(unix.IN_CREATE|unix.IN_MOVED_TO) != 0 {
		e.arrivals++
	}
	if e.closes > 0 && mask&(unix.IN_MODIFY|unix.IN_CREATE|unix.IN_MOVED_TO|unix.IN_DELETE|unix.IN_MOVED_FROM) != 0 {
		e.afterLast = true
	}
}

func (w *outputWatch) fail(err error) {
	w.mu.Lock()
	w.broken = err
	w.mu.Unlock()
}

// verdict stops the watch and returns nil when every watched name was
// left alone or written by one writer alone: one write ended
// (IN_CLOSE_WRITE), at most one file put there before that end (GNU as
// creates a new one; LLVM renames its temporary to the name, then closes
// it), and nothing touched after it. Anything else (another build's object
// renamed over it, a second compiler writing it, a write after the
// compiler's) is errChangedOutput. Whether a name left alone should have
// been written is the caller's to tell (readWritten).
func (w *outputWatch) verdict() error {
	w.stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.broken != nil {
		return fmt.Errorf("output watch: %v: %w", w.broken, errChangedOutput)
	}
	for _, e := range w.names {
		untouched := e.closes == 0 && e.arrivals == 0 && !e.afterLast
		if !untouched && (e.closes != 1 || e.arrivals > 1 || e.afterLast) {
			return fmt.Errorf("output %s: written %d times, %d files put there, touched after: %v: %w", e.path, e.closes, e.arrivals, e.afterLast, errChangedOutput)
		}
	}
	return nil
}

// stop ends the watch; the events read so far stay.
func (w *outputWatch) stop() {
	if w.f != nil {
		w.f.Close()
		<-w.done
		w.f = nil
	}
}
