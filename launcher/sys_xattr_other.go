//go:build !linux

package launcher

// hasXattrs reports no extended attributes: outside Linux they are not
// looked at (macOS gives many files attributes of its own, which a
// replacement by rename would lose).
func hasXattrs(string) bool { return false }

// hasDefaultACL reports none: outside Linux, directories' inheritable
// ACLs are not looked at.
func hasDefaultACL(string) bool { return false }
