// Package manage names objcache's management commands, which objcache
// hands to its companion program objcache-manage (objcache stats is
// objcache-manage stats), so that the launcher, which every compile
// starts, links none of their code.
package manage

// Program is the companion that runs the management commands.
const Program = "objcache-manage"

// LauncherVar is the environment variable in which objcache hands
// objcache-manage its own executable: objcache explain looks compilers up
// as the launcher does, skipping the launcher itself (a masquerade link
// named gcc first in PATH), wherever each binary is installed.
const LauncherVar = "OBJCACHE_LAUNCHER"

// IsCommand reports whether objcache's first argument name is a
// management command (or cobra's help and completion machinery) rather
// than a compiler.
func IsCommand(name string) bool {
	switch name {
	case "stats", "zero-stats", "clean", "clear", "verify", "config", "version", "explain",
		"help", "completion", "__complete", "__completeNoDesc":
		return true
	}
	return false
}
