package launcher

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/lockfile"
)

// A stat record remembers, for one manifest, the content hash of each file
// a lookup hashed, under the file's stat data (device, inode, size, mtime
// and ctime to the nanosecond). A hit then stats its include files instead
// of reading and hashing them: for a translation unit with dozens of
// headers that is most of a hit's work.
//
// Records are machine-local (never sent to remote storage), live in the
// store's manifest sections and count toward max_size (cache/records.go: a
// manifest's record goes with its manifest), are written whole by rename
// (two writers lose one update, which costs a re-hash) and are ignored when
// damaged. A file whose mtime or ctime is within statTrustAge of the call's
// start is not recorded: a change in the same tick of a coarse file-system
// clock could leave its stat data unchanged (ccache issue 1215).

// statEntry is what a record keeps of one file: its stat data, its hash,
// and what the scan of its text found (a hit reads no file, so the scan's
// results must outlive the read).
type statEntry struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // ns since the epoch
	hash         digest.Sum
	timeMacro    compiler.TimeMacros
	asm          asmDirectives
	// leading is the source's directives that may load a PCH, for a file
	// scanned as a source; nil otherwise.
	leading *[]compiler.LeadingInclude
}

// recordMagic starts a record file; the format changes with it.
const recordMagic = "OBJCACHE-STAT5\n" // STAT1 held BLAKE3 sums; STAT2 one bit for all time macros and no assembler or PCH scan; STAT4 the directives in the flag byte, from a scan of their spelling only

// Bits of a record entry's flag byte.
const (
	flagTimeMacros = 0b11   // the compiler.TimeMacros bits
	flagLeading    = 1 << 2 // a list of leading includes follows
)

// encodeRecord writes entries in the record format: the magic, then per
// file its path and fields as uvarints, the hash, a flag byte (time
// macros, whether a leading-include list follows),
// a byte of asmDirectives, and that list (a count, then each include's
// kind byte and name), then a SHA-256 checksum of it all.
func encodeRecord(entries map[string]statEntry) []byte {
	b := []byte(recordMagic)
	for path, e := range entries {
		b = binary.AppendUvarint(b, uint64(len(path)))
		b = append(b, path...)
		for _, v := range []uint64{e.dev, e.ino, uint64(e.size), uint64(e.mtime), uint64(e.ctime)} {
			b = binary.AppendUvarint(b, v)
		}
		b = append(b, e.hash[:]...)
		flag := byte(e.timeMacro) & flagTimeMacros
		if e.leading != nil {
			flag |= flagLeading
		}
		b = append(b, flag, byte(e.asm))
		if e.leading != nil {
			b = binary.AppendUvarint(b, uint64(len(*e.leading)))
			for _, inc := range *e.leading {
				b = append(b, byte(inc.Kind))
				b = binary.AppendUvarint(b, uint64(len(inc.Name)))
				b = append(b, inc.Name...)
			}
		}
	}
	sum := digest.Of(b)
	return append(b, sum[:]...)
}

var errBadRecord = errors.New("damaged stat record")

// decodeRecord reads a record file; anything wrong is errBadRecord.
func decodeRecord(data []byte) (map[string]statEntry, error) {
	if len(data) < len(recordMagic)+digest.Size || !bytes.HasPrefix(data, []byte(recordMagic)) {
		return nil, errBadRecord
	}
	body, sum := data[:len(data)-digest.Size], data[len(data)-digest.Size:]
	if want := digest.Of(body); !bytes.Equal(sum, want[:]) {
		return nil, errBadRecord
	}
	r := body[len(recordMagic):]
	entries := map[string]statEntry{}
	uv := func() uint64 {
		v, n := binary.Uvarint(r)
		if n <= 0 {
			r = nil
			return 0
		}
		r = r[n:]
		return v
	}
	for len(r) > 0 {
		n := uv()
		if n > uint64(len(r)) {
			return nil, errBadRecord
		}
		path := string(r[:n])
		r = r[n:]
		var e statEntry
		e.dev, e.ino = uv(), uv()
		e.size, e.mtime, e.ctime = int64(uv()), int64(uv()), int64(uv())
		if len(r) < digest.Size+2 {
			return nil, errBadRecord
		}
		copy(e.hash[:], r)
		flag, asm := r[digest.Size], r[digest.Size+1]
		r = r[digest.Size+2:]
		e.timeMacro, e.asm = compiler.TimeMacros(flag&flagTimeMacros), asmDirectives(asm)
		if flag&flagLeading != 0 {
			leading, ok := decodeLeading(uv, func(n uint64) ([]byte, bool) {
				if n > uint64(len(r)) {
					return nil, false
				}
				b := r[:n]
				r = r[n:]
				return b, true
			})
			if !ok {
				return nil, errBadRecord
			}
			e.leading = &leading
		}
		entries[path] = e
	}
	return entries, nil
}

