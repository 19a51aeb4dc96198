package config

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite config.toml.example from the settings table")

// env returns a getenv over a map, never the real environment.
func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func load(t *testing.T, file string, vars map[string]string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	if file != "" {
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(file), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	all := map[string]string{"OBJCACHE_DIR": dir}
	for k, v := range vars {
		all[k] = v
	}
	return Load(env(all))
}

func TestDefaults(t *testing.T) {
	c, err := load(t, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxSize != 5<<30 || c.LockTimeout != 10*time.Second || c.CompressionLevel != 1 || !c.DirectMode ||
		!c.HashDir || c.ManifestEntries != 32 || c.CompilerCheck != "content" || c.Umask != nil || c.LRURefresh != time.Hour {
		t.Errorf("defaults: %+v", c)
	}
	for _, s := range c.Settings() {
		if s.Key != "dir" && s.Source != "default" {
			t.Errorf("%s comes from %s, want default", s.Key, s.Source)
		}
	}
}

func TestLayers(t *testing.T) {
	c, err := load(t, "max_size = \"1G\"\nlock_timeout = \"3s\"\n",
		map[string]string{"OBJCACHE_LOCK_TIMEOUT": "7", "OBJCACHE_LOGFILE": "/tmp/x.log", "OBJCACHE_DISABLE": ""})
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxSize != 1<<30 || c.Sources["max_size"] != filepath.Join(c.Dir, FileName) {
		t.Errorf("max_size %d from %s, want 1G from the file", c.MaxSize, c.Sources["max_size"])
	}
	if c.LockTimeout != 7*time.Second || c.Sources["lock_timeout"] != "OBJCACHE_LOCK_TIMEOUT" {
		t.Errorf("lock_timeout %v from %s, want 7s from the environment", c.LockTimeout, c.Sources["lock_timeout"])
	}
	if c.LogFile != "/tmp/x.log" || c.Sources["log_file"] != "OBJCACHE_LOGFILE" {
		t.Errorf("log_file %q from %s", c.LogFile, c.Sources["log_file"])
	}
	if c.Disable || c.Sources["disable"] != "default" {
		t.Errorf("an empty OBJCACHE_DISABLE counted as set")
	}
}

func TestParsers(t *testing.T) {
	tests := []struct {
		vars  map[string]string
		check func(*Config) bool
	}{
		{map[string]string{"OBJCACHE_MAX_SIZE": "500M"}, func(c *Config) bool { return c.MaxSize == 500<<20 }},
		{map[string]string{"OBJCACHE_MAX_SIZE": "1.5GiB"}, func(c *Config) bool { return c.MaxSize == 3<<29 }},
		{map[string]string{"OBJCACHE_MAX_SIZE": "64k"}, func(c *Config) bool { return c.MaxSize == 64<<10 }},
		{map[string]string{"OBJCACHE_MAX_SIZE": "1024"}, func(c *Config) bool { return c.MaxSize == 1024 }},
		{map[string]string{"OBJCACHE_LOCK_TIMEOUT": "1m30s"}, func(c *Config) bool { return c.LockTimeout == 90*time.Second }},
		{map[string]string{"OBJCACHE_DIRECT_MODE": "off"}, func(c *Config) bool { return !c.DirectMode }},
		{map[string]string{"OBJCACHE_READONLY": "Yes"}, func(c *Config) bool { return c.ReadOnly }},
		{map[string]string{"OBJCACHE_UMASK": "002"}, func(c *Config) bool { return c.Umask != nil && *c.Umask == 0o002 }},
		{map[string]string{"OBJCACHE_UMASK": "0o027"}, func(c *Config) bool { return c.Umask != nil && *c.Umask == 0o027 }},
		{map[string]string{"OBJCACHE_COMPILER_CHECK": "string:gcc 12"}, func(c *Config) bool { return c.CompilerCheck == "string:gcc 12" }},
		{map[string]string{"OBJCACHE_COMPRESSION_LEVEL": "0"}, func(c *Config) bool { return c.CompressionLevel == 0 }},
	}
	for _, tt := range tests {
		c, err := load(t, "", tt.vars)
		if err != nil || !tt.check(c) {
			t.Errorf("%v: %+v, %v", tt.vars, c, err)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		file string
		vars map[string]string
		want string // a regexp the one-line error must match
	}{
		{"max_size = \"5G\"\nmax_sise = \"1G\"\n", nil, `config\.toml:2: unknown key "max_sise" \(known keys: dir, max_size, .*config\.toml\.example\)$`},
		{"\n\nmax_size = \"10Q\"\n", nil, `config\.toml:3: max_size: "10Q" is not a size like 10G or 500M$`},
		{"dir = \"/x\"\n", nil, `config\.toml:1: dir cannot be set in config\.toml.*OBJCACHE_DIR$`},
		{"max_size = \n", nil, `config\.toml:1: .*config\.toml\.example\)$`},
		{"lock_timeout = \"0s\"\n", nil, `config\.toml:1: lock_timeout: "0s" must be more than zero$`},
		{"compression_level = 25\n", nil, `config\.toml:1: compression_level: 25 is not between 0 and 19$`},
		{"direct_mode = \"maybe\"\n", nil, `direct_mode: "maybe" is not a boolean`},
		{"", map[string]string{"OBJCACHE_LOCK_TIMEOUT": "abc"}, `^OBJCACHE_LOCK_TIMEOUT: "abc" is not a duration like 10s, 1h or 7d$`},
		{"", map[string]string{"OBJCACHE_COMPILER_TYPE": "icc"}, `^OBJCACHE_COMPILER_TYPE: "icc" is not gcc, clang, msvc or clang-cl$`},
		{"", map[string]string{"OBJCACHE_UMASK": "999"}, `^OBJCACHE_UMASK: "999" is not an octal umask`},
		{"base_dirs = [\"src\"]\n", nil, `config\.toml:1: base_dirs: "src" is not an absolute directory$`},
		{"base_dirs = [1]\n", nil, `config\.toml:1: base_dirs: 1 is not a directory name`},
		{"", map[string]string{"OBJCACHE_BASEDIR": "relative/dir"}, `^OBJCACHE_BASEDIR: "relative/dir" is not an absolute directory$`},
	}
	for _, tt := range tests {
		_, err := load(t, tt.file, tt.vars)
		if err == nil {
			t.Errorf("%q %v: no error", tt.file, tt.vars)
			continue
		}
		if strings.Contains(err.Error(), "\n") || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
			t.Errorf("%q %v: error %q, want one line matching %s", tt.file, tt.vars, err, tt.want)
		}
	}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, FileName), 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := Load(env(map[string]string{"OBJCACHE_DIR": dir}))
	if err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("err = %v, want cannot read", err)
	}
}

