package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/objcache/objcache/beside"
	"github.com/objcache/objcache/cache"
)

// sweepBeside removes the temporaries that killed objcache processes left
// beside outputs on other file systems than the cache (package beside),
// in the directories the cache's journal names, and drops from the journal
// the directories that are gone or hold no temporary of a live writer. It
// returns how many it removed. Temporaries whose writer lives are left.
func sweepBeside(store *cache.Store) (int, error) {
	dirs, err := store.BesideDirs()
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, d := range dirs {
		removed, live, err := beside.Sweep(d.Dir)
		total += removed
		switch {
		case errors.Is(err, fs.ErrNotExist), err == nil && live == 0:
			if err := store.ForgetBesideDir(d); err != nil {
				errs = append(errs, err)
			}
		case err != nil:
			errs = append(errs, fmt.Errorf("temporaries beside outputs: %w", err))
		}
	}
	return total, errors.Join(errs...)
}
