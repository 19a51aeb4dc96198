// Package config resolves objcache's settings: built-in defaults, then
// <cache dir>/config.toml, then OBJCACHE_* environment variables, each layer
// overriding the one before. Every setting remembers where its value came
// from, for `objcache config`.
package config

import "time"

// Config is the effective configuration of one invocation.
type Config struct {
	Dir              string        // cache directory (OBJCACHE_DIR only; default os.UserCacheDir()/objcache)
	MaxSize          int64         // bytes; "5G" style in files and env; default 5G
	MaxFiles         int64         // 0 = no limit
	LockTimeout      time.Duration // default 10s
	CompressionLevel int           // zstd level, 0 = store uncompressed; default 1
	CompilerCheck    string        // "content" (default) | "mtime" | "none" | "string:<text>"
	CompilerType     string        // "" (guess from name) | "gcc" | "clang" | "msvc" | "clang-cl"
	DirectMode       bool          // default true
	LogFile          string        // "" = no log
	Disable          bool          // pure pass-through
	ReadOnly         bool          // use hits, store nothing
	Umask            *uint32       // applied to cache files; nil = process umask
	BaseDirs         []string      // absolute paths; env takes an OS path list
	HashDir          bool          // default true
	LRURefresh       time.Duration // default 1h
	ManifestEntries  int           // cap of entries per manifest; default 32

	// Sources maps each key (as written in config.toml) to where its value
	// came from: "default", the config file's path, or the environment
	// variable's name.
	Sources map[string]string
}

// Load resolves the configuration. getenv looks up environment variables
// (os.LookupEnv in main; a map in tests). A malformed config.toml, an unknown
// key or a bad value is an error naming the file (or variable), the line and
// the key, with a hint at the fix.
func Load(getenv func(string) (string, bool)) (*Config, error) { panic("unimplemented") }

// Setting is one line of `objcache config`.
type Setting struct {
	Key, Value, Source string
}

// Settings lists every setting with its effective value and source, in the
// order of config.toml.example.
func (c *Config) Settings() []Setting { panic("unimplemented") }
