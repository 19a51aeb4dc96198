package cache

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Counter files (stats shards and section counters) are text, one counter a
// line, "name value\n", sorted by name, zero values left out, and possibly
// followed by empty lines (see rewriteCounters). They are small and read
// whole.

// formatCounters returns c in the counter file format.
func formatCounters(c Counters) []byte {
	names := make([]string, 0, len(c))
	for name, v := range c {
		if v != 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b []byte
	for _, name := range names {
		b = append(b, name...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, c[name], 10)
		b = append(b, '\n')
	}
	return b
}

// parseCounters reads the counter file format. It fails on any line that is
// not a name, one space and a decimal integer, so that a damaged file is
// noticed as a whole rather than half believed.
func parseCounters(data []byte) (Counters, error) {
	c := Counters{}
	for len(data) > 0 {
		line, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			return nil, errors.New("last line not terminated")
		}
		data = rest
		if len(line) == 0 {
			continue // padding left by rewriteCounters
		}
		name, value, ok := bytes.Cut(line, []byte(" "))
		if !ok || !validCounterName(string(name)) {
			return nil, fmt.Errorf("bad line %q", line)
		}
		n, err := strconv.ParseInt(string(value), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad line %q", line)
		}
		c[string(name)] += n
	}
	return c, nil
}

// validCounterName reports whether name can be written in a counter file.
func validCounterName(name string) bool {
	return name != "" && !strings.ContainsAny(name, " \t\r\n")
}

// readCounters reads the counter file at path. A missing file has no
// counters, and so has a damaged one: counters are statistics, a damaged
// file is replaced at the next update, and `objcache clean` recounts
// sections. Only a failure to read is an error.
func readCounters(path string) (Counters, error) {
	f, err := openCounters(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotCounterFile) {
		return Counters{}, nil // something else in its place is damage too
	}
	if err != nil {
		return nil, fmt.Errorf("read counters: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read counters: %w", err)
	}
	c, err := parseCounters(data)
	if err != nil {
		return Counters{}, nil
	}
	return c, nil
}

// Names of a section's counters.
const (
	counterBytes = "bytes"
	counterFiles = "files"
)

// readUsage reads the counter file of sec. The caller holds sec's lock,
// shared or exclusive.
func readUsage(sec section) (SectionUsage, error) {
	c, err := readCounters(sec.countersPath())
	if err != nil {
		return SectionUsage{}, err
	}
	return SectionUsage{Bytes: c[counterBytes], Files: c[counterFiles]}, nil
}

// addUsage adds bytes and files (either may be negative) to the counters of
// sec, and the change to the ledger. The caller holds sec's exclusive lock.
// A count that would go below zero (after a counter file was lost or
// damaged) stops at zero: clean recounts it.
func (s *Store) addUsage(sec section, bytes, files int64) error {
	u, err := readUsage(sec)
	if err != nil {
		return fmt.Errorf("update counters of %s: %w", sec.dir, err)
	}
	return s.setUsage(sec, u, SectionUsage{Bytes: max(0, u.Bytes+bytes), Files: max(0, u.Files+files)})
}

// setUsage replaces the counters of sec, which said before, with after, and
// adds the difference to the ledger, so that the ledger stays the sum of
// the section counters. The caller holds sec's exclusive lock.
func (s *Store) setUsage(sec section, before, after SectionUsage) error {
	err := s.rewriteCounters(sec.countersPath(), func(c Counters) {
		clear(c)
		c[counterBytes], c[counterFiles] = after.Bytes, after.Files
	})
	if err != nil {
		return fmt.Errorf("update counters of %s: %w", sec.dir, err)
	}
	s.addToLedger(after.Bytes-before.Bytes, after.Files-before.Files)
	return nil
}

// rewriteCounters reads the counter file at path (a missing or damaged one
// as empty), lets change edit the counters, and writes them back in place.
// The caller holds the exclusive lock that guards path.
//
// Counter files are the one exception to publishing by rename (DESIGN.md §4
// rule 1). Every hit and every miss rewrites one, and the staged copy's
// create, chmod and rename were a quarter of a hit's time. Writing in place
// is safe because every reader and writer of a counter file holds its lock,
// so nobody sees the write half done, and a write of a few hundred bytes at
// offset 0, within one page, is not torn by a killed process. A counter file
// damaged otherwise (a crash of the machine) reads as empty; verify reports
// and clean recounts the sections' files. The file never shrinks: a shorter
// content is padded with newlines, so no truncate can be left half done.
func (s *Store) rewriteCounters(path string, change func(Counters)) error {
	f, err := openCounters(path, os.O_RDWR|os.O_CREATE, s.fileMode())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := s.mkdirAll(filepath.Dir(path)); err != nil {
			return err
		}
		f, err = openCounters(path, os.O_RDWR|os.O_CREATE, s.fileMode())
	case errors.Is(err, errNotCounterFile):
		// Something else in the counter file's place (a directory, a
		// FIFO, a link) would stop every update of it, and with the
		// ledger every trim: it is damage in objcache's own directory,
		// replaced as a damaged file's content is (a link, not what it
		// points to).
		if err := os.RemoveAll(path); err != nil {
			return fmt.Errorf("replace %s, which is not a file: %w", path, err)
		}
		f, err = openCounters(path, os.O_RDWR|os.O_CREATE, s.fileMode())
	}
	if err != nil {
		return err
	}
	defer f.Close()
	old, err := io.ReadAll(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	c, err := parseCounters(old)
	if err != nil {
		c = Counters{}
	}
	change(c)
	data := formatCounters(c)
	if pad := len(old) - len(data); pad > 0 {
		data = append(data, bytes.Repeat([]byte{'\n'}, pad)...)
	}
	if len(old) == 0 {
		// New, as far as anyone can tell: give it the store's mode, which
		// the process umask may have narrowed.
		if err := setFileMode(f, s.fileMode()); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// errNotCounterFile means a counter file's path holds something other than
// a regular file.
var errNotCounterFile = errors.New("not a regular file")

// openCounters opens the counter file at path, never through a link or
// into a FIFO, device or directory (errNotCounterFile): one fstat beside
// the open, on every counter update.
func openCounters(path string, flag int, mode fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|counterOpenFlags, mode)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: %w", path, errNotCounterFile)
		}
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, errNotCounterFile)
	}
	return f, nil
}
