//go:build !unix

package beside

import (
	"errors"
	"os"
)

// tryLock reports every temporary as held: without flock there is no way
// to tell a dead writer's temporary from a live one's, and a file another
// process has open cannot be removed here anyway.
func tryLock(*os.File) (bool, error) { return true, nil }

// dup returns nil: there is no lock to keep.
func dup(*os.File) (*os.File, error) { return nil, nil }

// openNoFollow fails: no temporary is reclaimed here (see tryLock).
func openNoFollow(string) (*os.File, error) {
	return nil, errors.New("temporaries are not reclaimed on this system")
}
