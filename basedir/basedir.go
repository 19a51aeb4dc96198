// Package basedir lets checkouts in different directories share cache
// entries (DESIGN.md §2). An absolute path under one of the configured base
// directories is rewritten relative to the working directory, in what is
// hashed and in the command the compiler runs (as ccache does), so the key
// and the object do not carry the checkout's location. Absolute paths that
// still reach the stored text (depfiles, /showIncludes lines, diagnostics)
// are stored in a location-free form and expanded for the working directory
// of the call that replays them.
package basedir

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// Mapper rewrites paths for one call: its base directories and working
// directory. The zero of *Mapper (nil) rewrites nothing.
type Mapper struct {
	dirs []string // absolute, cleaned, longest first
	cwd  []string // the working directory's components (split)
	// physical is the working directory with its symbolic links resolved,
	// or "" when it has none. The kernel resolves ".." from the physical
	// directory, so there a relative path may name another file than the
	// lexical one (see Rel).
	physical      string
	physicalParts []string // physical, split
	// fold is true where the file system compares names without case
	// (FoldsCase): there /CI/Proj and /ci/proj are one directory. Folding on
	// a file system that keeps case would rewrite a path into another
	// directory's, so it is decided by the file system, never by the
	// compiler family.
	fold bool
	// resolved are the base dirs that are reached through symbolic links,
	// with the links resolved (resolvedOnce): gcc names a system header by
	// its real path when that is shorter, and such a name is under no base
	// dir as written.
	resolvedOnce sync.Once
	resolved     []string
}

