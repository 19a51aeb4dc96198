//go:build !unix

package cache

import (
	"io/fs"
	"os"
)

// setFileMode does nothing where there are no Unix modes: on Windows a mode
// only sets the read-only attribute, and the cache's files must stay
// writable (removable) anyway.
func setFileMode(*os.File, fs.FileMode) error { return nil }

// setPathMode does nothing, as setFileMode.
func setPathMode(string, fs.FileMode) error { return nil }
