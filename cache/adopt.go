package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// configName is config.FileName, the configuration file in the cache
// directory (the config package is not imported here: it is above cache).
const configName = "config.toml"

// ErrNotCache reports a directory that is not an objcache cache: it has
// no CACHEDIR.TAG and holds files of its own. objcache neither makes its
// layout there nor lets maintenance commands (verify --repair, clean,
// clear) delete what it holds: OBJCACHE_DIR pointed at a user's directory
// must not cost the user's files.
var ErrNotCache = errors.New("not an objcache cache")

// layoutDirs are the top directories of a cache's layout, made before
// CACHEDIR.TAG or after it (a cache may lose its tag and keep the rest).
var layoutDirs = map[string]bool{
	manifestsDir: true, objectsDir: true, statsDir: true, tmpDir: true,
	oldStatDir: true, besideDir: true, outputLocksDir: true, "compilers": true,
}

// layoutName matches every name the layout gives a file or a directory
// below layoutDirs: sections and lock buckets (hex), keys and records (hex,
// some with a suffix: .native, .prefix), section files (.lock, .counters),
// stats shards (digits, N.lock), the ledger (usage, usage.lock), trim
// locks (.trim), stat records (.KEY.stat, .KEY.src) and staged files in tmp/.
// It is compiled on first use: only adoption needs it, and compiling it at
// start-up cost every hit about 0.1 ms.
var layoutName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\.lock|\.counters|\.trim|\.[0-9a-f]+\.(stat|src)|usage(\.lock)?|[0-9a-f]+(\.[a-z]+)?|[0-9]+(\.lock)?|objcache-[0-9]+\.tmp|objcache-[0-9a-z-]+)$`)
})

// checkAdoptable returns nil when dir may be made a cache: it does not
// exist, is empty, or holds only the cache's layout (layoutDirs, and below
// them only layoutName names: a creation under way in another process or
// interrupted, or a cache that lost its tag) and the configuration file a
// user may put there first. Else an error wrapping ErrNotCache names one
// foreign file. It is called only when CACHEDIR.TAG is missing: an existing
// cache never pays for it.
func checkAdoptable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	bad := ""
	for _, e := range entries {
		switch name := e.Name(); {
		case name == tagName && e.Type().IsRegular():
			// Another process finished the layout since the caller
			// found no tag: the directory is a cache.
			return nil
		case name == configName && e.Type().IsRegular():
		case layoutDirs[name] && e.IsDir():
			filepath.WalkDir(filepath.Join(dir, name), func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				if rel != name && (!layoutName().MatchString(d.Name()) || (!d.IsDir() && !d.Type().IsRegular())) {
					bad = rel
					return filepath.SkipAll
				}
				return nil
			})
		default:
			bad = name
		}
		if bad != "" {
			return fmt.Errorf("%w: %s has no %s and holds %q: refusing to use it (point OBJCACHE_DIR at an empty or new directory)", ErrNotCache, dir, tagName, bad)
		}
	}
	return nil
}
