//go:build unix

package launcher

import (
	"os"
	"syscall"
)

// openInput opens an input file for reading without waiting: O_NONBLOCK
// makes the open of a FIFO return at once (readState then refuses it),
// and changes nothing for a regular file.
func openInput(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