// New returns the Mapper for a call in cwd, or nil when dirs is empty.
// Relative entries of dirs are ignored (config refuses them). fold says
// whether the file system folds case (see FoldsCase). Either slash separates
// components only where the host's paths do (Windows).
func New(dirs []string, cwd string, fold bool) *Mapper {
	m := &Mapper{fold: fold}
	cwd = filepath.Clean(cwd)
	m.cwd = m.split(cwd)
	for _, d := range dirs {
		if !filepath.IsAbs(d) {
			continue
		}
		d = filepath.Clean(d)
		if !isRoot(d) {
			// A root ("/", "C:\") keeps its separator: trimmed, it would
			// be empty, or a drive letter, and match no path (ccache
			// accepts base_dir = /, though it advises against it).
			d = strings.TrimRight(d, `/\`)
		}
		m.dirs = append(m.dirs, d)
	}
	if len(m.dirs) == 0 {
		return nil
	}
	// Longest first: the most specific base dir wins.
	slices.SortStableFunc(m.dirs, func(a, b string) int { return len(b) - len(a) })
	if real, err := filepath.EvalSymlinks(cwd); err == nil && real != cwd {
		m.physical, m.physicalParts = real, m.split(real)
	}
	return m
}

// isRoot reports whether the clean absolute path p is a root: "/", or a
// volume's root ("C:\", "\\server\share\") on Windows.
func isRoot(p string) bool {
	return filepath.Dir(p) == p
}

// isAbsWindows reports whether p is a Windows absolute path (C:\ or C:/),
// whatever the host.
func isAbsWindows(p string) bool {
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

// isSep reports whether c separates path components on this host: '/'
// everywhere, and '\\' on Windows. On Linux a backslash is part of a file
// name, for clang-cl as for every other program.
func (m *Mapper) isSep(c byte) bool {
	return c == '/' || c == filepath.Separator
}

// FoldsCase reports whether the file system holding dir compares names
// without case (NTFS, and APFS as macOS formats it), by looking dir up with
// the case of its letters swapped and checking that it is the same
// directory. A dir without letters, or one that cannot be looked up, gives
// false: not folding costs at most a shared entry, while folding where the
// file system keeps case rewrites a path into another directory's.
func FoldsCase(dir string) bool {
	swapped := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsUpper(r):
			return unicode.ToLower(r)
		case unicode.IsLower(r):
			return unicode.ToUpper(r)
		}
		return r
	}, dir)
	if swapped == dir {
		return false
	}
	a, err := os.Stat(dir)
	if err != nil {
		return false
	}
	b, err := os.Stat(swapped)
	return err == nil && os.SameFile(a, b)
}

// under returns the length of the base dir that p starts with (as a whole
// component), or 0.
func (m *Mapper) under(p string) int {
	for _, d := range m.dirs {
		if len(p) < len(d) {
			continue
		}
		// A root ends with its separator: whatever follows is under it.
		if m.samePath(p[:len(d)], d) && (len(p) == len(d) || m.isSep(p[len(d)]) || m.isSep(d[len(d)-1])) {
			return len(d)
		}
	}
	return 0
}

// Place returns the working directory as the checkout knows it: its path
// relative to the base dir it is under, with forward slashes ("src/lib"),
// so that the same directory of two checkouts has one place. Outside every
// base dir (or for a nil Mapper) it is the directory as given.
func (m *Mapper) Place(cwd string) string {
	if m == nil {
		return cwd
	}
	cwd = filepath.Clean(cwd)
	n := m.under(cwd)
	if n == 0 {
		return cwd
	}
	rel := strings.TrimLeftFunc(cwd[n:], func(r rune) bool { return r == '/' || r == filepath.Separator })
	if m.fold {
		rel = strings.ToLower(rel)
	}
	return "base:" + filepath.ToSlash(rel)
}

// resolvedDirs returns the base dirs whose real path differs from their
// name, resolved (one EvalSymlinks each, on first use).
func (m *Mapper) resolvedDirs() []string {
	m.resolvedOnce.Do(func() {
		for _, d := range m.dirs {
			if r, err := filepath.EvalSymlinks(d); err == nil && r != d {
				m.resolved = append(m.resolved, r)
			}
		}
	})
	return m.resolved
}

// UnderResolved reports whether the absolute path p is under the real
// path of a base dir reached through a symbolic link: a file of a
// checkout, named by a path no base dir rewrites.
func (m *Mapper) UnderResolved(p string) bool {
	if m == nil {
		return false
	}
	for _, d := range m.resolvedDirs() {
		if len(p) >= len(d) && m.samePath(p[:len(d)], d) && (len(p) == len(d) || m.isSep(p[len(d)])) {
			return true
		}
	}
	return false
}

// MentionsResolved reports whether text names a path under the real path
// of a base dir reached through a symbolic link (UnderResolved), which
// Encode leaves as it is.
func (m *Mapper) MentionsResolved(text []byte) bool {
	if m == nil {
		return false
	}
	for _, d := range m.resolvedDirs() {
		if bytes.Contains(text, []byte(d)) {
			return true
		}
	}
	return false
}

// samePath compares two paths of equal length as the host's file system
// would: with either slash on Windows, without case where it folds.
func (m *Mapper) samePath(a, b string) bool {
	if a == b {
		return true
	}
	if filepath.Separator == '\\' {
		a, b = strings.ReplaceAll(a, `\`, "/"), strings.ReplaceAll(b, `\`, "/")
	}
	if m.fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// split returns the components of a path, without empty ones: a Unix
// root gives none, a Windows volume ("C:") is the first.
func (m *Mapper) split(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r < 128 && m.isSep(byte(r)) })
}

// equal compares two components.
func (m *Mapper) equal(a, b string) bool {
	if m.fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// Rel returns p relative to the working directory when p is absolute and
// under a base dir, and reports whether it did.
//
// p is normalised first, as the file system would resolve it: empty and
// "." components are dropped, and "dir/.." where dir is a real directory
// (not a link, whose ".." leads elsewhere), so that one directory written
// several ways gets one key.
//
// Where the working directory is reached through a symbolic link, p may be
// written from either side of it (a Makefile's $(CURDIR) is the physical
// directory, the shell's $PWD the apparent one): the shorter of the paths
// relative to the apparent and to the physical directory is taken, of
// those that name p's file, as ccache does. So both spellings get one key.
func (m *Mapper) Rel(p string) (string, bool) {
	if m == nil {
		return p, false
	}
	p = m.normalize(p)
	if m.under(p) == 0 {
		return p, false
	}
	rel, ok := m.relTo(m.cwd, p)
	if ok && !m.sameTarget(p, rel) {
		ok = false
	}
	if m.physical != "" {
		if prel, pok := m.relTo(m.physicalParts, p); pok && (!ok || len(prel) < len(rel)) && m.samePhysical(p, prel) {
			rel, ok = prel, true
		}
	}
	if !ok {
		return p, false
	}
	return rel, true
}

// relTo returns p relative to the directory whose components are dir, and
// false when they share no volume.
func (m *Mapper) relTo(dir []string, p string) (string, bool) {
	n, prefixLen := m.commonWith(dir, p)
	if n == 0 {
		return p, false // different volumes
	}
	parts := make([]string, 0, len(dir)-n+4)
	for range len(dir) - n {
		parts = append(parts, "..")
	}
	parts = append(parts, m.split(p[prefixLen:])...)
	if len(parts) == 0 {
		return ".", true
	}
	return strings.Join(parts, string(filepath.Separator)), true
}

// samePhysical reports whether rel, resolved from the physical working
// directory (where the kernel resolves it), names the file p names; paths
// that exist neither way count as the same.
func (m *Mapper) samePhysical(p, rel string) bool {
	a, errA := os.Stat(p)
	b, errB := os.Stat(filepath.Join(m.physical, rel))
	if errA != nil || errB != nil {
		return errA != nil && errB != nil
	}
	return os.SameFile(a, b)
}

// normalize returns the absolute path p without empty or "." components,
// and without "dir/.." where dir is a real directory; p as it is when it
// has none (one scan), or is not absolute.
func (m *Mapper) normalize(p string) string {
	if !filepath.IsAbs(p) || !m.needsNormalizing(p) {
		return p
	}
	vol := filepath.VolumeName(p)
	sep := string(filepath.Separator)
	var kept []string
	for _, c := range m.split(p[len(vol):]) {
		switch {
		case c == ".":
		case c == ".." && len(kept) > 0 && kept[len(kept)-1] != "..":
			if fi, err := os.Lstat(vol + sep + strings.Join(kept, sep)); err == nil && fi.IsDir() {
				kept = kept[:len(kept)-1]
				continue
			}
			kept = append(kept, c)
		default:
			kept = append(kept, c)
		}
	}
	return vol + sep + strings.Join(kept, sep)
}

// needsNormalizing reports whether p has an empty, "." or ".." component,
// or ends with a separator.
func (m *Mapper) needsNormalizing(p string) bool {
	for i := 0; i < len(p); i++ {
		if !m.isSep(p[i]) {
			continue
		}
		rest := p[i+1:]
		switch {
		case rest == "", m.isSep(rest[0]):
			return i > 0 || rest != ""
		case rest[0] == '.' && (len(rest) == 1 || m.isSep(rest[1])):
			return true
		case strings.HasPrefix(rest, "..") && (len(rest) == 2 || m.isSep(rest[2])):
			return true
		}
	}
	return false
}

// sameTarget reports whether rel, relative to the apparent working
// directory but resolved by the kernel from the physical one, names the
// file that p names. Where the working directory has no symbolic links,
// ".." is lexical and it always does. Where it has (a build directory that
// is a link elsewhere), "../src" leaves from the link's target, and the
// compiler would open another file, or none: then that path is not used.
func (m *Mapper) sameTarget(p, rel string) bool {
	if m.physical == "" {
		return true
	}
	return m.samePhysical(p, rel)
}

// common returns how many leading components the absolute path p shares
// with the working directory, and how many bytes of p they take.
func (m *Mapper) common(p string) (n, prefixLen int) { return m.commonWith(m.cwd, p) }

// commonWith returns how many leading components the absolute path p
// shares with the directory whose components are dir, and how many bytes
// of p they take.
func (m *Mapper) commonWith(dir []string, p string) (n, prefixLen int) {
	pos := 0
	for n < len(dir) {
		seps := 0
		for pos < len(p) && m.isSep(p[pos]) {
			pos++
			seps++
		}
		if seps > 1 && n > 0 {
			// "a//b": the text after the shared part keeps every byte as
			// written (a compiler names files through "//" as given),
			// so the run of separators stays in it (break-it round 14).
			break
		}
		start := pos
		for pos < len(p) && !m.isSep(p[pos]) {
			pos++
		}
		if start == pos || !m.equal(p[start:pos], dir[n]) {
			break
		}
		prefixLen = pos
		n++
	}
	return n, prefixLen
}

// marker starts the location-free form of an absolute path in stored text:
// marker, the number of levels up from the working directory, NUL, then the
// rest of the path as it was written. No compiler writes NUL in a depfile or
// a diagnostic.
const marker = "\x00OBJCACHE_UP_"

// delimiter reports whether c ends a path in text: diagnostics write
// "file:line:", "file(line):", quotes; depfiles separate with spaces.
func delimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', ':', '(', ')', ',', ';', '<', '>', '|', '=', 0:
		return true
	}
	return false
}

// afterEscape reports whether text ends with a terminal escape sequence
// (ESC [ digits-and-; m or K): coloured diagnostics put one just before a
// path.
func afterEscape(text []byte) bool {
	n := len(text)
	if n < 3 || (text[n-1] != 'm' && text[n-1] != 'K') {
		return false
	}
	j := n - 2
	for j >= 0 && (text[j] >= '0' && text[j] <= '9' || text[j] == ';') {
		j--
	}
	return j >= 1 && text[j] == '[' && text[j-1] == 0x1b
}

// Encode returns text with each absolute path under a base dir rewritten to
// the location-free form: the part it shares with the working directory
// becomes "that many levels up from the working directory". Text without
// such a path is returned as it is.
func (m *Mapper) Encode(text []byte) []byte {
	if m == nil {
		return text
	}
	var out []byte
	last := 0
	for i := 0; i < len(text); i++ {
		if i > 0 && !delimiter(text[i-1]) && !afterEscape(text[:i]) {
			continue
		}
		// A Windows drive letter's colon is part of the path, not a
		// delimiter: "C:\ci\…" starts at the letter.
		n := m.under(string(text[i:min(len(text), i+maxDirLen(m))]))
		if n == 0 {
			continue
		}
		end := i + n
		for end < len(text) && !delimiter(text[end]) {
			end++
		}
		prefixLen, up, ok := m.shared(string(text[i:end]))
		if !ok {
			continue
		}
		out = append(out, text[last:i]...)
		out = append(out, marker...)
		out = strconv.AppendInt(out, int64(up), 10)
		out = append(out, 0)
		last = i + prefixLen
		i = end - 1
	}
	if out == nil {
		return text
	}
	return append(out, text[last:]...)
}

// maxDirLen returns the length of m's longest base dir, plus one for the
// separator after it.
func maxDirLen(m *Mapper) int { return len(m.dirs[0]) + 1 }

// shared returns how many bytes of the absolute path p its common ancestor
// with the working directory takes, and how many levels up from the working
// directory that ancestor is. ok is false when they share only the root.
func (m *Mapper) shared(p string) (prefixLen, up int, ok bool) {
	n, prefixLen := m.common(p)
	// Sharing only the root (or only the volume, "C:") says nothing about
	// the checkout: leave such a path alone.
	minShared := 1
	if isAbsWindows(p) {
		minShared = 2
	}
	if n < minShared {
		return 0, 0, false
	}
	return prefixLen, len(m.cwd) - n, true
}

// Decode expands the location-free paths in text for the working
// directory cwd. It is applied to every replayed text, whatever the
// configuration, since an entry stored with base dirs can be found by a call
// without them. Text without a marker is returned as it is.
func Decode(text []byte, cwd string) []byte {
	if bytes.IndexByte(text, 0) < 0 {
		return text
	}
	var out []byte
	for {
		i := bytes.Index(text, []byte(marker))
		if i < 0 {
			break
		}
		rest := text[i+len(marker):]
		j := bytes.IndexByte(rest, 0)
		up, err := strconv.Atoi(string(rest[:max(j, 0)]))
		if j < 0 || err != nil || up < 0 {
			break // not ours: leave the rest as it is
		}
		out = append(out, text[:i]...)
		out = append(out, ancestor(cwd, up)...)
		text = rest[j+1:]
	}
	if out == nil {
		return text
	}
	return append(out, text...)
}

// ancestor returns the directory up levels above dir.
func ancestor(dir string, up int) string {
	dir = filepath.Clean(dir)
	for range up {
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return strings.TrimRight(dir, `/\`)
}
