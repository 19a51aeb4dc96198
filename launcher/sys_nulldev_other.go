//go:build !unix

package launcher

import "os"

// isNullDevice reports whether fi is a null device; where devices have no
// numbers to compare (Windows' NUL), none is recognised.
func isNullDevice(fi os.FileInfo) bool { return false }
