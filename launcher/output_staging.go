package launcher

import "path/filepath"

// minStagingRoom is the free space below which the cache's file system
// counts as nearly full for a miss. The compiler still writes its outputs
// into tmp/, never beside the user's outputs: the compiler's own children
// outlive a killed objcache and would finish writing temporaries of
// objcache's beside the outputs after any handler had removed them, while
// tmp/ is objcache's own and clean sweeps it. A compile that fails there
// may have failed for want of room, so it runs again as given (two
// compiles for one, on a nearly full disk only), and whether a successful
// one's entry fits is the store's business.
const minStagingRoom = 64 << 20

// staging is where the compiler of one miss writes its outputs.
type staging struct {
	// dir is a new directory in the cache's tmp/.
	dir string
	// low says the cache's file system had less than minStagingRoom free:
	// a failed compile is run again as given.
	low bool
}

// newStaging makes the directory a miss's compiler writes its outputs
// into, registered with the janitor.
func (inv *invocation) newStaging() (staging, error) {
	low := false
	if free, ok := freeSpace(inv.Store.TmpDir()); ok && free < minStagingRoom {
		inv.log.printf("the cache's file system has %d bytes free: a failed compile runs again as given", free)
		low = true
	}
	dir, err := inv.Store.StageDir()
	if err != nil {
		return staging{}, err
	}
	inv.janitor.track(dir)
	return staging{dir: dir, low: low}, nil
}

// stagedPath returns the name the compiler writes an output to in the
// staging directory: stem with the extension of the user's output.
func (s staging) stagedPath(stem, user, def string) string {
	return filepath.Join(s.dir, stagedName(stem, user, def))
}
