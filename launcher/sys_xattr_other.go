//go:build !linux

package launcher

// hasXattrs reports no extended attributes: outside Linux they are not
// looked at (macOS gives many files attributes of its own, which a
// replacement by rename would lose).
func hasXattrs(string) bool { return false }
