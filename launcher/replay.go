package launcher

import (
	"github.com/objcache/objcache/basedir"
	"github.com/objcache/objcache/cache"
)

// output returns the data of the entry's output of the given kind.
func output(e *cache.Entry, kind string) ([]byte, bool) {
	for _, o := range e.Outputs {
		if o.Kind == kind {
			return o.Data, true
		}
	}
	return nil, false
}

// expandPaths undoes storablePaths for the working directory cwd. It runs
// on every hit, base dirs or not: the entry may come from a call with them.
func expandPaths(e *cache.Entry, cwd string) {
	e.Stdout, e.Stderr = basedir.Decode(e.Stdout, cwd), basedir.Decode(e.Stderr, cwd)
	for i, o := range e.Outputs {
		if pathTextKinds[o.Kind] {
			e.Outputs[i].Data = basedir.Decode(o.Data, cwd)
		}
	}
}
