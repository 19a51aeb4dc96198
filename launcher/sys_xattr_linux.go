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

// hasDefaultACL reports whether the directory dir has a default POSIX ACL:
// a file created in it takes its mode (the umask does not apply) and its
// access ACL from it, which a file made elsewhere and renamed in, or given
// the umask's mode, would not have. One system call.
func hasDefaultACL(dir string) bool {
	n, err := syscall.Getxattr(dir, "system.posix_acl_default", nil)
	return err == nil && n > 0
}
