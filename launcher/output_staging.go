package launcher

import (
	"errors"
	"path/filepath"
)

// minStagingRoom is the free space the cache's file system must have for a
// miss's compiler to write its outputs into tmp/. With less (a cache disk
// nearly full), a compile into tmp/ would fail for want of room and run
// again as given, two compiles for one: the compiler writes beside each
// output instead, as it would alone, and whether the entry then fits is
// the store's business.
const minStagingRoom = 64 << 20

// errNoStaging reports a miss whose outputs have nowhere to be staged: the
// cache's file system is nearly full and an output is written into in
// place (a device, a file in a directory objcache cannot write), so
// nothing may be created beside it.
var errNoStaging = errors.New("no room in the cache's tmp/ to stage the outputs, and no place beside them")

// staging is where the compiler of one miss writes its outputs.
type staging struct {
	// dir is a new directory in the cache's tmp/, or "" when the outputs
	// go beside their destinations.
	dir string
}

// newStaging chooses where a miss's compiler writes the outputs of plans
// and makes the staging directory. The directory (if any) is registered
// with the janitor.
func (inv *invocation) newStaging(plans ...outputPlan) (staging, error) {
	if free, ok := freeSpace(inv.Store.TmpDir()); ok && free < minStagingRoom {
		for _, p := range plans {
			if p.into {
				return staging{}, errNoStaging
			}
		}
		inv.log.printf("the cache's file system has %d bytes free: the outputs are compiled beside their destinations", free)
		return staging{}, nil
	}
	dir, err := inv.Store.StageDir()
	if err != nil {
		return staging{}, err
	}
	inv.janitor.track(dir)
	return staging{dir: dir}, nil
}

// stagedPath returns the name the compiler writes the output of plan p to: stem
// with the extension of the user's output in the staging directory, or a
// temporary beside p's destination (registered with the janitor).
func (inv *invocation) stagedPath(s staging, p outputPlan, stem, user, def string) string {
	if s.dir != "" {
		return filepath.Join(s.dir, stagedName(stem, user, def))
	}
	tmp := besidePath(p.dest)
	inv.janitor.track(tmp)
	return tmp
}
