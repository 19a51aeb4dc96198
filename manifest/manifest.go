package manifest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/objcache/objcache/digest"
)

// Include is one file a compilation read, as the compiler named it, with its
// size (a cheap first test) and content hash.
type Include struct {
	Path string
	Size int64
	Hash digest.Sum
}

// Entry maps one set of include files to the object entry compiled from
// them.
type Entry struct {
	Includes []Include
	Object   digest.Sum
}

// Manifest lists the entries stored under one manifest key, most recently
// added first.
type Manifest struct {
	Entries []Entry
}

// magic opens every encoded manifest; the byte after it is FormatVersion.
const magic = "OCMANIF"

// ErrCorrupt is returned (wrapped) by Decode for bytes that are not a
// manifest of this version. Callers treat such a manifest as empty.
var ErrCorrupt = errors.New("corrupt manifest")

// AddTo returns the manifest encoded in current with e added (see Add), and
// the objects the limit dropped. A missing (nil) or unreadable current
// counts as empty: it is replaced. Adders, locally and to remote storage,
// all go through it.
func AddTo(current []byte, e Entry, limit int) (m *Manifest, dropped []digest.Sum) {
	m = &Manifest{}
	if current != nil {
		if old, err := Decode(current); err == nil {
			m = old
		}
	}
	return m, m.Add(e, limit)
}

// Add puts e first, dropping an older entry for the same object and any
// entries beyond limit (oldest first). It returns the objects of the entries
// dropped by the limit, which the caller may evict.
func (m *Manifest) Add(e Entry, limit int) (dropped []digest.Sum) {
	kept := make([]Entry, 0, len(m.Entries)+1)
	kept = append(kept, e)
	for _, old := range m.Entries {
		if old.Object != e.Object {
			kept = append(kept, old)
		}
	}
	if limit > 0 && len(kept) > limit {
		for _, old := range kept[limit:] {
			dropped = append(dropped, old.Object)
		}
		kept = kept[:limit]
	}
	m.Entries = kept
	return dropped
}

// Remove drops the entries whose object is in gone and reports whether any
// was dropped.
func (m *Manifest) Remove(gone map[digest.Sum]bool) bool {
	kept := m.Entries[:0]
	for _, e := range m.Entries {
		if !gone[e.Object] {
			kept = append(kept, e)
		}
	}
	changed := len(kept) != len(m.Entries)
	m.Entries = kept
	return changed
}

// Lookup returns the first entry, in order, all of whose includes match.
// matches is asked about each include; it is where files are stat'ed and
// hashed, so the caller can memoize: entries share most of their includes.
func (m *Manifest) Lookup(matches func(Include) bool) (Entry, bool) {
next:
	for _, e := range m.Entries {
		for _, inc := range e.Includes {
			if !matches(inc) {
				continue next
			}
		}
		return e, true
	}
	return Entry{}, false
}

// Encode returns the manifest's binary form: the magic and version, a table
// of the distinct include paths, the entries (object key, then per include
// the path's index, size and hash), and a SHA-256 checksum of all before it,
// so that a damaged manifest can never name a wrong object.
func (m *Manifest) Encode() []byte {
	var b []byte
	b = append(b, magic...)
	b = append(b, FormatVersion)

	index := map[string]uint64{}
	var paths []string
	for _, e := range m.Entries {
		for _, inc := range e.Includes {
			if _, ok := index[inc.Path]; !ok {
				index[inc.Path] = uint64(len(paths))
				paths = append(paths, inc.Path)
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(paths)))
	for _, p := range paths {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	b = binary.AppendUvarint(b, uint64(len(m.Entries)))
	for _, e := range m.Entries {
		b = append(b, e.Object[:]...)
		b = binary.AppendUvarint(b, uint64(len(e.Includes)))
		for _, inc := range e.Includes {
			b = binary.AppendUvarint(b, index[inc.Path])
			b = binary.AppendVarint(b, inc.Size)
			b = append(b, inc.Hash[:]...)
		}
	}
	sum := digest.Of(b)
	return append(b, sum[:]...)
}

// Decode parses an encoded manifest. Anything malformed is ErrCorrupt.
func Decode(data []byte) (*Manifest, error) {
	if len(data) < len(magic)+1+digest.Size {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrCorrupt, len(data))
	}
	body, sum := data[:len(data)-digest.Size], data[len(data)-digest.Size:]
	if want := digest.Of(body); !bytes.Equal(sum, want[:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	if string(body[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	if v := body[len(magic)]; v != FormatVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrCorrupt, v, FormatVersion)
	}
	r := reader{buf: body[len(magic)+1:]}
	paths := make([]string, r.count())
	for i := range paths {
		paths[i] = string(r.next(int(r.count())))
	}
	m := &Manifest{Entries: make([]Entry, r.count())}
	for i := range m.Entries {
		e := &m.Entries[i]
		copy(e.Object[:], r.next(digest.Size))
		e.Includes = make([]Include, r.count())
		for j := range e.Includes {
			inc := &e.Includes[j]
			k := r.uvarint()
			if k >= uint64(len(paths)) {
				r.fail()
				break
			}
			inc.Path = paths[k]
			inc.Size = r.varint()
			copy(inc.Hash[:], r.next(digest.Size))
		}
	}
	if r.bad || len(r.buf) != 0 {
		return nil, fmt.Errorf("%w: malformed body", ErrCorrupt)
	}
	return m, nil
}

// reader consumes an encoded manifest, remembering the first error so that
// Decode checks once at the end. Counts are bounded by the bytes left, so a
// damaged count can never make Decode allocate without limit.
type reader struct {
	buf []byte
	bad bool
}

func (r *reader) fail() { r.bad, r.buf = true, nil }

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.buf)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

// count reads a length or count; it can never exceed the bytes left.
func (r *reader) count() uint64 {
	v := r.uvarint()
	if v > uint64(len(r.buf)) {
		r.fail()
		return 0
	}
	return v
}

func (r *reader) next(n int) []byte {
	if n > len(r.buf) {
		r.fail()
		return make([]byte, n)
	}
	b := r.buf[:n]
	r.buf = r.buf[n:]
	return b
}
