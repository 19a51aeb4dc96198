//go:build !unix

package launcher

import "os"

// openInput opens an input file for reading.
func openInput(path string) (*os.File, error) { return os.Open(path) }
