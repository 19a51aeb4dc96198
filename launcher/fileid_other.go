//go:build !unix

package launcher

import "os"

// fileID is empty where os.FileInfo carries no inode: size and times alone
// then stand for the file.
func fileID(os.FileInfo) string { return "" }

// fileKey reports false: without inode numbers a stat record cannot tell a
// replaced file from the one it recorded, so none is kept.
func fileKey(os.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }
