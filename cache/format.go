package cache

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/objcache/objcache/digest"
)

// An entry file, format version 2 (version 1 had BLAKE3 checksums). Integers are little-endian.
//
//	offset  size  field
//	0       8     magic "OBJCACHE"
//	8       2     format version (2)
//	10      1     compression of the payload: 0 none, 1 zstd
//	11      32    manifest key
//	43      n     payload, compressed as byte 10 says
//	43+n    32    SHA-256 of bytes [0, 43+n)
//
// The payload, before compression, is a sequence of fields, each length a
// uvarint:
//
//	len(stdout) stdout
//	len(stderr) stderr
//	number of outputs
//	for each output: len(kind) kind len(data) data
//
// and nothing after the last output. The checksum covers the header as well,
// so a flipped bit anywhere is caught before the payload is even
// decompressed; zstd's own frame checksum is therefore left out.
const (
	entryMagic   = "OBJCACHE"
	entryVersion = 2

	compressNone = 0
	compressZstd = 1

	offVersion     = len(entryMagic)
	offCompression = offVersion + 2
	offKey         = offCompression + 1
	headerSize     = offKey + digest.Size // 43
	checksumSize   = digest.Size
)

// corrupt returns an error wrapping ErrCorrupt that says what is wrong.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// payloadSize returns the length of e's payload before compression.
func payloadSize(e *Entry) int {
	n := fieldSize(len(e.Stdout)) + fieldSize(len(e.Stderr)) + uvarintSize(uint64(len(e.Outputs)))
	for _, o := range e.Outputs {
		n += fieldSize(len(o.Kind)) + fieldSize(len(o.Data))
	}
	return n
}

func fieldSize(n int) int { return uvarintSize(uint64(n)) + n }

func uvarintSize(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// appendHeader appends the entry header to b.
func appendHeader(b []byte, compression byte, manifestKey digest.Sum) []byte {
	b = append(b, entryMagic...)
	b = binary.LittleEndian.AppendUint16(b, entryVersion)
	b = append(b, compression)
	return append(b, manifestKey[:]...)
}

// appendPayload appends e's uncompressed payload to b.
func appendPayload(b []byte, e *Entry) []byte {
	b = appendField(b, e.Stdout)
	b = appendField(b, e.Stderr)
	b = binary.AppendUvarint(b, uint64(len(e.Outputs)))
	for _, o := range e.Outputs {
		b = binary.AppendUvarint(b, uint64(len(o.Kind)))
		b = append(b, o.Kind...)
		b = appendField(b, o.Data)
	}
	return b
}

func appendField(b, field []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(field)))
	return append(b, field...)
}

// appendChecksum appends the checksum of b to b, completing an entry.
func appendChecksum(b []byte) []byte {
	sum := digest.Of(b)
	return append(b, sum[:]...)
}

// checkEntry verifies the frame of an entry file: magic, version, checksum,
// compression. It returns the compression byte and the (still compressed)
// payload, a slice of data.
func checkEntry(data []byte) (compression byte, payload []byte, err error) {
	if len(data) < headerSize+checksumSize {
		return 0, nil, corrupt("%d bytes, shorter than any entry", len(data))
	}
	// The version comes before the checksum: another version may place or
	// compute its checksum differently.
	if _, err := headerKey(data); err != nil {
		return 0, nil, err
	}
	body, sum := data[:len(data)-checksumSize], data[len(data)-checksumSize:]
	if want := digest.Of(body); !bytes.Equal(sum, want[:]) {
		return 0, nil, corrupt("checksum mismatch")
	}
	compression = data[offCompression]
	if compression != compressNone && compression != compressZstd {
		return 0, nil, corrupt("unknown compression %d", compression)
	}
	return compression, body[headerSize:], nil
}

// decodePayload parses an uncompressed payload into e. The byte slices of e
// are slices of p (capped at their length), so p must not be reused.
func decodePayload(p []byte, e *Entry) error {
	r := payloadReader{p: p}
	e.Stdout = r.field()
	e.Stderr = r.field()
	n := r.uvarint()
	// Every output takes at least two bytes, which bounds the allocation
	// below whatever the count says.
	if r.err == nil && n > uint64(len(r.p))/2 {
		r.fail("%d outputs in %d bytes", n, len(r.p))
	}
	if r.err == nil && n > 0 {
		e.Outputs = make([]Output, n)
		for i := range e.Outputs {
			e.Outputs[i].Kind = kindString(r.field())
			e.Outputs[i].Data = r.field()
		}
	}
	if r.err == nil && len(r.p) != 0 {
		r.fail("%d bytes after the last output", len(r.p))
	}
	return r.err
}

// kindString returns k as a string, without allocating for the kinds the
// launcher stores most.
func kindString(k []byte) string {
	switch string(k) { // no allocation: the compiler compares in place
	case "object":
		return "object"
	case "depfile":
		return "depfile"
	}
	return string(k)
}

// payloadReader reads the fields of a payload, keeping the first error.
type payloadReader struct {
	p   []byte
	err error
}

func (r *payloadReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = corrupt("payload: "+format, args...)
	}
}

func (r *payloadReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.p)
	if n <= 0 {
		r.fail("bad length")
		return 0
	}
	r.p = r.p[n:]
	return v
}

// field reads a length-prefixed field; an empty one is nil.
func (r *payloadReader) field() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.p)) {
		r.fail("field of %d bytes with %d left", n, len(r.p))
		return nil
	}
	if n == 0 {
		return nil
	}
	f := r.p[:n:n]
	r.p = r.p[n:]
	return f
}

// headerKey returns the manifest key of an entry header (its first
// headerSize bytes), after checking the magic and the version.
func headerKey(h []byte) (digest.Sum, error) {
	if len(h) < headerSize {
		return digest.Sum{}, corrupt("%d bytes, shorter than a header", len(h))
	}
	if string(h[:len(entryMagic)]) != entryMagic {
		return digest.Sum{}, corrupt("bad magic %q", h[:len(entryMagic)])
	}
	if v := binary.LittleEndian.Uint16(h[offVersion:]); v != entryVersion {
		return digest.Sum{}, corrupt("unknown format version %d", v)
	}
	var key digest.Sum
	copy(key[:], h[offKey:headerSize])
	return key, nil
}
