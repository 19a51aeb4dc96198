package config

import (
	"fmt"
	"strings"
)

// exampleHeader opens config.toml.example.
const exampleHeader = `# objcache configuration. Copy this file to <cache dir>/config.toml (objcache
# config prints the cache dir) and uncomment what you change. Environment
# variables OBJCACHE_<KEY> in upper case override this file; objcache config
# shows each effective value and where it came from.
`

// Example returns the text of config.toml.example: every key, commented
// out with its default and a line saying what it does. A test keeps the file
// in the repository equal to it.
func Example() string {
	var b strings.Builder
	b.WriteString(exampleHeader)
	for _, s := range settings {
		if s.key == "dir" {
			fmt.Fprintf(&b, "\n# %s.\n# (dir cannot be set here: this file lives in it.)\n", s.help)
			continue
		}
		env := strings.Join(s.envNames(), " or ")
		fmt.Fprintf(&b, "\n# %s. Environment: %s.\n# %s = %s\n", s.help, env, s.key, tomlValue(s.def))
	}
	return b.String()
}

func tomlValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case []any:
		return "[]"
	default:
		return fmt.Sprint(v)
	}
}
