//go:build !unix && !windows

package launcher

import "os"

// fileID is empty where os.FileInfo carries no inode: size and times alone
// then stand for the file.
func fileID(os.FileInfo) string { return "" }

// fileKey reports false: without inode numbers a stat record cannot tell a
// replaced file from the one it recorded, so none is kept.
func fileKey(os.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }

// openStat reports false: no stat records here (see fileKey).
func openStat(*os.File, os.FileInfo) (statEntry, bool) { return statEntry{}, false }

// pathStat reports false: no stat records here (see fileKey).
func pathStat(string) (statEntry, bool) { return statEntry{}, false }
