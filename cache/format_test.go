package cache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"testing"

	"github.com/objcache/objcache/digest"
)

func roundTripEntries() []struct {
	name string
	e    *Entry
} {
	return []struct {
		name string
		e    *Entry
	}{
		{"empty", &Entry{}},
		{"console only", &Entry{ManifestKey: key(1, 1), Stdout: []byte("out"), Stderr: []byte("err")}},
		{"empty outputs", &Entry{ManifestKey: key(2, 2), Outputs: []Output{{Kind: "object"}, {Kind: ""}, {Kind: "depfile", Data: []byte{}}}}},
		{"unusual kind", &Entry{Outputs: []Output{{Kind: "stderr-color", Data: []byte{1}}}}},
		{"small", sampleEntry(1, 100)},
		{"large", sampleEntry(2, 3<<20)},
	}
}

// TestFormatRoundTrip encodes and decodes entries at several compression
// levels.
func TestFormatRoundTrip(t *testing.T) {
	t.Parallel()
	for _, level := range []int{0, 1, 3, 19} {
		c := newCodec(level)
		for _, tt := range roundTripEntries() {
			if level == 19 && len(tt.e.Outputs) > 0 && len(tt.e.Outputs[0].Data) > 1<<20 {
				continue // slow, and level 3 covers the path
			}
			data, err := c.encode(tt.e)
			if err != nil {
				t.Fatalf("level %d, %s: %v", level, tt.name, err)
			}
			want := byte(compressNone)
			if level > 0 {
				want = compressZstd
			}
			if data[offCompression] != want {
				t.Errorf("level %d, %s: compression byte %d, want %d", level, tt.name, data[offCompression], want)
			}
			got, err := c.decode(data)
			if err != nil {
				t.Fatalf("level %d, %s: %v", level, tt.name, err)
			}
			if !equalEntry(got, tt.e) {
				t.Errorf("level %d, %s: round trip changed the entry", level, tt.name)
			}
			// Any codec decodes any level.
			if got, err := newCodec(0).decode(data); err != nil || !equalEntry(got, tt.e) {
				t.Errorf("level %d, %s: other codec: %v", level, tt.name, err)
			}
		}
	}
}

// TestFormatSlicesCapped: appending to one decoded field never overwrites
// the next one, although they share a buffer.
func TestFormatSlicesCapped(t *testing.T) {
	t.Parallel()
	c := newCodec(0)
	e := &Entry{Stdout: []byte("a"), Stderr: []byte("b"), Outputs: []Output{{Kind: "object", Data: []byte("c")}}}
	data, err := c.encode(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.decode(data)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(got.Stdout, 'x')
	_ = append(got.Stderr, 'x')
	if !equalEntry(got, e) {
		t.Error("append to a decoded field changed another")
	}
}

// withChecksum recomputes the checksum of an entry file after a change, so
// that only the check under test can fail.
func withChecksum(data []byte) []byte {
	return appendChecksum(append([]byte(nil), data[:len(data)-checksumSize]...))
}

// corruptions returns damaged copies of the entry file valid.
func corruptions(valid []byte) map[string][]byte {
	n := len(valid)
	m := map[string][]byte{}
	flip := func(name string, off int) {
		b := bytes.Clone(valid)
		b[off] ^= 0x5a
		m[name] = b
	}
	flip("flip magic", 0)
	flip("flip version", offVersion)
	flip("flip compression", offCompression)
	flip("flip manifest key", offKey+5)
	flip("flip first payload byte", headerSize)
	flip("flip middle", headerSize+(n-headerSize-checksumSize)/2)
	flip("flip last payload byte", n-checksumSize-1)
	flip("flip checksum first", n-checksumSize)
	flip("flip checksum last", n-1)
	for _, cut := range []int{0, 1, offKey, headerSize - 1, headerSize, headerSize + checksumSize - 1, n / 2, n - 1} {
		m["truncated to "+strconv.Itoa(cut)] = bytes.Clone(valid[:cut])
	}
	m["extended"] = append(bytes.Clone(valid), 0)
	garbage := bytes.Repeat([]byte("garbage!"), n/8+1)[:n]
	m["garbage"] = garbage

	b := bytes.Clone(valid)
	binary.LittleEndian.PutUint16(b[offVersion:], entryVersion+1)
	m["unknown version"] = withChecksum(b)

	b = bytes.Clone(valid)
	b[offCompression] = 7
	m["unknown compression"] = withChecksum(b)
	return m
}

// badPayloads returns entry files with a correct frame and checksum around
// a payload that is wrong, so that the payload's own checks must catch it.
func badPayloads() map[string][]byte {
	frame := func(p []byte) []byte {
		b := appendHeader(nil, compressNone, digest.Sum{})
		return appendChecksum(append(b, p...))
	}
	good := appendPayload(nil, &Entry{Stdout: []byte("o"), Outputs: []Output{{Kind: "object", Data: []byte("data")}}})
	return map[string][]byte{
		"empty payload":        frame(nil),
		"trailing byte":        frame(append(bytes.Clone(good), 0)),
		"short payload":        frame(good[:len(good)-1]),
		"stdout too long":      frame([]byte{100, 'a'}),
		"too many outputs":     frame([]byte{0, 0, 200, 1}),
		"huge output count":    frame(binary.AppendUvarint([]byte{0, 0}, 1<<62)),
		"bad uvarint":          frame([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
		"output kind too long": frame([]byte{0, 0, 1, 9, 'k', 0}),
		"zstd garbage": func() []byte {
			b := appendHeader(nil, compressZstd, digest.Sum{})
			return appendChecksum(append(b, "not zstd at all"...))
		}(),
	}
}

// TestFormatCorrupt checks that every kind of damage is ErrCorrupt.
func TestFormatCorrupt(t *testing.T) {
	t.Parallel()
	for _, level := range []int{0, 1} {
		c := newCodec(level)
		valid, err := c.encode(sampleEntry(7, 1000))
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range corruptions(valid) {
			if _, err := c.decode(data); !errors.Is(err, ErrCorrupt) {
				t.Errorf("level %d, %s: err = %v, want ErrCorrupt", level, name, err)
			}
		}
	}
	for name, data := range badPayloads() {
		if _, err := newCodec(1).decode(data); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", name, err)
		}
	}
}

// TestFormatLayout pins the header bytes: the format is shared by every
// objcache version that reads this cache.
func TestFormatLayout(t *testing.T) {
	t.Parallel()
	mk := key(0xab, 1)
	data, err := newCodec(0).encode(&Entry{ManifestKey: mk})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("OBJCACHE\x02\x00\x00"), mk[:]...)
	want = append(want, 0, 0, 0) // empty stdout, stderr, no outputs
	want = appendChecksum(want)
	if !bytes.Equal(data, want) {
		t.Errorf("encoded = %x\nwant      %x", data, want)
	}
}

// BenchmarkDecode measures the hit path's decoding of a typical entry.
func BenchmarkDecode(b *testing.B) {
	for _, level := range []int{0, 1} {
		b.Run("level"+strconv.Itoa(level), func(b *testing.B) {
			c := newCodec(level)
			data, err := c.encode(sampleEntry(1, 256<<10))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncode measures encoding a typical entry.
func BenchmarkEncode(b *testing.B) {
	for _, level := range []int{0, 1, 3} {
		b.Run("level"+strconv.Itoa(level), func(b *testing.B) {
			c := newCodec(level)
			e := sampleEntry(1, 256<<10)
			b.SetBytes(int64(payloadSize(e)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.encode(e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
