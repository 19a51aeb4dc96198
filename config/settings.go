package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// setting is one configuration key: its names, its default, what it means,
// and how to parse and show it. The table below is the one place these facts
// live: Load, Settings and config.toml.example all follow it.
type setting struct {
	key   string
	alias string // an extra environment variable name, if any
	def   any    // default, in the form config.toml would give it
	help  string
	set   func(c *Config, v any) error
	show  func(c *Config) string
}

// envNames lists the environment variables for the setting, the primary
// one first.
func (s setting) envNames() []string {
	names := []string{"OBJCACHE_" + strings.ToUpper(s.key)}
	if s.alias != "" {
		names = append(names, s.alias)
	}
	return names
}

// settings is the table of every key, in config.toml.example's order.
var settings = []setting{
	{key: "dir", def: "", help: "cache directory; only OBJCACHE_DIR sets it (default: the user cache dir + /objcache)",
		set: func(c *Config, v any) error {
			if v == "" { // the default: Load computes it
				return nil
			}
			return errDirInFile
		},
		show: func(c *Config) string { return c.Dir }},
	{key: "max_size", def: "5G", help: "size limit of the cache: K, M, G, T (powers of 1024)",
		set:  func(c *Config, v any) (err error) { c.MaxSize, err = parseSize(v); return },
		show: func(c *Config) string { return formatSize(c.MaxSize) }},
	{key: "max_files", def: int64(0), help: "file count limit of the cache; 0 means no limit",
		set:  func(c *Config, v any) (err error) { c.MaxFiles, err = parseInt(v, 0, 1<<50); return },
		show: func(c *Config) string { return strconv.FormatInt(c.MaxFiles, 10) }},
	{key: "lock_timeout", def: "10s", help: "how long to wait for a cache lock before compiling uncached",
		set: func(c *Config, v any) (err error) {
			c.LockTimeout, err = parseDuration(v)
			if err == nil && c.LockTimeout <= 0 {
				err = fmt.Errorf("%q must be more than zero", fmt.Sprint(v))
			}
			return
		},
		show: func(c *Config) string { return c.LockTimeout.String() }},
	{key: "compression_level", def: int64(1), help: "zstd level of stored entries, 1 (fastest) to 19; 0 stores them uncompressed",
		set: func(c *Config, v any) error {
			n, err := parseInt(v, 0, 19)
			c.CompressionLevel = int(n)
			return err
		},
		show: func(c *Config) string { return strconv.Itoa(c.CompressionLevel) }},
	{key: "compiler_check", def: "content", help: `how the compiler is identified: "content" (hash of the binary), "mtime", "none" or "string:TEXT"`,
		set: func(c *Config, v any) error {
			s, err := parseString(v)
			if err == nil && s != "content" && s != "mtime" && s != "none" && !strings.HasPrefix(s, "string:") {
				err = fmt.Errorf("%q is not content, mtime, none or string:TEXT", s)
			}
			c.CompilerCheck = s
			return err
		},
		show: func(c *Config) string { return c.CompilerCheck }},
	{key: "compiler_type", def: "", help: `compiler family for names that say nothing: "gcc", "clang", "msvc", "clang-cl"; empty guesses from the name`,
		set: func(c *Config, v any) error {
			s, err := parseString(v)
			switch s {
			case "", "gcc", "clang", "msvc", "clang-cl":
			default:
				err = fmt.Errorf("%q is not gcc, clang, msvc or clang-cl", s)
			}
			c.CompilerType = s
			return err
		},
		show: func(c *Config) string { return c.CompilerType }},
	{key: "direct_mode", def: true, help: "look up results by the include files of earlier compiles; false passes every call through",
		set:  func(c *Config, v any) (err error) { c.DirectMode, err = parseBool(v); return },
		show: func(c *Config) string { return strconv.FormatBool(c.DirectMode) }},
	{key: "log_file", alias: "OBJCACHE_LOGFILE", def: "", help: "append a log of every call (key inputs, hit or miss and why, phase times) to this file",
		set:  func(c *Config, v any) (err error) { c.LogFile, err = parseString(v); return },
		show: func(c *Config) string { return c.LogFile }},
	{key: "disable", def: false, help: "pass every call straight to the compiler",
		set:  func(c *Config, v any) (err error) { c.Disable, err = parseBool(v); return },
		show: func(c *Config) string { return strconv.FormatBool(c.Disable) }},
	{key: "read_only", alias: "OBJCACHE_READONLY", def: false, help: "use hits but store nothing (for example CI jobs that only consume a shared cache)",
		set:  func(c *Config, v any) (err error) { c.ReadOnly, err = parseBool(v); return },
		show: func(c *Config) string { return strconv.FormatBool(c.ReadOnly) }},
	{key: "umask", def: "", help: `umask for files created in the cache, in octal ("002" lets a group share it); empty uses the process umask`,
		set:  func(c *Config, v any) (err error) { c.Umask, err = parseUmask(v); return },
		show: func(c *Config) string { return formatUmask(c.Umask) }},
	{key: "base_dirs", alias: "OBJCACHE_BASEDIR", def: []any{}, help: `absolute directories (a list; in the environment separated like PATH) under which paths are hashed and compiled relative to the working directory, so that checkouts in different places share entries`,
		set:  func(c *Config, v any) (err error) { c.BaseDirs, err = parseDirList(v); return },
		show: func(c *Config) string { return strings.Join(c.BaseDirs, string(filepath.ListSeparator)) }},
	{key: "remote_storage", def: []any{}, help: `remote caches shared by many machines, each "URL|attr…": redis://host:port[/db], redis+unix:///socket, http(s)://host/path; attributes read-only, connect-timeout=100ms, request-timeout=10s, bearer-token=T; several shard the keys (in the environment separated by spaces)`,
		set:  func(c *Config, v any) (err error) { c.RemoteStorage, err = parseRemotes(v); return },
		show: func(c *Config) string { return showRemotes(c.RemoteStorage) }},
	{key: "hash_dir", def: true, help: "hash the working directory when the object embeds it (debug info without -fdebug-prefix-map)",
		set:  func(c *Config, v any) (err error) { c.HashDir, err = parseBool(v); return },
		show: func(c *Config) string { return strconv.FormatBool(c.HashDir) }},
	{key: "lru_refresh", def: "1h", help: "a hit refreshes an entry's time for eviction only when it is older than this",
		set:  func(c *Config, v any) (err error) { c.LRURefresh, err = parseDuration(v); return },
		show: func(c *Config) string { return c.LRURefresh.String() }},
	{key: "manifest_entries", def: int64(32), help: "most entries (include-file sets) kept per manifest",
		set: func(c *Config, v any) error {
			n, err := parseInt(v, 1, 1024)
			c.ManifestEntries = int(n)
			return err
		},
		show: func(c *Config) string { return strconv.Itoa(c.ManifestEntries) }},
	{key: "show_includes_prefix", def: "", help: `the prefix of cl.exe's /showIncludes lines ("Note: including file:"), for a compiler whose prefix objcache cannot learn by probing`,
		set:  func(c *Config, v any) (err error) { c.ShowIncludesPrefix, err = parseString(v); return },
		show: func(c *Config) string { return c.ShowIncludesPrefix }},
	{key: "msvc_zi", def: "", help: `"z7" compiles cl.exe's /Zi calls (a PDB shared by a target's objects, never cached) as /Z7 and caches them: the debug information goes into each object, no compile PDB is written (/Fd and /FS are dropped), the linker's /DEBUG PDB is complete, static libraries get bigger; empty passes /Zi through (clang-cl's /Zi is /Z7 and always cached)`,
		set: func(c *Config, v any) (err error) {
			c.MSVCZi, err = parseString(v)
			if err == nil && c.MSVCZi != "" && c.MSVCZi != "z7" {
				err = fmt.Errorf("%q is not a value of msvc_zi: use \"z7\" or leave it empty", c.MSVCZi)
			}
			return
		},
		show: func(c *Config) string { return c.MSVCZi }},
	{key: "sloppiness", def: []any{}, help: `hazards to cache anyway, as ccache's sloppiness: "incbin" caches sources and headers whose assembler code reads other files (.incbin, and .include in assembler), which no dependency file names, so that editing those files is not noticed (in the environment separated by commas or spaces)`,
		set:  func(c *Config, v any) (err error) { c.Sloppiness, err = parseSloppiness(v); return },
		show: func(c *Config) string { return strings.Join(c.Sloppiness, ",") }},
	{key: "compiler", def: "", help: `the compiler of a call that names none, as MSBuild makes them with objcache as CLToolExe (objcache /c … @args.rsp): a name looked up in PATH or a path; empty means cl.exe in PATH (never objcache itself)`,
		set:  func(c *Config, v any) (err error) { c.Compiler, err = parseString(v); return },
		show: func(c *Config) string { return c.Compiler }},
	{key: "track_includes", def: false, help: `on a hit, open every file the compile read (the source and its include files) as the compile would, so that MSBuild's file tracker (TrackFileAccess) records them and incremental builds stay right`,
		set:  func(c *Config, v any) (err error) { c.TrackIncludes, err = parseBool(v); return },
		show: func(c *Config) string { return strconv.FormatBool(c.TrackIncludes) }},
}

var errDirInFile = fmt.Errorf("dir cannot be set in config.toml, which lives in the cache dir: set OBJCACHE_DIR")

func settingByKey(key string) (setting, bool) {
	for _, s := range settings {
		if s.key == key {
			return s, true
		}
	}
	return setting{}, false
}

func knownKeys() string {
	keys := make([]string, 0, len(settings))
	for _, s := range settings {
		keys = append(keys, s.key)
	}
	return strings.Join(keys, ", ")
}

// keysInFileOrder returns the keys of values sorted by where they appear in
// text, so that the first error reported is the first in the file.
func keysInFileOrder(text string, values map[string]any) []string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		li, lj := lineOf(text, keys[i]), lineOf(text, keys[j])
		if li != lj {
			return li < lj
		}
		return keys[i] < keys[j]
	})
	return keys
}

// lineOf returns the line (from 1) where key is assigned in text, or 0.
func lineOf(text, key string) int {
	re := regexp.MustCompile(`^\s*("?)` + regexp.QuoteMeta(key) + `("?)\s*=`)
	for i, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return i + 1
		}
	}
	return 0
}
