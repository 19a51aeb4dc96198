package launcher

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
)

// A stat record remembers, for one manifest, the content hash of each file
// a lookup hashed, under the file's stat data (device, inode, size, mtime
// and ctime to the nanosecond). A hit then stats its include files instead
// of reading and hashing them: for a translation unit with dozens of
// headers that is most of a hit's work.
//
// Records are machine-local (never sent to remote storage), live beside the
// store (cache.Store.StatRecordPath), are written whole by rename (two
// writers lose one update, which costs a re-hash) and are ignored when
// damaged. A file whose mtime or ctime is within statTrustAge of the call's
// start is not recorded: a change in the same tick of a coarse file-system
// clock could leave its stat data unchanged (ccache issue 1215).

// statEntry is what a record keeps of one file.
type statEntry struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // ns since the epoch
	hash         digest.Sum
	timeMacro    compiler.TimeMacros
}

// recordMagic starts a record file; the format changes with it.
const recordMagic = "OBJCACHE-STAT3\n" // STAT1 held BLAKE3 sums; STAT2 one bit for all time macros

// encodeRecord writes entries in the record format: the magic, then per
// file its path and fields as uvarints and the hash, then a SHA-256
// checksum of it all.
func encodeRecord(entries map[string]statEntry) []byte {
	b := []byte(recordMagic)
	for path, e := range entries {
		b = binary.AppendUvarint(b, uint64(len(path)))
		b = append(b, path...)
		for _, v := range []uint64{e.dev, e.ino, uint64(e.size), uint64(e.mtime), uint64(e.ctime)} {
			b = binary.AppendUvarint(b, v)
		}
		b = append(b, e.hash[:]...)
		b = append(b, byte(e.timeMacro))
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
		if len(r) < digest.Size+1 {
			return nil, errBadRecord
		}
		copy(e.hash[:], r)
		e.timeMacro = compiler.TimeMacros(r[digest.Size])
		r = r[digest.Size+1:]
		entries[path] = e
	}
	return entries, nil
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

// readRecord returns the entries of the stat record at path, nil when it is
// missing or damaged.
func readRecord(path string) map[string]statEntry {
	data, err := os.ReadFile(path)
	if err != nil {
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
	return &fileState{size: e.size, hash: e.hash, timeMacro: e.timeMacro,
		mtime: time.Unix(0, e.mtime), ctime: time.Unix(0, e.ctime), stat: cur, haveStat: true}
}

// entry returns what a stat record keeps of st.
func (st *fileState) entry() statEntry {
	e := st.stat
	e.hash, e.timeMacro = st.hash, st.timeMacro
	return e
}

// recordable reports whether st may go into a stat record: hashed, with
// stat data, and old enough to trust.
func (h *inputHasher) recordable(st *fileState) bool {
	return st.err == nil && st.haveStat && st.stat.mtime < h.trusted && st.stat.ctime < h.trusted
}

// loadRecord reads the stat record at path into h; a missing or damaged
// one leaves h without a record.
func (h *inputHasher) loadRecord(path string) {
	h.recordPath, h.record = path, readRecord(path)
}

// saveRecord writes h's record back, through the store's tmp/, if this
// call hashed a file the record did not know (or knew in another version):
// every file h knows that is old enough to trust. Failures are ignored: the
// record is only a shortcut.
func (h *inputHasher) saveRecord(store *cache.Store) {
	if !h.dirty || h.recordPath == "" {
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
		writeRecord(store, h.recordPath, encodeRecord(entries))
	}
}

// sourceFile returns the state of the source file at path (absolute) using
// its own stat record at recordPath: the source is hashed into the
// manifest key before the manifest's record can be found, and a big
// translation unit (sqlite3.c is 9 MB) is most of a hit's reading. The
// record is written when the source was read and is old enough to trust.
func (h *inputHasher) sourceFile(path, recordPath string, store *cache.Store) *fileState {
	if st, ok := h.memo[path]; ok {
		return st
	}
	if st := stateFromRecord(readRecord(recordPath), path); st != nil {
		h.memo[path] = st
		return st
	}
	st := readState(path, &h.buf)
	h.memo[path] = st
	if h.recordable(st) {
		writeRecord(store, recordPath, encodeRecord(map[string]statEntry{path: st.entry()}))
	}
	return st
}

// writeRecord publishes a record (a stat record, or the compiler identity or
// /showIncludes prefix one) through the store. It is best effort: a record
// that cannot be written only costs the next call the work it saves.
func writeRecord(store *cache.Store, path string, content []byte) {
	store.WriteFile(path, content)
}
