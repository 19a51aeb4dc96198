//go:build unix

package launcher

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// fatalSignals are the signals whose default effect ends the process and
// that a janitor handles: an interrupt from the terminal, a termination
// request (a build tool's timeout, a container stopping), a hang-up.
func fatalSignals() []os.Signal {
	return []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
}

// raise ends the process with sig, as its default effect would, so that
// the parent sees a process killed by sig.
func raise(sig os.Signal) {
	s, ok := sig.(syscall.Signal)
	if !ok {
		os.Exit(1)
	}
	signal.Reset(s)
	syscall.Kill(os.Getpid(), s)
	// The signal is delivered at once; this is a fallback.
	time.Sleep(time.Second)
	os.Exit(128 + int(s))
}

// endedBySignal returns the signal that ended a process, if one did.
func endedBySignal(state *os.ProcessState) (os.Signal, bool) {
	if state == nil {
		return nil, false
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal(), true
	}
	return nil, false
}
