package config

import (
	"fmt"
	"github.com/objcache/objcache/remote"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Values come from config.toml (string, int64, bool, []any) or from the
// environment (always a string); each parser takes both.

func parseString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%v is not a string (quote it)", v)
	}
	return s, nil
}

// parseDirList takes a TOML array of absolute directories, or a string of
// them separated by the OS path list separator (":" on Unix, ";" on
// Windows), as PATH is. Empty entries are skipped.
func parseDirList(v any) ([]string, error) {
	items, err := parseList(v, filepath.SplitList, "a directory name", "directories")
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, d := range items {
		if !filepath.IsAbs(d) {
			return nil, fmt.Errorf("%q is not an absolute directory", d)
		}
		dirs = append(dirs, filepath.Clean(d))
	}
	return dirs, nil
}

// parseList takes a TOML array of strings, or one string that split cuts
// into items (the environment's form), and returns the items trimmed, empty
// ones left out. one and many name an item and the list in errors.
func parseList(v any, split func(string) []string, one, many string) ([]string, error) {
	var raw []string
	switch v := v.(type) {
	case string:
		raw = split(v)
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%v is not %s (quote it)", e, one)
			}
			raw = append(raw, s)
		}
	default:
		return nil, fmt.Errorf("%v is not a list of %s", v, many)
	}
	var items []string
	for _, item := range raw {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items, nil
}

// SloppyIncbin is the sloppiness value that caches calls whose assembler
// reads files that no dependency file names (.incbin, .include).
const SloppyIncbin = "incbin"

// sloppyValues are the sloppiness values objcache knows.
var sloppyValues = []string{SloppyIncbin}

// parseSloppiness takes a TOML array of sloppiness values, or a string of
// them separated by commas or spaces (as CCACHE_SLOPPINESS is). A value
// objcache does not know is an error rather than ignored: a ccache user
// relying on it would otherwise get a cache that behaves unlike ccache's.
func parseSloppiness(v any) ([]string, error) {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	}
	items, err := parseList(v, split, "a sloppiness value", "sloppiness values")
	if err != nil {
		return nil, err
	}
	for _, item := range items {
		known := false
		for _, k := range sloppyValues {
			known = known || item == k
		}
		if !known {
			return nil, fmt.Errorf("%q is not a sloppiness objcache knows (known: %s)", item, strings.Join(sloppyValues, ", "))
		}
	}
	return items, nil
}

// parseRemotes takes a TOML array of remote specs, or a string of them
// separated by spaces (as in OBJCACHE_REMOTE_STORAGE).
func parseRemotes(v any) ([]remote.Spec, error) {
	items, err := parseList(v, strings.Fields, "a URL", "URLs")
	if err != nil {
		return nil, err
	}
	var specs []remote.Spec
	for _, item := range items {
		s, err := remote.ParseSpec(item)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	return specs, nil
}

// showRemotes lists the remotes, passwords left out.
func showRemotes(specs []remote.Spec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.String()
		if s.ReadOnly {
			names[i] += "|read-only"
		}
	}
	return strings.Join(names, " ")
}

func parseBool(v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "yes", "on":
			return true, nil
		case "0", "false", "no", "off":
			return false, nil
		}
	}
	return false, fmt.Errorf("%q is not a boolean like true or false", fmt.Sprint(v))
}

func parseInt(v any, min, max int64) (int64, error) {
	var n int64
	switch v := v.(type) {
	case int64:
		n = v
	case string:
		var err error
		if n, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			return 0, fmt.Errorf("%q is not a whole number", v)
		}
	default:
		return 0, fmt.Errorf("%v is not a whole number", v)
	}
	if n < min || n > max {
		return 0, fmt.Errorf("%d is not between %d and %d", n, min, max)
	}
	return n, nil
}

// ParseSize reads a size as the configuration writes it: "10G", "500M",
// "1.5G", "64K" or a number of bytes. The commands' --max-size flags use it.
func ParseSize(s string) (int64, error) { return parseSize(s) }

// ParseDuration reads a duration as the configuration writes it: a Go
// duration ("90s", "1h30m"), a whole number of seconds, or of days ("7d").
// The commands' --older-than flags use it.
func ParseDuration(s string) (time.Duration, error) { return parseDuration(s) }

// parseDuration takes a Go duration ("10s", "1h30m"), a whole number of
// seconds, or a whole number of days ("7d").
func parseDuration(v any) (time.Duration, error) {
	if n, ok := v.(int64); ok && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	s, ok := v.(string)
	if ok {
		s = strings.TrimSpace(s)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, nil
		}
		if days, found := strings.CutSuffix(s, "d"); found {
			if n, err := strconv.ParseInt(days, 10, 64); err == nil && n >= 0 && n < 1<<20 {
				return time.Duration(n) * 24 * time.Hour, nil
			}
		}
		if d, err := time.ParseDuration(s); err == nil && d >= 0 {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%q is not a duration like 10s, 1h or 7d", fmt.Sprint(v))
}

// sizeUnits are the size suffixes, powers of 1024.
var sizeUnits = []struct {
	suffix string
	factor float64
}{{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"", 1}}

// parseSize takes "10G", "500M", "1.5G", "64K", "1024" (bytes); a trailing
// "B" or "iB" is allowed. Sizes must be more than zero.
func parseSize(v any) (int64, error) {
	if n, ok := v.(int64); ok {
		if n <= 0 {
			return 0, fmt.Errorf("%d is not a size more than zero", n)
		}
		return n, nil
	}
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%v is not a size like 10G or 500M", v)
	}
	text := strings.ToUpper(strings.TrimSpace(s))
	text = strings.TrimSuffix(strings.TrimSuffix(text, "B"), "I")
	for _, u := range sizeUnits {
		num, found := strings.CutSuffix(text, u.suffix)
		if !found {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || f*u.factor < 1 || math.IsInf(f, 0) || f*u.factor > math.MaxInt64/2 {
			// Less than a byte ("0.1") would be read as no limit at all.
			break
		}
		return int64(f * u.factor), nil
	}
	return 0, fmt.Errorf("%q is not a size like 10G or 500M", s)
}

// formatSize writes n with the largest unit that divides it exactly.
func formatSize(n int64) string {
	for _, u := range sizeUnits {
		if f := int64(u.factor); f > 1 && n%f == 0 {
			return strconv.FormatInt(n/f, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// parseUmask takes an octal string ("022", "0o022"); empty means unset.
func parseUmask(v any) (*uint32, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%v is not an octal umask in quotes, like \"022\"", v)
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), "0o")
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || n > 0o777 {
		return nil, fmt.Errorf("%q is not an octal umask like \"022\"", v)
	}
	m := uint32(n)
	return &m, nil
}

func formatUmask(m *uint32) string {
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%03o", *m)
}
