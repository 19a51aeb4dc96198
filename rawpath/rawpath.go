// Package rawpath joins and splits file paths the way the kernel reads them,
// without cleaning them lexically.
//
// filepath.Join and filepath.Dir clean their result: "link/../x" becomes
// "x". On Unix that is another file whenever link is a symbolic link: the
// kernel resolves ".." after the link, in the directory the link leads to,
// so "link/../x" names x beside the link's target, not beside the link. A
// compiler opens the paths of its command line, its response files and its
// depfile as they are written; objcache, which hashes, records and writes
// files on the compiler's behalf, must name the same files, and so joins
// and splits paths here, leaving every "." and ".." to the kernel.
//
// On Windows, path resolution itself is lexical (the system folds ".." away
// before any file system sees the path), so a path left uncleaned names the
// same file as the cleaned one; the functions work there too.
package rawpath

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Join returns p resolved against dir: p itself when it is absolute (on
// Windows also when it starts at the root of the current drive), else dir,
// a separator and p, with nothing cleaned. An empty dir leaves p as it is.
func Join(dir, p string) string {
	if dir == "" || IsRooted(p) {
		return p
	}
	if IsSep(dir[len(dir)-1]) {
		return dir + p
	}
	return dir + string(os.PathSeparator) + p
}

// IsRooted reports whether p does not depend on the working directory: an
// absolute path, or on Windows a path that starts at the current drive's
// root ("\x").
func IsRooted(p string) bool {
	return filepath.IsAbs(p) || (runtime.GOOS == "windows" && p != "" && IsSep(p[0]))
}

// Dir returns all of p before its last element, without cleaning it: the
// directory in which the kernel looks the last element up. Trailing
// separators of the result are dropped, except for a root; a path with no
// separator gives ".".
func Dir(p string) string {
	vol := filepath.VolumeName(p)
	rest := p[len(vol):]
	i := strings.LastIndexAny(rest, Seps)
	if i < 0 {
		if vol != "" {
			return vol
		}
		return "."
	}
	dir := strings.TrimRight(rest[:i], Seps)
	if dir == "" {
		dir = rest[:1] // the root
	}
	return vol + dir
}

// IsSep reports whether c separates path elements here.
func IsSep(c byte) bool { return c == '/' || c == filepath.Separator }
