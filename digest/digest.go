// Package digest is objcache's one hash function: BLAKE3-256 with a framing
// that makes every key unambiguous.
//
// Keys are built from many fields (arguments, paths, environment values,
// file contents). Hashing them with a length prefix each means that
// ["-DA", "B"] and ["-DAB"] can never produce the same key.
package digest

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/zeebo/blake3"
)

// Size is the length of a Sum in bytes.
const Size = 32

// Sum is a BLAKE3-256 digest. Its String form (lower-case hex) names files in
// the cache.
type Sum [Size]byte

// String returns the sum as 64 lower-case hex digits.
func (s Sum) String() string { return hex.EncodeToString(s[:]) }

// IsZero reports whether s is the zero value (no sum computed).
func (s Sum) IsZero() bool { return s == Sum{} }

// Parse reads a sum from its 64-digit hex form.
func Parse(text string) (Sum, error) {
	var s Sum
	if len(text) != 2*Size {
		return s, fmt.Errorf("digest %q: want %d hex digits", text, 2*Size)
	}
	if _, err := hex.Decode(s[:], []byte(text)); err != nil {
		return s, fmt.Errorf("digest %q: %w", text, err)
	}
	return s, nil
}

// Hasher accumulates framed fields into one Sum.
type Hasher struct {
	h   *blake3.Hasher
	buf [binary.MaxVarintLen64]byte
}

// New returns an empty Hasher.
func New() *Hasher { return &Hasher{h: blake3.New()} }

// Bytes adds b as one field.
func (h *Hasher) Bytes(b []byte) {
	h.Int(int64(len(b)))
	h.h.Write(b)
}

// String adds s as one field.
func (h *Hasher) String(s string) {
	h.Int(int64(len(s)))
	h.h.WriteString(s)
}

// Strings adds a count followed by each string as its own field.
func (h *Hasher) Strings(list []string) {
	h.Int(int64(len(list)))
	for _, s := range list {
		h.String(s)
	}
}

// Int adds n as one field.
func (h *Hasher) Int(n int64) {
	k := binary.PutVarint(h.buf[:], n)
	h.h.Write(h.buf[:k])
}

// Sum adds s as one field.
func (h *Hasher) Sum(s Sum) { h.h.Write(s[:]) }

// Result returns the digest of everything added so far.
func (h *Hasher) Result() Sum {
	var s Sum
	copy(s[:], h.h.Sum(nil))
	return s
}

// Of returns the digest of b as a whole (unframed): the content hash of a file.
func Of(b []byte) Sum {
	return Sum(blake3.Sum256(b))
}

// File returns the content hash of the file at path, equal to Of(its bytes),
// reading it in a stream.
func File(path string) (Sum, error) {
	f, err := os.Open(path)
	if err != nil {
		return Sum{}, err
	}
	defer f.Close()
	h := blake3.New()
	if _, err := io.Copy(h, f); err != nil {
		return Sum{}, fmt.Errorf("hash %s: %w", path, err)
	}
	var s Sum
	copy(s[:], h.Sum(nil))
	return s, nil
}
