package launcher

import (
	"os"
)

// reasonNamesTemporary is the counted reason (after PrefixNotStored) for a
// miss whose messages name objcache's staging directory: the compiler runs
// again as the user wrote it, so that the user sees its own messages.
const reasonNamesTemporary = "messages-name-temporary"

// stagedName returns the name of a compiler's output in a staging
// directory: stem with the extension of the user's output (cl appends .obj
// to a /Fo without one, and the staged name must not depend on that), or
// def when that extension is missing or long.
func stagedName(stem, user, def string) string {
	ext := extension(user)
	if ext == "" || len(ext) > 16 {
		ext = def
	}
	return stem + ext
}

// extension returns the extension of the last element of p (either slash
// separates, as for cl's paths), "" if none.
func extension(p string) string {
	name := fileName(p)
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == '.' {
			return name[i:]
		}
	}
	return ""
}

// exists reports whether a file exists at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// failureTouches reports whether a compiler that fails leaves a mark at
// path that a replay from objcache's staging cannot: a regular file or a
// symbolic link it may remove (gcc and clang remove only those, never a
// device), or a FIFO or device it writes into as it goes (what gcc -S
// wrote before the error reaches the FIFO's reader). A failed compile is
// then run again as the user wrote it.
func failureTouches(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && !fi.IsDir()
}