// decodeLeading reads a leading-include list of a record entry through uv
// (the next uvarint) and take (the next n bytes).
func decodeLeading(uv func() uint64, take func(n uint64) ([]byte, bool)) ([]compiler.LeadingInclude, bool) {
	n := uv()
	leading := []compiler.LeadingInclude{}
	for ; n > 0; n-- {
		kind, ok := take(1)
		if !ok {
			return nil, false
		}
		name, ok := take(uv())
		if !ok {
			return nil, false
		}
		leading = append(leading, compiler.LeadingInclude{Kind: compiler.IncludeKind(kind[0]), Name: string(name)})
	}
	return leading, true
}

// statOf returns the record entry of a file's current stat data, without
// the hash, and whether the platform gives device and inode numbers.
func statOf(fi os.FileInfo) (statEntry, bool) {
	dev, ino, ok := fileKey(fi)
	return statEntry{dev: dev, ino: ino, size: fi.Size(), mtime: fi.ModTime().UnixNano(), ctime: changeTime(fi).UnixNano()}, ok
}

// sameStat reports whether two entries describe the same file version.
func (e statEntry) sameStat(o statEntry) bool {
	return e.dev == o.dev && e.ino == o.ino && e.size == o.size && e.mtime == o.mtime && e.ctime == o.ctime
}

// parseRecord returns the entries of a stat record's content, nil when it
// is missing (nil) or damaged.
func parseRecord(data []byte) map[string]statEntry {
	if data == nil {
		return nil
	}
	entries, err := decodeRecord(data)
	if err != nil {
		return nil
	}
	return entries
}

// stateFromRecord returns the state of the file at path from record when
// the file's stat data are the recorded ones, else nil.
func stateFromRecord(record map[string]statEntry, path string) *fileState {
	e, ok := record[path]
	if !ok {
		return nil
	}
	cur, ok := pathStat(path)
	if !ok || !cur.sameStat(e) {
		return nil
	}
	return &fileState{size: e.size, hash: e.hash, timeMacro: e.timeMacro, asm: e.asm, leading: e.leading,
		mtime: time.Unix(0, e.mtime), ctime: time.Unix(0, e.ctime), stat: cur, haveStat: true}
}

// entry returns what a stat record keeps of st.
func (st *fileState) entry() statEntry {
	e := st.stat
	e.hash, e.timeMacro, e.asm, e.leading = st.hash, st.timeMacro, st.asm, st.leading
	return e
}

// recordable reports whether st may go into a stat record: hashed, with
// stat data, and old enough to trust.
func (h *inputHasher) recordable(st *fileState) bool {
	return st.err == nil && st.haveStat && st.stat.mtime < h.trusted && st.stat.ctime < h.trusted
}

// recordStore is where a call reads and writes stat records: the store,
// writing nothing when the cache is read-only or off, each write's lock
// wait bounded by recordWait (and lockTimeout). fail reports a write's
// error. Writes are best effort: a record that cannot be written only costs
// the next call the work it saves.
type recordStore struct {
	store       *cache.Store
	lockTimeout time.Duration
	refresh     time.Duration // a source record older than this is touched, for LRU
	readOnly    bool
	off         func() bool
	fail        func(what string, err error)
	// wrote is told of each record written: records count toward
	// max_size, so a call that wrote one checks the limit (unit.trim).
	wrote func(key digest.Sum)
}