// TestExampleFile keeps config.toml.example equal to the settings table and
// checks that, uncommented, it is valid and loads to the defaults.
func TestExampleFile(t *testing.T) {
	path := filepath.Join("..", "config.toml.example")
	if *update {
		if err := os.WriteFile(path, []byte(Example()), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != Example() {
		t.Fatalf("config.toml.example is stale: run go test ./config -run TestExampleFile -update")
	}
	uncommented := regexp.MustCompile(`(?m)^# ([a-z_]+ = )`).ReplaceAllString(string(data), "$1")
	c, err := load(t, uncommented, nil)
	if err != nil {
		t.Fatalf("the uncommented example does not load: %v", err)
	}
	for _, s := range settings {
		n := strings.Count(uncommented, "\n"+s.key+" = ")
		if s.key != "dir" && n != 1 {
			t.Errorf("%s appears %d times in the example", s.key, n)
		}
	}
	d, _ := load(t, "", nil)
	c.Sources, d.Sources, c.Dir, d.Dir = nil, nil, "", ""
	if !reflect.DeepEqual(c, d) {
		t.Errorf("the example's values differ from the defaults:\n%+v\n%+v", c, d)
	}
}

func TestBaseDirs(t *testing.T) {
	if filepath.Separator != '/' {
		t.Skip("Unix paths")
	}
	tests := []struct {
		file string
		vars map[string]string
		want []string
	}{
		{"", nil, nil},
		{"base_dirs = [\"/ci/a\", \"/ci/b/\"]\n", nil, []string{"/ci/a", "/ci/b"}},
		{"", map[string]string{"OBJCACHE_BASEDIR": "/ci/a::/ci/b"}, []string{"/ci/a", "/ci/b"}},
		{"base_dirs = [\"/x\"]\n", map[string]string{"OBJCACHE_BASE_DIRS": "/ci"}, []string{"/ci"}},
	}
	for _, tt := range tests {
		c, err := load(t, tt.file, tt.vars)
		if err != nil {
			t.Errorf("%q %v: %v", tt.file, tt.vars, err)
			continue
		}
		if !slices.Equal(c.BaseDirs, tt.want) {
			t.Errorf("%q %v: BaseDirs = %q, want %q", tt.file, tt.vars, c.BaseDirs, tt.want)
		}
	}
}

func TestSloppiness(t *testing.T) {
	tests := []struct {
		file    string
		vars    map[string]string
		want    []string
		wantErr string
	}{
		{"", nil, nil, ""},
		{"sloppiness = [\"incbin\"]\n", nil, []string{"incbin"}, ""},
		{"", map[string]string{"OBJCACHE_SLOPPINESS": "incbin"}, []string{"incbin"}, ""},
		{"", map[string]string{"OBJCACHE_SLOPPINESS": " incbin, "}, []string{"incbin"}, ""},
		{"sloppiness = [\"incbin\"]\n", map[string]string{"OBJCACHE_SLOPPINESS": ","}, nil, ""},
		{"sloppiness = [\"time_macros\"]\n", nil, nil, `config\.toml:1: sloppiness: "time_macros" is not a sloppiness objcache knows \(known: incbin\)$`},
		{"", map[string]string{"OBJCACHE_SLOPPINESS": "incbin,pch_defines"}, nil, `^OBJCACHE_SLOPPINESS: "pch_defines" is not a sloppiness`},
		{"sloppiness = \"incbin\"\n", nil, []string{"incbin"}, ""},
		{"sloppiness = [1]\n", nil, nil, `sloppiness: 1 is not a sloppiness value`},
	}
	for _, tt := range tests {
		c, err := load(t, tt.file, tt.vars)
		if tt.wantErr != "" {
			if err == nil || !regexp.MustCompile(tt.wantErr).MatchString(err.Error()) {
				t.Errorf("%q %v: err = %v, want %s", tt.file, tt.vars, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q %v: %v", tt.file, tt.vars, err)
			continue
		}
		if !slices.Equal(c.Sloppiness, tt.want) {
			t.Errorf("%q %v: Sloppiness = %q, want %q", tt.file, tt.vars, c.Sloppiness, tt.want)
		}
		if got := c.Sloppy(SloppyIncbin); got != (len(tt.want) > 0) {
			t.Errorf("%q %v: Sloppy(incbin) = %v", tt.file, tt.vars, got)
		}
	}
}
