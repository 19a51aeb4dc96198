//go:build !unix

package storeopen

import "os"

// ProcessUmask is zero where there is no umask: files get mode 0666.
func ProcessUmask() os.FileMode { return 0 }
