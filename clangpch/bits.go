package clangpch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Limits that keep damaged input from asking for huge allocations.
const (
	maxOps  = 1 << 16
	maxBlob = 1 << 20
)

// bitReader reads an LLVM bitstream: fields of any width up to 64 bits,
// least significant bit first, from a byte stream. pos counts the bits
// consumed, for 32-bit alignment.
type bitReader struct {
	r   *bufio.Reader
	cur uint64 // bits read from r and not yet consumed, low bits first
	n   uint   // how many bits cur holds
	pos uint64
}

// fixed reads a field of width bits.
func (b *bitReader) fixed(width uint) (uint64, error) {
	if width > 32 {
		lo, err := b.fixed(32)
		if err != nil {
			return 0, err
		}
		hi, err := b.fixed(width - 32)
		return lo | hi<<32, err
	}
	for b.n < width {
		c, err := b.r.ReadByte()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return 0, err
		}
		b.cur |= uint64(c) << b.n
		b.n += 8
	}
	v := b.cur & (1<<width - 1)
	b.cur >>= width
	b.n -= width
	b.pos += uint64(width)
	return v, nil
}

// vbr reads a variable-width field of width-bit chunks, whose high bit
// says another chunk follows.
func (b *bitReader) vbr(width uint) (uint64, error) {
	if width < 2 || width > 32 {
		return 0, fmt.Errorf("VBR width %d", width)
	}
	var v uint64
	for shift := uint(0); ; shift += width - 1 {
		if shift >= 64 {
			return 0, errors.New("VBR value too long")
		}
		chunk, err := b.fixed(width)
		if err != nil {
			return 0, err
		}
		v |= (chunk & (1<<(width-1) - 1)) << shift
		if chunk&(1<<(width-1)) == 0 {
			return v, nil
		}
	}
}

// align32 skips to the next multiple of 32 bits.
func (b *bitReader) align32() error {
	if rem := b.pos % 32; rem != 0 {
		return b.skip(32 - rem)
	}
	return nil
}

// skip consumes bits bits.
func (b *bitReader) skip(bits uint64) error {
	for bits > 0 && b.n > 0 {
		w := min(uint64(b.n), bits)
		if _, err := b.fixed(uint(w)); err != nil {
			return err
		}
		bits -= w
	}
	if bits%8 != 0 {
		return fmt.Errorf("skip of %d bits off a byte boundary", bits)
	}
	if _, err := b.r.Discard(int(bits / 8)); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	b.pos += bits
	return nil
}

// Operand encodings of an abbreviation.
const (
	encLiteral = 0 // not an LLVM encoding: a literal operand
	encFixed   = 1
	encVBR     = 2
	encArray   = 3
	encChar6   = 4
	encBlob    = 5
)

// abbrevOp is one operand of an abbreviation.
type abbrevOp struct {
	enc   int
	value uint64 // the literal, or the width of a fixed or VBR operand
}

// abbrev is a record layout a DEFINE_ABBREV gave.
type abbrev struct {
	ops []abbrevOp
}

// record is one record read: its code, its operands and a blob if its
// layout has one.
type record struct {
	code uint64
	ops  []uint64
	blob []byte
}

// defineAbbrev reads the body of a DEFINE_ABBREV.
func (b *bitReader) defineAbbrev() (*abbrev, error) {
	n, err := b.vbr(5)
	if err != nil {
		return nil, err
	}
	if n == 0 || n > maxOps {
		return nil, fmt.Errorf("abbreviation of %d operands", n)
	}
	a := &abbrev{}
	for i := uint64(0); i < n; i++ {
		lit, err := b.fixed(1)
		if err != nil {
			return nil, err
		}
		if lit == 1 {
			v, err := b.vbr(8)
			if err != nil {
				return nil, err
			}
			a.ops = append(a.ops, abbrevOp{enc: encLiteral, value: v})
			continue
		}
		enc, err := b.fixed(3)
		if err != nil {
			return nil, err
		}
		op := abbrevOp{enc: int(enc)}
		switch enc {
		case encFixed, encVBR:
			if op.value, err = b.vbr(5); err != nil {
				return nil, err
			}
			if op.value > 64 || (enc == encVBR && op.value < 2) {
				return nil, fmt.Errorf("operand width %d", op.value)
			}
		case encArray, encChar6, encBlob:
		default:
			return nil, fmt.Errorf("operand encoding %d", enc)
		}
		a.ops = append(a.ops, op)
	}
	return a, nil
}

// unabbrevRecord reads an UNABBREV_RECORD.
func (b *bitReader) unabbrevRecord() (record, error) {
	code, err := b.vbr(6)
	if err != nil {
		return record{}, err
	}
	n, err := b.vbr(6)
	if err != nil {
		return record{}, err
	}
	if n > maxOps {
		return record{}, fmt.Errorf("record of %d operands", n)
	}
	rec := record{code: code, ops: make([]uint64, 0, n)}
	for i := uint64(0); i < n; i++ {
		v, err := b.vbr(6)
		if err != nil {
			return record{}, err
		}
		rec.ops = append(rec.ops, v)
	}
	return rec, nil
}

// scalar reads one operand of a non-aggregate encoding.
func (b *bitReader) scalar(op abbrevOp) (uint64, error) {
	switch op.enc {
	case encLiteral:
		return op.value, nil
	case encFixed:
		return b.fixed(uint(op.value))
	case encVBR:
		return b.vbr(uint(op.value))
	case encChar6:
		v, err := b.fixed(6)
		return uint64(char6[v]), err
	}
	return 0, fmt.Errorf("operand encoding %d where a scalar is expected", op.enc)
}

// char6 decodes the Char6 encoding.
const char6 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._"

// abbrevRecord reads a record laid out by a. Its first value is the
// record's code; an array takes the operand after it as its element, and
// must come last but that one; a blob must come last.
func (b *bitReader) abbrevRecord(a *abbrev) (record, error) {
	var vals []uint64
	var rec record
	for i := 0; i < len(a.ops); i++ {
		op := a.ops[i]
		switch op.enc {
		case encArray:
			if i != len(a.ops)-2 {
				return record{}, errors.New("array operand not last but one")
			}
			n, err := b.vbr(6)
			if err != nil {
				return record{}, err
			}
			if n > maxOps {
				return record{}, fmt.Errorf("array of %d elements", n)
			}
			elem := a.ops[i+1]
			for j := uint64(0); j < n; j++ {
				v, err := b.scalar(elem)
				if err != nil {
					return record{}, err
				}
				vals = append(vals, v)
			}
			i++
		case encBlob:
			if i != len(a.ops)-1 {
				return record{}, errors.New("blob operand not last")
			}
			n, err := b.vbr(6)
			if err != nil {
				return record{}, err
			}
			if n > maxBlob {
				return record{}, fmt.Errorf("blob of %d bytes", n)
			}
			if err := b.align32(); err != nil {
				return record{}, err
			}
			rec.blob = make([]byte, n)
			for j := range rec.blob {
				c, err := b.fixed(8)
				if err != nil {
					return record{}, err
				}
				rec.blob[j] = byte(c)
			}
			if err := b.align32(); err != nil {
				return record{}, err
			}
		default:
			v, err := b.scalar(op)
			if err != nil {
				return record{}, err
			}
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return record{}, errors.New("abbreviated record without a code")
	}
	rec.code, rec.ops = vals[0], vals[1:]
	return rec, nil
}
