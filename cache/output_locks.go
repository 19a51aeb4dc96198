package cache

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/objcache/objcache/digest"
)

// outputLocksDir holds the output locks: outputLockBuckets lock files,
// made as they are first needed, so that however many outputs there are
// nothing accumulates.
const outputLocksDir = "output-locks"

// outputLockBuckets is how many output locks there are. Two outputs share
// one with odds of 1 in 4096, which at worst makes one compile wait for
// another that writes something else.
const outputLockBuckets = 4096

// LockOutput takes the output lock of the user's output path (absolute),
// waiting at most the store's LockTimeout (a timeout returns an error
// wrapping lockfile.ErrTimeout). It is held by a compile that writes the
// user's own path (an object that records its name or command line), from
// before the compile to after its output is read for storing, so that two
// such compiles of one output by objcache never interleave; a plain
// compiler writing the same path is the launcher's watch's business.
//
// It is an exception to "no compiling under locks" (DESIGN.md §4 rule 3),
// which is about the cache's sections: an output lock guards a user's
// file, not the cache, and is never held while any other lock is taken, so
// it has no place in the lock order and cannot deadlock with it.
func (s *Store) LockOutput(ctx context.Context, output string) (unlock func(), err error) {
	sum := digest.Of([]byte(output))
	bucket := (int(sum[0])<<4 | int(sum[1])>>4) % outputLockBuckets
	path := filepath.Join(s.dir, outputLocksDir, fmt.Sprintf("%03x", bucket))
	unlock, err = s.lock(ctx, path, exclusive)
	if err != nil {
		return nil, fmt.Errorf("lock output %s: %w", output, err)
	}
	return unlock, nil
}
