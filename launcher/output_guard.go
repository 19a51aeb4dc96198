package launcher

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/objcache/objcache/lockfile"
	"github.com/objcache/objcache/rawpath"
)

// Where the compiler writes the user's own output path (an object that
// records its path or command line: /Z7, -fprofile-arcs…), another build
// writing that path at the same time could leave its object there for
// objcache to read back and store under this call's key; every later hit
// would return it. An outputGuard, held from before the compile to after
// the read, closes that hole:
//
//   - an output lock (cache.Store.LockOutput) on the object's path
//     excludes every other objcache call writing the same path the same
//     way, so two such builds take turns instead of mixing;
//   - on Linux, an inotify watch on the outputs' directories sees every
//     other writer, objcache or not (a hit renaming its object over the
//     path, a compiler run without objcache): the result is stored only if
//     each output was written by one writer alone and left alone after
//     (outputWatch.verdict).
//
// readWritten's stat checks come on top, and are all there is where no
// watch can be had.
type outputGuard struct {
	unlock func()
	watch  *outputWatch // nil: no watch
}

// errOutputBusy reports an output lock not had within lock_timeout:
// another objcache call is compiling the same output path.
var errOutputBusy = errors.New("another objcache call is writing the same output")

// reasonOutputBusy is the counted reason (after PrefixNotStored) of a miss
// compiled as given because another call held the output's lock.
const reasonOutputBusy = "output-busy"

// guardOutputs takes the output lock of obj (the object's destination)
// and watches paths (the outputs the compiler writes at the user's paths).
// errOutputBusy means the lock was not had in time.
func (inv *invocation) guardOutputs(ctx context.Context, obj string, paths ...string) (*outputGuard, error) {
	lctx, cancel := inv.lockCtx(ctx)
	defer cancel()
	unlock, err := inv.Store.LockOutput(lctx, physicalPath(obj))
	if errors.Is(err, lockfile.ErrTimeout) {
		return nil, fmt.Errorf("%w: %v", errOutputBusy, err)
	}
	if err != nil {
		return nil, err
	}
	g := &outputGuard{unlock: unlock}
	if g.watch, err = watchOutputs(paths...); err != nil {
		inv.log.printf("outputs not watched: %v", err)
	}
	return g, nil
}

// check returns errChangedOutput when the watch saw another writer of an
// output; it ends the watch.
func (g *outputGuard) check() error {
	if g == nil || g.watch == nil {
		return nil
	}
	return g.watch.verdict()
}

// release ends the watch and drops the lock.
func (g *outputGuard) release() {
	if g == nil {
		return
	}
	if g.watch != nil {
		g.watch.stop()
	}
	g.unlock()
}

// physicalPath names the file at path by its directory's physical path,
// so that every spelling of one output (through links, "..") takes the
// same output lock; path itself when the directory cannot be resolved.
func physicalPath(path string) string {
	dir, err := filepath.EvalSymlinks(rawpath.Dir(path))
	if err != nil {
		return path
	}
	return filepath.Join(dir, fileName(path))
}
