//go:build !windows

package cache

import "os"

// rename is os.Rename: on Unix a rename never fails because someone has the
// file open.
func rename(from, to string) error { return os.Rename(from, to) }

// remove is os.Remove, as rename is os.Rename.
func remove(path string) error { return os.Remove(path) }
