package launcher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinks is how many symbolic links one path may lead through, as on
// Linux (beyond it, open fails with ELOOP).
const maxLinks = 40

// linkTarget follows the symbolic links at path as the kernel does when it
// opens path, and returns the final target's path, which need not exist (a
// dangling link, whose target fopen creates). A relative target is taken
// from the directory of the link that names it, and nothing is cleaned
// lexically: the kernel resolves a ".." only after the links before it, so
// "dir/../x" where dir is a link is not "x".
func linkTarget(path string) (string, error) {
	cur := path
	for range maxLinks {
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return cur, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return cur, nil
		}
		target, err := os.Readlink(cur)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = cur[:strings.LastIndexAny(cur, sepChars)+1] + target
		}
		cur = target
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// sepChars are the characters that separate path elements here.
const sepChars = string(filepath.Separator) + "/"
