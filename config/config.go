// Package config resolves objcache's settings: built-in defaults, then
// <cache dir>/config.toml, then OBJCACHE_* environment variables, each layer
// overriding the one before. Every setting remembers where its value came
// from, for `objcache config`.
package config

import (
	"errors"
	"fmt"
	"github.com/objcache/objcache/remote"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the effective configuration of one invocation.
type Config struct {
	Dir                string        // cache directory (OBJCACHE_DIR only; default os.UserCacheDir()/objcache)
	MaxSize            int64         // bytes; "5G" style in files and env; default 5G
	MaxFiles           int64         // 0 = no limit
	LockTimeout        time.Duration // default 10s
	CompressionLevel   int           // zstd level, 0 = store uncompressed; default 1
	CompilerCheck      string        // "content" (default) | "mtime" | "none" | "string:<text>"
	CompilerType       string        // "" (guess from name) | "gcc" | "clang" | "msvc" | "clang-cl"
	DirectMode         bool          // default true
	LogFile            string        // "" = no log
	Disable            bool          // pure pass-through
	ReadOnly           bool          // use hits, store nothing
	Umask              *uint32       // applied to cache files; nil = process umask
	BaseDirs           []string      // absolute; paths under them are made relative to the working directory
	RemoteStorage      []remote.Spec // second-level caches shared over the network
	HashDir            bool          // default true
	LRURefresh         time.Duration // default 1h
	ManifestEntries    int           // cap of entries per manifest; default 32
	ShowIncludesPrefix string        // the cl.exe /showIncludes prefix; "" = learn it by probing
	MSVCZi             string        // "z7": compile cl's /Zi as /Z7 and cache it; "" = pass /Zi through
	Sloppiness         []string      // hazards the user vouches for (SloppyIncbin); default none
	Compiler           string        // the compiler of a call that names none (MSBuild's CLToolExe); "" = cl.exe in PATH
	TrackIncludes      bool          // a hit opens the files the compile read, for MSBuild's file tracker

	// Sources maps each key (as written in config.toml) to where its value
	// came from: "default", the config file's path, or the environment
	// variable's name.
	Sources map[string]string
}

// FileName is the name of the configuration file in the cache directory.
const FileName = "config.toml"

// Load resolves the configuration. getenv looks up environment variables
// (os.LookupEnv in main; a map in tests). A malformed config.toml, an unknown
// key or a bad value is an error naming the file (or variable), the line and
// the key, with a hint at the fix.
func Load(getenv func(string) (string, bool)) (*Config, error) {
	c := &Config{Sources: map[string]string{}}
	for _, s := range settings {
		if err := s.set(c, s.def); err != nil {
			panic(fmt.Sprintf("config: default of %s: %v", s.key, err)) // a bug in the table
		}
		c.Sources[s.key] = "default"
	}
	if dir, ok := getenv("OBJCACHE_DIR"); ok && dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("OBJCACHE_DIR: %w", err)
		}
		c.Dir, c.Sources["dir"] = abs, "OBJCACHE_DIR"
	} else {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, errors.New("cannot find a cache directory: set OBJCACHE_DIR")
		}
		c.Dir = filepath.Join(base, "objcache")
	}
	if err := c.loadFile(filepath.Join(c.Dir, FileName)); err != nil {
		return nil, err
	}
	for _, s := range settings[1:] { // settings[0] is dir, read above
		for _, name := range s.envNames() {
			v, ok := getenv(name)
			if !ok || (v == "" && s.key != "log_file") {
				continue
			}
			if err := s.set(c, v); err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			c.Sources[s.key] = name
			break
		}
	}
	return c, nil
}

// loadFile applies config.toml, if there is one.
func (c *Config) loadFile(path string) error {
	text, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read %s: %w (fix its permissions or remove it)", path, err)
	}
	var values map[string]any
	if _, err := toml.Decode(string(text), &values); err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return fmt.Errorf("%s:%d: %s (see config.toml.example)", path, perr.Position.Line, firstLine(perr.Message))
		}
		return fmt.Errorf("%s: %v", path, err)
	}
	for _, key := range keysInFileOrder(string(text), values) {
		line := lineOf(string(text), key)
		s, ok := settingByKey(key)
		switch {
		case !ok:
			return fmt.Errorf("%s:%d: unknown key %q (known keys: %s; see config.toml.example)", path, line, key, knownKeys())
		case key == "dir":
			return fmt.Errorf("%s:%d: dir cannot be set in config.toml, which lives in the cache dir: set OBJCACHE_DIR", path, line)
		}
		if err := s.set(c, values[key]); err != nil {
			return fmt.Errorf("%s:%d: %s: %v", path, line, key, err)
		}
		c.Sources[key] = path
	}
	return nil
}

// Setting is one line of `objcache config`.
type Setting struct {
	Key, Value, Source string
}

// Settings lists every setting with its effective value and source, in the
// order of config.toml.example.
func (c *Config) Settings() []Setting {
	out := make([]Setting, 0, len(settings))
	for _, s := range settings {
		out = append(out, Setting{Key: s.key, Value: s.show(c), Source: c.Sources[s.key]})
	}
	return out
}

// Sloppy reports whether the sloppiness setting names s (one of the
// Sloppy* values).
func (c *Config) Sloppy(s string) bool {
	for _, v := range c.Sloppiness {
		if v == s {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
