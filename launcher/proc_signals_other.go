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
		os.Exit(-1073741510) // 0xC000013A
	}
	os.Exit(130)
}