// recordWait bounds the wait for the section lock a record is written
// under: a record is a shortcut, not worth a lock timeout (which would turn
// the cache off for the call and count as one), and a lock not had so soon
// is left to the lookup's own wait.
const recordWait = 100 * time.Millisecond

// write runs put, which stores the record under key, unless the cache is
// read-only or off, with the lock wait bounded by recordWait; it reports
// put's error (not a lock not had in time) or that the record was written.
func (r recordStore) write(what string, key digest.Sum, put func(context.Context) error) {
	if r.readOnly || (r.off != nil && r.off()) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), min(r.lockTimeout, recordWait))
	defer cancel()
	switch err := put(ctx); {
	case errors.Is(err, lockfile.ErrTimeout) || errors.Is(err, context.DeadlineExceeded):
	case err != nil && r.fail != nil:
		r.fail(what, err)
	case err == nil && r.wrote != nil:
		r.wrote(key)
	}
}

// putStatRecord stores data as the stat record of the manifest under key.
func (r recordStore) putStatRecord(key digest.Sum, data []byte) {
	r.write("write stat record", key, func(ctx context.Context) error { return r.store.PutStatRecord(ctx, key, data) })
}

// sourceRecord returns the stat record of the file at path, nil if none.
func (r recordStore) sourceRecord(path string) []byte {
	return r.store.SourceRecord(path, r.refresh)
}

// putSourceRecord stores data as the stat record of the file at path.
func (r recordStore) putSourceRecord(path string, data []byte) {
	r.write("write source record", cache.SourceRecordKey(path), func(ctx context.Context) error { return r.store.PutSourceRecord(ctx, path, data) })
}

// loadRecord gives h the stat record of the manifest under key, data (nil
// when there is none, or no manifest yet): saveRecord writes it back there.
func (h *inputHasher) loadRecord(key digest.Sum, data []byte) {
	h.recordKey, h.record = key, parseRecord(data)
}

// saveRecord writes h's record back if this call hashed a file the record
// did not know (or knew in another version): every file h knows that is
// old enough to trust. The store writes it only while its manifest exists.
func (h *inputHasher) saveRecord(rs recordStore) {
	if !h.dirty || h.recordKey.IsZero() {
		return
	}
	h.dirty = false
	entries := map[string]statEntry{}
	for path, st := range h.memo {
		if h.recordable(st) {
			entries[path] = st.entry()
		}
	}
	if len(entries) > 0 {
		rs.putStatRecord(h.recordKey, encodeRecord(entries))
	}
}

// sourceFile returns the state of the source file at path (absolute) using
// its own stat record: the source is hashed into the manifest key before
// the manifest's record can be found, and a big translation unit
// (sqlite3.c is 9 MB) is most of a hit's reading. The record is written
// when the source was read and is old enough to trust.
func (h *inputHasher) sourceFile(path string, rs recordStore) *fileState {
	return h.recordedFile(path, rs, scanSource)
}

// recordedFile returns the state of the file at path (absolute), scanned
// as mode says, through its own stat record (see sourceFile): for the
// inputs hashed into the manifest key, the source and the precompiled
// headers.
func (h *inputHasher) recordedFile(path string, rs recordStore, mode scanMode) *fileState {
	scanned := func(st *fileState) bool { return mode != scanSource || st.leading != nil || st.err != nil }
	if st, ok := h.memo[path]; ok && scanned(st) {
		return st
	}
	if st := stateFromRecord(parseRecord(rs.sourceRecord(path)), path); st != nil && scanned(st) {
		h.memo[path] = st
		return st
	}
	st := readState(path, &h.buf, mode)
	h.memo[path] = st
	if h.recordable(st) {
		rs.putSourceRecord(path, encodeRecord(map[string]statEntry{path: st.entry()}))
	}
	return st
}

// writeRecord publishes a record (the compiler identity or /showIncludes
// prefix one, in <dir>/compilers/) through the store. It is best effort: a
// record that cannot be written only costs the next call the work it saves.
func writeRecord(store *cache.Store, path string, content []byte) {
	store.WriteFile(path, content)
}
