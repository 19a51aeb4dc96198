package launcher

import (
	"os"
	"path/filepath"

	"github.com/objcache/objcache/compiler"
)

// reasonClangConfig is the outcome of a clang call that reads a
// configuration file of its own accord.
const reasonClangConfig = "clang-config"

// clangAutoConfig returns the configuration file that clang, called by
// path (real with its links resolved), may read without being told (--config passes through as an
// unknown long option): a name with a target prefix
// (aarch64-linux-gnu-clang) makes clang look for
// aarch64-linux-gnu-clang.cfg and its variants beside its binary, and
// every option in it (an include directory, a profile, a target) changes
// the compile without appearing on the command line (break-it round 20).
// The check costs one directory read, and only for such names. The
// configured user and system configuration directories, which Debian's
// clang has none of, are not searched.
func clangAutoConfig(path, real string) (string, bool) {
	prefix, mode := compiler.ClangNameParts(path)
	if prefix == "" {
		return "", false
	}
	dir := filepath.Dir(real)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return dir, true // unknown: as if one were there
	}
	for _, e := range entries {
		if compiler.ClangConfigFileMatches(prefix, mode, e.Name()) {
			return filepath.Join(dir, e.Name()), true
		}
	}
	return "", false
}

// readsClangConfig reports, and logs, whether the clang this call runs
// reads a configuration file of its own accord (clangAutoConfig).
func (inv *invocation) readsClangConfig() bool {
	cfg, ok := clangAutoConfig(inv.compilerPath, inv.resolvedCompiler())
	if ok {
		inv.log.printf("%s: clang reads this configuration file of its own accord", cfg)
	}
	return ok
}
