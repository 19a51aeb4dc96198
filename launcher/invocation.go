package launcher

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/objcache/objcache/basedir"
	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/lockfile"
	"github.com/objcache/objcache/rawpath"
	"github.com/objcache/objcache/remote"
)

// statsTimeout bounds the wait for a statistics shard.
const statsTimeout = 2 * time.Second

// invocation is the state of one Run.
type invocation struct {
	*Launcher
	start        time.Time
	compilerName string
	compilerPath string
	args         []string
	// argsFile is a response file objcache wrote for args (msvc_zi), to
	// be removed when the call ends.
	argsFile string
	log      *invocationLog
	// base rewrites paths under the base dirs (nil without base dirs): in
	// the parsed command line, the manifest's include paths and the text
	// an entry stores.
	base *basedir.Mapper
	// janitor removes the invocation's temporary files and stops its
	// compilers when a signal ends it.
	janitor *janitor
	// tmpInfo is the FileInfo of the cache's tmp/, read once (tmpOnce).
	tmpOnce sync.Once
	tmpInfo os.FileInfo
	tmpErr  error
	// realOnce guards realPath and realErr: compilerPath with its links
	// resolved, which the key, the identity and the flavor checks all
	// need, read once per call (realCompiler).
	realOnce sync.Once
	realPath string
	realErr  error
	// remote is the invocation's remote storage, opened on first use
	// (guarded by mu).
	remote *remote.Set

	// mu guards stats and cacheOff: the sources of one cl.exe call are
	// compiled by concurrent units.
	mu    sync.Mutex
	stats cache.Counters
	// cacheOff is set after a lock timeout: this invocation then touches
	// the cache no more, so it waits for a lock at most once.
	cacheOff bool
}

func (l *Launcher) newInvocation(compilerName string, args []string) *invocation {
	logFile := l.LogFile
	if l.Config != nil && l.Config.LogFile != "" {
		logFile = l.Config.LogFile
	}
	inv := &invocation{
		Launcher:     l,
		start:        time.Now(),
		compilerName: compilerName,
		args:         args,
		stats:        cache.Counters{},
		janitor:      newJanitor(),
	}
	inv.log = newInvocationLog(logFile, inv.start)
	inv.log.printf("objcache %s %q in %s", compilerName, args, l.Dir)
	return inv
}

func (l *Launcher) getenv(name string) string {
	v, _ := lookupEnv(l.Environ, name)
	return v
}

// count adds one to a counter, to be written at the end.
func (inv *invocation) count(name string) { inv.add(name, 1) }

// add adds n to the counter name.
func (inv *invocation) add(name string, n int64) {
	if n == 0 {
		return
	}
	inv.mu.Lock()
	inv.stats[name] += n
	inv.mu.Unlock()
}

// offline reports whether a lock timeout has turned the cache off.
func (inv *invocation) offline() bool {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.cacheOff
}

// cacheError records an error from the store: a lock timeout turns the cache
// off for the rest of this invocation.
func (inv *invocation) cacheError(what string, err error) {
	inv.log.printf("%s: %v", what, err)
	if errors.Is(err, lockfile.ErrTimeout) {
		inv.count(statLockTimeout)
		inv.mu.Lock()
		inv.cacheOff = true
		inv.mu.Unlock()
	}
}

// lockCtx bounds one store operation by lock_timeout.
func (inv *invocation) lockCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, inv.Config.LockTimeout)
}

