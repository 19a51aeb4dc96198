package beside

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// openUnnamed opens a new file without a name in dir (O_TMPFILE). File
// systems without it (NFS, some FUSE ones, kernels before 3.11) answer
// EOPNOTSUPP, EISDIR or EINVAL: that is errors.ErrUnsupported here.
func openUnnamed(dir string, perm os.FileMode) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, uint32(perm.Perm()))
	switch {
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EISDIR), errors.Is(err, unix.EINVAL):
		return nil, fmt.Errorf("unnamed file in %s: %w (%w)", dir, errors.ErrUnsupported, err)
	case err != nil:
		return nil, &os.PathError{Op: "open unnamed file", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// linkUnnamed gives f, opened by openUnnamed, the new name path; it fails
// with an error matching fs.ErrExist when path exists. AT_EMPTY_PATH needs
// CAP_DAC_READ_SEARCH; without it the link goes through /proc/self/fd.
func linkUnnamed(f *os.File, path string) error {
	fd := int(f.Fd())
	err := unix.Linkat(fd, "", unix.AT_FDCWD, path, unix.AT_EMPTY_PATH)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EPERM) {
		err = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: f.Name() + " (unnamed)", New: path, Err: err}
	}
	return nil
}
