package launcher

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// tempPath returns an unused name beside target, in the same directory (so
// a rename publishes it atomically) and with the same extension. The file is
// not created: the compiler creates it, with the mode it would give target.
func tempPath(target string) string {
	dir, base := filepath.Split(target)
	return filepath.Join(dir, fmt.Sprintf(".%s.objcache-%d-%08x%s", base, os.Getpid(), rand.Uint32(), filepath.Ext(base)))
}

// writeAtomic writes data to target through a temporary file beside it and a
// rename (DESIGN.md rule 6), so that two builds writing the same output never
// leave a torn file. The file gets mode 0666 &^ umask, as the compiler would
// give it.
func writeAtomic(target string, data []byte, umask os.FileMode) error {
	tmp := tempPath(target)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666&^umask)
	if err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", target, firstErr(werr, cerr))
	}
	return publish(tmp, target)
}

// publish renames tmp over target. Where target cannot be replaced (on
// Windows, another program holds it open), tmp is removed and the error
// returned: the caller then lets the compiler itself report the problem.
func publish(tmp, target string) error {
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", target, err)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// exists reports whether a file exists at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