// writeStats adds this invocation's counters to the store. The compile is
// done by now, so a busy stats shard costs at most statsTimeout (and, after
// a lock timeout, a moment): a stopped process holding a shard must not add
// lock_timeout to every compile.
func (inv *invocation) writeStats(ctx context.Context) {
	inv.remoteStats()
	if inv.Store == nil || len(inv.stats) == 0 || inv.explaining() {
		return
	}
	timeout := min(inv.Config.LockTimeout, statsTimeout)
	if inv.offline() {
		timeout = min(timeout, 200*time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	counters, details := cache.Counters{}, cache.Counters{}
	for name, n := range inv.stats {
		if strings.HasPrefix(name, PrefixMissDetail) {
			details[name] = n
		} else {
			counters[name] = n
		}
	}
	if err := inv.Store.AddStats(ctx, counters); err != nil {
		inv.log.printf("statistics not written: %v", err)
	}
	if len(details) > 0 {
		if err := inv.Store.AddMissDetails(ctx, details); err != nil {
			inv.log.printf("miss details not written: %v", err)
		}
	}
}

// passThrough runs the real compiler with the user's original arguments and
// environment, after counting outcome (if not empty) and flushing the log,
// and returns its status. On Unix it replaces this process.
func (inv *invocation) passThrough(outcome string) int {
	if inv.explaining() {
		inv.explainUncached(outcome)
		return 0
	}
	if outcome != "" {
		inv.count(outcome)
	}
	inv.log.printf("outcome %s: running %s as given", outcomeName(outcome), inv.compilerPath)
	inv.writeStats(context.Background())
	inv.log.flush()
	env := inv.childEnv()
	if inv.argsFile != "" {
		// objcache's own response file must go when the compiler is done:
		// no exec.
		defer inv.removeArgsFile()
		return runInherited(inv.janitor, inv.compilerPath, inv.args, env, inv.Dir, inv.Stdin, inv.Stdout, inv.Stderr)
	}
	return execCompiler(inv.janitor, inv.compilerPath, inv.args, env, inv.Dir, inv.Stdin, inv.Stdout, inv.Stderr)
}

func outcomeName(outcome string) string {
	if outcome == "" {
		return "pass-through"
	}
	return outcome
}

// childEnv is the environment for the compiler: the user's, with DepthVar
// raised by one.
func (inv *invocation) childEnv() []string {
	depth, _ := strconv.Atoi(inv.getenv(DepthVar))
	return setEnv(inv.Environ, DepthVar, strconv.Itoa(depth+1))
}

// tmpDirInfo returns the FileInfo of the cache's tmp/.
func (inv *invocation) tmpDirInfo() (os.FileInfo, error) {
	inv.tmpOnce.Do(func() { inv.tmpInfo, inv.tmpErr = os.Stat(inv.Store.TmpDir()) })
	return inv.tmpInfo, inv.tmpErr
}

// resolved follows symlinks from path, or returns path if it cannot.
// realCompiler returns compilerPath with its links resolved, resolving it
// on the first call only. compilerPath must be set.
func (inv *invocation) realCompiler() (string, error) {
	inv.realOnce.Do(func() { inv.realPath, inv.realErr = filepath.EvalSymlinks(inv.compilerPath) })
	return inv.realPath, inv.realErr
}

// resolvedCompiler is realCompiler, or compilerPath itself where its
// links cannot be resolved (the compile then fails as it would alone).
func (inv *invocation) resolvedCompiler() string {
	if real, err := inv.realCompiler(); err == nil {
		return real
	}
	return inv.compilerPath
}

// absPath resolves a path the compiler sees relative to the working
// directory, as the kernel resolves it when the compiler opens it: nothing
// is cleaned, so "link/../x" stays the file beside link's target
// (rawpath).
func (inv *invocation) absPath(p string) string { return rawpath.Join(inv.Dir, p) }

// useBaseDirs sets up base-dir rewriting for this call and returns the
// rewrite for the parser, nil without base dirs. Paths compare without case
// only where the working directory's file system folds case, whatever the
// compiler family: clang-cl on Linux reads /I…/Proj/inc from Proj, not proj.
func (inv *invocation) useBaseDirs() compiler.Rebase {
	if len(inv.Config.BaseDirs) == 0 {
		return nil
	}
	inv.base = basedir.New(inv.Config.BaseDirs, inv.Dir, basedir.FoldsCase(inv.Dir))
	if inv.base == nil {
		return nil
	}
	return inv.base.Rel
}

// withBaseDirs returns extra with what the key records of base dirs:
// whether they are set (an entry stored with them holds location-free
// text), not which they are (each checkout lists its own).
func (inv *invocation) withBaseDirs(extra []string) []string {
	if inv.base == nil {
		return extra
	}
	return append(extra, "base_dirs")
}
