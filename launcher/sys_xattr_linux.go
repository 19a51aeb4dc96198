package launcher

import "syscall"

// hasXattrs reports whether the file at path carries extended attributes
// (user attributes, POSIX ACLs, security labels): a replacement made
// elsewhere and renamed over it would lose them, where the compiler,
// writing into the file, keeps them. One system call.
func hasXattrs(path string) bool {
	n, err := syscall.Listxattr(path, nil)
	return err == nil && n > 0
}
