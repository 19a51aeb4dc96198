//go:build !linux

package beside

import (
	"errors"
	"fmt"
	"os"
)

// openUnnamed fails: only Linux has unnamed files (O_TMPFILE).
func openUnnamed(dir string, _ os.FileMode) (*os.File, error) {
	return nil, fmt.Errorf("unnamed file in %s: %w", dir, errors.ErrUnsupported)
}

// linkUnnamed is never reached: openUnnamed gives no file to link.
func linkUnnamed(*os.File, string) error { return errors.ErrUnsupported }
