package launcher

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
)

// fileState is what the launcher learns about one input file: its content
// hash, what a scan of its text found (the time macros, assembler
// directives that read files, and for a source the directives that may
// load a precompiled header), and its times, read from the open file after
// its content so that a change during the read shows.
type fileState struct {
	size      int64
	hash      digest.Sum
	timeMacro compiler.TimeMacros // which time macros the file names
	asm       asmDirectives
	// leading is set for a file scanned as a source (scanSource): the
	// directives that may load a PCH (compiler.LeadingIncludes), perhaps
	// none.
	leading *[]compiler.LeadingInclude
	mtime   time.Time
	ctime   time.Time
	err     error
	// stat is the file's stat data, for stat records; haveStat is false
	// where the platform gives no inode numbers.
	stat     statEntry
	haveStat bool
}

// inputHasher hashes input files at most once per invocation: manifests
// share most include files between their entries. With a stat record
// (loadRecord), a file whose stat data the record knows is not read at all.
type inputHasher struct {
	memo map[string]*fileState
	// trusted is the newest mtime and ctime (ns) a file may have to be
	// recorded: statTrustAge before the call's start.
	trusted int64

	record    map[string]statEntry
	recordKey digest.Sum // the manifest whose record this is; zero for none
	// dirty is set when a file old enough to record was read and hashed.
	dirty bool

	// buf holds each file's content while it is hashed, reused from one
	// file to the next: a miss reads hundreds of kilobytes of headers, and
	// fresh memory for each costs a page fault per 4 KiB.
	buf []byte
}

func newInputHasher(start time.Time) *inputHasher {
	return &inputHasher{memo: map[string]*fileState{}, trusted: start.Add(-statTrustAge).UnixNano()}
}

// withRecordOf returns a new hasher for the same call that uses h's stat
// record: after a compile, inputs are looked at afresh.
func (h *inputHasher) withRecordOf(start time.Time) *inputHasher {
	fresh := newInputHasher(start)
	fresh.record, fresh.recordKey, fresh.buf = h.record, h.recordKey, h.buf
	return fresh
}

// file returns the state of the file at path (an absolute path).
func (h *inputHasher) file(path string) *fileState {
	if st, ok := h.memo[path]; ok {
		return st
	}
	if st := stateFromRecord(h.record, path); st != nil {
		h.memo[path] = st
		return st
	}
	st := readState(path, &h.buf, scanText)
	h.memo[path] = st
	h.dirty = h.dirty || h.recordable(st)
	return st
}

// scanMode says what readState looks for in a file's text.
type scanMode int

const (
	scanNone   scanMode = iota // a binary input (a .gch): hashed only
	scanText                   // a header: time macros and assembler directives
	scanSource                 // the source: also the directives that may load a PCH
)

// errNotRegular reports an input that is not a regular file (a FIFO, a
// device, a directory): it has no content to hash, and is never opened.
var errNotRegular = errors.New("not a regular file")

// readState reads and hashes the file at path, in one read of the size
// the open file reports, into *buf (grown as needed, and kept for the next
// file), and scans its text as mode says.
//
// Only a regular file is opened. Opening a FIFO would wait for a writer
// (forever, when the compiler has had its data already), or take the data
// its writer meant for the compiler; a device may block or have effects
// of its own. So the path is looked at first, and the file is opened
// without waiting (openInput), in case a FIFO took its place meanwhile.
//
// A null device (/dev/null, a configure probe's source) is the empty file
// it reads as, without being opened; its times never change.
func readState(path string, buf *[]byte, mode scanMode) *fileState {
	if fi, err := os.Stat(path); err != nil {
		return &fileState{err: err}
	} else if isNullDevice(fi) {
		st := &fileState{hash: digest.Of(nil)}
		if mode == scanSource {
			st.leading = &[]compiler.LeadingInclude{}
		}
		return st
	} else if !fi.Mode().IsRegular() {
		return &fileState{err: fmt.Errorf("%s: %w", path, errNotRegular)}
	}
	f, err := openInput(path)
	if err != nil {
		return &fileState{err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return &fileState{err: fmt.Errorf("stat %s: %w", path, err)}
	}
	if !fi.Mode().IsRegular() {
		return &fileState{err: fmt.Errorf("%s: %w", path, errNotRegular)}
	}
	if need := int(fi.Size()) + 1; cap(*buf) < need { // +1: see the end of the file in one read
		*buf = make([]byte, 0, need)
	}
	data := (*buf)[:0]
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return &fileState{err: fmt.Errorf("read %s: %w", path, err)}
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // grew while read: make room
		}
	}
	*buf = data[:0]
	// The times are taken after the content, so that a write during the
	// read shows as a change.
	if fi, err = f.Stat(); err != nil {
		return &fileState{err: fmt.Errorf("stat %s: %w", path, err)}
	}
	stat, haveStat := openStat(f, fi)
	ctime := changeTime(fi)
	if haveStat {
		ctime = time.Unix(0, stat.ctime)
	}
	st := &fileState{
		size:     int64(len(data)),
		hash:     digest.Of(data),
		mtime:    fi.ModTime(),
		ctime:    ctime,
		stat:     stat,
		haveStat: haveStat,
	}
	if mode >= scanText {
		st.timeMacro, st.asm = compiler.TimeMacrosOf(data), scanAsmDirectives(data)
	}
	if mode == scanSource {
		leading := compiler.LeadingIncludes(data)
		st.leading = &leading
	}
	return st
}
