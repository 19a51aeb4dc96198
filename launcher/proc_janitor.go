package launcher

import (
	"errors"
	"os"
	"os/signal"
	"sync"
	"time"
)

// A janitor keeps what one invocation has made that must not outlive it
// (DESIGN.md §4 rule 7): the temporary files beside the user's outputs,
// the staging directories in the cache's tmp/, and the compilers it runs.
// When a signal that ends the process arrives (SIGINT, SIGTERM, SIGHUP,
// unless the process started with them ignored), the janitor passes it on
// to the running compilers, waits a moment for them to stop writing,
// removes the files and dies of the same signal, so that whoever sent it
// sees what the compiler alone would show.
//
// SIGKILL cannot be caught: a temporary beside an output is then left, so
// they exist only while objcache copies data it already has (a hit or a
// miss whose cache is on another file system than the output); compilers
// write into the cache's tmp/, which `objcache clean` sweeps.
//
// Signals are caught from the first thing registered on, so that a hit,
// which registers nothing when its cache shares the output's file system,
// pays nothing. Nothing is global: each invocation has its own janitor.
type janitor struct {
	mu    sync.Mutex
	paths map[string]bool
	procs map[*os.Process]bool
	// dying is set, under mu, once a signal is being handled: from then on
	// every registration blocks until the process dies.
	dying bool
	sig   os.Signal // the signal being handled
	// sigs receives the signals (nil until armed); stop asks the loop to
	// end, which closes the channel it is sent.
	sigs chan os.Signal
	stop chan chan struct{}
}

// signalGrace bounds how long a dying objcache waits for its compilers to
// stop after passing them the signal.
const signalGrace = time.Second

func newJanitor() *janitor {
	return &janitor{paths: map[string]bool{}, procs: map[*os.Process]bool{}}
}

// armLocked starts catching signals, once. j.mu is held.
func (j *janitor) armLocked() {
	if j.sigs != nil {
		return
	}
	var caught []os.Signal
	for _, s := range fatalSignals() {
		if !signal.Ignored(s) {
			caught = append(caught, s)
		}
	}
	if len(caught) == 0 {
		return
	}
	j.sigs = make(chan os.Signal, 1)
	j.stop = make(chan chan struct{})
	signal.Notify(j.sigs, caught...)
	go j.loop()
}

// loop handles the one signal that ends the process, or stops when the
// process hands itself over to the compiler (disarm).
func (j *janitor) loop() {
	select {
	case sig := <-j.sigs:
		j.die(sig)
	case done := <-j.stop:
		signal.Stop(j.sigs)
		// A signal that came before Stop is handled now.
		select {
		case sig := <-j.sigs:
			j.die(sig)
		default:
		}
		close(done)
	}
}

// die passes sig on to the compilers, removes what is registered and ends
// the process with sig. It never returns.
func (j *janitor) die(sig os.Signal) {
	j.mu.Lock()
	j.dying, j.sig = true, sig
	for p := range j.procs {
		p.Signal(sig)
	}
	j.mu.Unlock()
	// The compilers may be writing into the staging directories: give
	// them a moment to stop before the directories go.
	for deadline := time.Now().Add(signalGrace); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		j.mu.Lock()
		n := len(j.procs)
		j.mu.Unlock()
		if n == 0 {
			break
		}
	}
	j.mu.Lock()
	for path := range j.paths {
		os.RemoveAll(path)
	}
	raise(sig)
}

// blockLocked waits for the process to die, when a signal is being
// handled; j.mu is held and released while waiting.
func (j *janitor) blockLocked() {
	if j.dying {
		j.mu.Unlock()
		select {}
	}
}

// create creates the new file path (O_EXCL) with mode perm and registers
// it, both before any signal can be handled: a signal then removes it.
func (j *janitor) create(path string, perm os.FileMode) (*os.File, error) {
	var f *os.File
	err := j.createBy(path, func() (err error) {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		return err
	})
	return f, err
}

// createBy runs make, which creates the new file path (and fails if path
// exists), and registers path if it succeeds, both before any signal can
// be handled: a signal then removes path, and never a file another
// process made under that name.
func (j *janitor) createBy(path string, make func() error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.blockLocked()
	j.armLocked()
	err := make()
	if err == nil {
		j.paths[path] = true
	}
	return err
}

// track registers path, a file or directory that exists already, for
// removal on a signal.
func (j *janitor) track(path string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.blockLocked()
	j.armLocked()
	j.paths[path] = true
}

// forget unregisters path, which has been renamed into place or removed.
func (j *janitor) forget(path string) {
	j.mu.Lock()
	delete(j.paths, path)
	j.mu.Unlock()
}

// remove removes path and unregisters it.
func (j *janitor) remove(path string) error {
	err := os.RemoveAll(path)
	j.forget(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// started registers a compiler that has started. A compiler started while
// a signal is handled gets the signal at once.
func (j *janitor) started(p *os.Process) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dying {
		p.Signal(j.sig)
		j.blockLocked()
	}
	j.armLocked()
	j.procs[p] = true
}

// exited unregisters a compiler that has exited, in state. What a
// compiler that a signal ended has left is a killed compile's: it must not
// be put in place or replayed (the differential tester found objcache,
// sent SIGTERM while gcc -S ran, passing it on, seeing the driver's death
// as a failed compile and writing the .s that cc1 went on to finish into
// the user's directory). So while a signal is handled, exited blocks until
// the process dies: the janitor sets dying before it passes the signal on,
// so a compiler it ended always finds it set. A compiler ended by one of
// the signals the janitor handles, while none is handled yet, may have
// been sent it by the terminal with objcache (^C signals the whole process
// group): exited waits up to signalGrace for it to arrive, then lets the
// caller go on (someone signalled the compiler alone).
func (j *janitor) exited(p *os.Process, state *os.ProcessState) {
	j.mu.Lock()
	delete(j.procs, p)
	armed := j.sigs != nil
	j.blockLocked()
	j.mu.Unlock()
	sig, ok := endedBySignal(state)
	if !ok || !armed || !j.handles(sig) {
		return
	}
	for deadline := time.Now().Add(signalGrace); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		j.settle()
	}
}

// handles reports whether sig is one of the signals the janitor catches.
func (j *janitor) handles(sig os.Signal) bool {
	for _, s := range fatalSignals() {
		if s == sig && !signal.Ignored(s) {
			return true
		}
	}
	return false
}

// disarm stops catching signals, before the process replaces itself with
// the compiler (which then gets the signals, with their default effect).
// A signal that came before is handled now: disarm does not return then.
func (j *janitor) disarm() {
	j.mu.Lock()
	j.blockLocked()
	armed := j.sigs != nil
	j.mu.Unlock()
	if !armed {
		return
	}
	done := make(chan struct{})
	select {
	case j.stop <- done:
		<-done
	case <-time.After(signalGrace):
		// The loop is handling a signal: the process is about to die.
	}
	j.mu.Lock()
	j.blockLocked()
	j.sigs, j.stop = nil, nil // a later registration catches signals again
	j.mu.Unlock()
}

// settle waits for the process to die when a signal is being handled, so
// that the invocation does not exit with a status of its own meanwhile.
func (j *janitor) settle() {
	j.mu.Lock()
	j.blockLocked()
	j.mu.Unlock()
}
