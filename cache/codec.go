package cache

import (
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// codec turns entries into entry files and back. Its zstd encoder and
// decoder are made on first use (a lookup that misses needs neither) and then
// shared: EncodeAll and DecodeAll may be called concurrently, each using one
// of a few internal coders, so they keep their tables and buffers from one
// entry to the next.
type codec struct {
	level int // Options.CompressionLevel, ≥ 0

	encOnce sync.Once
	enc     *zstd.Encoder
	encErr  error

	decOnce sync.Once
	dec     *zstd.Decoder
	decErr  error
}

func newCodec(level int) *codec { return &codec{level: level} }

// encoderLevel maps a zstd level (1 … 19 and beyond) to the encoder's.
func encoderLevel(level int) zstd.EncoderLevel {
	if level <= 1 {
		return zstd.SpeedFastest
	}
	return zstd.EncoderLevelFromZstd(level)
}

func (c *codec) encoder() (*zstd.Encoder, error) {
	c.encOnce.Do(func() {
		c.enc, c.encErr = zstd.NewWriter(nil,
			zstd.WithEncoderLevel(encoderLevel(c.level)),
			zstd.WithEncoderCRC(false), // the entry has its own checksum
			// A launcher process encodes one entry: one coder, made on
			// first use, and no goroutines to start and stop.
			zstd.WithEncoderConcurrency(1),
			zstd.WithLowerEncoderMem(true),
		)
		if c.encErr != nil {
			c.encErr = fmt.Errorf("zstd encoder: %w", c.encErr)
		}
	})
	return c.enc, c.encErr
}

func (c *codec) decoder() (*zstd.Decoder, error) {
	c.decOnce.Do(func() {
		c.dec, c.decErr = zstd.NewReader(nil,
			zstd.IgnoreChecksum(true), // the entry has its own checksum
			// DecodeAll runs on the caller's goroutine; more decoders
			// would only start goroutines a launcher never uses.
			zstd.WithDecoderConcurrency(1),
		)
		if c.decErr != nil {
			c.decErr = fmt.Errorf("zstd decoder: %w", c.decErr)
		}
	})
	return c.dec, c.decErr
}

// encode returns the entry file for e, in one allocation when uncompressed
// and two (payload and file) when compressed.
func (c *codec) encode(e *Entry) ([]byte, error) {
	n := payloadSize(e)
	if c.level == 0 {
		b := make([]byte, 0, headerSize+n+checksumSize)
		b = appendHeader(b, compressNone, e.ManifestKey)
		b = appendPayload(b, e)
		return appendChecksum(b), nil
	}
	enc, err := c.encoder()
	if err != nil {
		return nil, err
	}
	payload := appendPayload(make([]byte, 0, n), e)
	b := make([]byte, 0, headerSize+enc.MaxEncodedSize(n)+checksumSize)
	b = appendHeader(b, compressZstd, e.ManifestKey)
	b = enc.EncodeAll(payload, b)
	return appendChecksum(b), nil
}

// decode parses and verifies an entry file. Anything wrong with data is an
// error wrapping ErrCorrupt. The returned entry's byte slices share data
// (uncompressed) or one decompressed buffer: one allocation for the payload,
// one for the outputs, and one per unusual kind name.
func (c *codec) decode(data []byte) (*Entry, error) {
	compression, payload, err := checkEntry(data)
	if err != nil {
		return nil, err
	}
	e := &Entry{}
	copy(e.ManifestKey[:], data[offKey:])
	if compression == compressZstd {
		dec, err := c.decoder()
		if err != nil {
			return nil, err
		}
		if payload, err = dec.DecodeAll(payload, nil); err != nil {
			return nil, corrupt("decompress: %v", err)
		}
	}
	if err := decodePayload(payload, e); err != nil {
		return nil, err
	}
	return e, nil
}
