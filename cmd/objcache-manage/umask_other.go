//go:build !unix

package main

import "os"

// processUmask is zero where there is no umask: files get mode 0666.
func processUmask() os.FileMode { return 0 }
