//go:build !unix

package launcher

import (
	"os"
	"runtime"
)

// fatalSignals are the signals a janitor handles: Ctrl+C and Ctrl+Break,
// which the console sends to the compiler too.
func fatalSignals() []os.Signal { return []os.Signal{os.Interrupt} }

// raise ends the process as an interrupt would: on Windows with the status
// of a console program ended by Ctrl+C (STATUS_CONTROL_C_EXIT).
func raise(os.Signal) {
	if runtime.GOOS == "windows" {
		os.Exit(statusControlCExit)
	}
	os.Exit(130)
}

// statusControlCExit is the status of a Windows console program that
// Ctrl+C ended (STATUS_CONTROL_C_EXIT, 0xC000013A).
const statusControlCExit = -1073741510

// endedBySignal reports os.Interrupt for a process that Ctrl+C ended: on
// Windows the status says so; elsewhere nothing does.
func endedBySignal(state *os.ProcessState) (os.Signal, bool) {
	if runtime.GOOS == "windows" && state != nil && int32(state.ExitCode()) == statusControlCExit {
		return os.Interrupt, true
	}
	return nil, false
}
