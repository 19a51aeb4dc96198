//go:build !unix

package launcher

import (
	"fmt"
	"io/fs"
	"os"
)

// writable reports (nil) whether the file at path exists and is not
// read-only; permissions beyond that are found out by trying.
func writable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("%s is read-only", path)
	}
	return nil
}

// writableDir reports (nil) whether dir is a directory; whether it takes
// new files is found out by trying.
func writableDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// fileOwner reports no owner to reproduce: a replacement gets the
// permissions its directory gives, as a file the compiler creates.
func fileOwner(fs.FileInfo) (uid, gid int, links uint64, ok bool) { return -1, -1, 1, true }
