package remote

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// The helper protocol is how objcache talks to objcache-remote, the helper
// process that holds the network clients (see Set). Over the helper's
// stdin and stdout, objcache writes a hello naming the remote and then
// requests, one at a time; the helper answers the hello with a greeting and
// each request with one response, in order:
//
//	hello    = "OCRP" version:u8 len:u32 spec-text              objcache, once
//	greeting = response                                          helper, once: ok (empty), or an error, then it exits
//	request  = op:u8 timeout-ns:i64 keylen:u32 vallen:u32 key value
//	response = status:u8 len:u32 body
//
// Integers are big-endian. The spec text is Spec.Text, secrets included:
// that is why it travels on the pipe, not on the helper's command line.
// timeout-ns is the time left to the caller's deadline when the request was
// written; the helper gives up on the request by then.
//
// Invariant: the hello and response layouts never change, so that a helper
// of another version can always say so in its greeting; protocolVersion
// covers everything else. A frame that breaks a limit below, or has an op
// or status not listed, is garbage: the reader returns an error and the
// conversation is over.

// protocolVersion is the helper protocol's version, in the hello.
const protocolVersion = 1

// helloMagic opens a hello.
const helloMagic = "OCRP"

// Limits on a frame's parts. A value is an entry or a manifest, far
// smaller than MaxValue; a server (or helper) sending more is broken.
const (
	MaxKey   = 1 << 10
	MaxValue = 1 << 30
	maxSpec  = 1 << 16
)

// Op is what a request asks for.
type Op byte

// The ops.
const (
	OpGet Op = 'G' // the value of Key
	OpPut Op = 'P' // store Value under Key
)

// Request is one request to the helper.
type Request struct {
	Op Op
	// Timeout is the time left for the request; the helper's own clients
	// stop by then. Zero leaves only the spec's request-timeout.
	Timeout time.Duration
	Key     string
	Value   []byte // for OpPut
}

// Status is the outcome of a request, the first byte of a response.
type Status byte

// The statuses. All but StatusOK carry a message as their body.
const (
	StatusOK       Status = 'K' // body: the value (get) or nothing (put, greeting)
	StatusNotFound Status = 'N' // the remote does not hold the key
	StatusError    Status = 'E' // the request failed
	StatusTimeout  Status = 'T' // the request ran out of time
)

// Response is the helper's answer to one request (or to the hello).
type Response struct {
	Status Status
	Body   []byte
}

// Err returns nil for StatusOK and otherwise the error the response
// reports, carrying its message: it matches ErrNotFound for
// StatusNotFound and context.DeadlineExceeded for StatusTimeout (which
// Set counts as a timeout).
func (r Response) Err() error {
	if r.Status == StatusOK {
		return nil
	}
	return &statusError{status: r.Status, msg: string(r.Body)}
}

// statusError is a failure the helper reported.
type statusError struct {
	status Status
	msg    string
}

func (e *statusError) Error() string { return e.msg }

func (e *statusError) Is(target error) bool {
	switch e.status {
	case StatusNotFound:
		return target == ErrNotFound
	case StatusTimeout:
		return target == context.DeadlineExceeded
	}
	return false
}

// WriteHello writes the hello naming s.
func WriteHello(w io.Writer, s Spec) error {
	text := s.Text()
	var hdr [len(helloMagic) + 5]byte
	copy(hdr[:], helloMagic)
	hdr[len(helloMagic)] = protocolVersion
	binary.BigEndian.PutUint32(hdr[len(helloMagic)+1:], uint32(len(text)))
	return writeAll(w, hdr[:], []byte(text))
}

// ReadHello reads the hello and returns the spec it names.
func ReadHello(r io.Reader) (Spec, error) {
	var hdr [len(helloMagic) + 5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return Spec{}, fmt.Errorf("reading the hello: %w", err)
	}
	if string(hdr[:len(helloMagic)]) != helloMagic {
		return Spec{}, errors.New("the input is not an objcache hello: objcache-remote is objcache's helper, not meant to be run by hand")
	}
	if v := hdr[len(helloMagic)]; v != protocolVersion {
		return Spec{}, fmt.Errorf("objcache speaks helper protocol version %d and this objcache-remote version %d: install both from the same release", v, protocolVersion)
	}
	text, err := readBody(r, binary.BigEndian.Uint32(hdr[len(helloMagic)+1:]), maxSpec)
	if err != nil {
		return Spec{}, fmt.Errorf("reading the hello's spec: %w", err)
	}
	return ParseSpec(string(text))
}

// WriteRequest writes req.
func WriteRequest(w io.Writer, req Request) error {
	var hdr [17]byte
	hdr[0] = byte(req.Op)
	binary.BigEndian.PutUint64(hdr[1:], uint64(req.Timeout))
	binary.BigEndian.PutUint32(hdr[9:], uint32(len(req.Key)))
	binary.BigEndian.PutUint32(hdr[13:], uint32(len(req.Value)))
	return writeAll(w, hdr[:], []byte(req.Key), req.Value)
}

// ReadRequest reads one request. It returns io.EOF, unwrapped, when the
// input ends before a request begins: objcache is done (or gone).
func ReadRequest(r io.Reader) (Request, error) {
	var hdr [17]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if err == io.EOF {
			return Request{}, err
		}
		return Request{}, fmt.Errorf("reading a request: %w", err)
	}
	req := Request{Op: Op(hdr[0]), Timeout: time.Duration(binary.BigEndian.Uint64(hdr[1:]))}
	keyLen, valueLen := binary.BigEndian.Uint32(hdr[9:]), binary.BigEndian.Uint32(hdr[13:])
	switch {
	case req.Op != OpGet && req.Op != OpPut:
		return Request{}, fmt.Errorf("bad request: op %q", hdr[0])
	case req.Timeout < 0:
		return Request{}, fmt.Errorf("bad request: timeout %v", req.Timeout)
	case keyLen == 0 || keyLen > MaxKey:
		return Request{}, fmt.Errorf("bad request: a key of %d bytes", keyLen)
	case req.Op == OpGet && valueLen != 0:
		return Request{}, errors.New("bad request: a get with a value")
	}
	key, err := readBody(r, keyLen, MaxKey)
	if err != nil {
		return Request{}, fmt.Errorf("reading a request's key: %w", err)
	}
	req.Key = string(key)
	if req.Value, err = readBody(r, valueLen, MaxValue); err != nil {
		return Request{}, fmt.Errorf("reading a request's value: %w", err)
	}
	return req, nil
}

// WriteResponse writes resp.
func WriteResponse(w io.Writer, resp Response) error {
	var hdr [5]byte
	hdr[0] = byte(resp.Status)
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(resp.Body)))
	return writeAll(w, hdr[:], resp.Body)
}

// ReadResponse reads one response.
func ReadResponse(r io.Reader) (Response, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return Response{}, fmt.Errorf("reading a response: %w", err)
	}
	resp := Response{Status: Status(hdr[0])}
	switch resp.Status {
	case StatusOK, StatusNotFound, StatusError, StatusTimeout:
	default:
		return Response{}, fmt.Errorf("bad response: status %q", hdr[0])
	}
	var err error
	if resp.Body, err = readBody(r, binary.BigEndian.Uint32(hdr[1:]), MaxValue); err != nil {
		return Response{}, fmt.Errorf("reading a response's body: %w", err)
	}
	return resp, nil
}

// writeAll writes the parts in order.
func writeAll(w io.Writer, parts ...[]byte) error {
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// preallocate is the largest body read into a buffer of its announced
// size at once; a larger one grows as its bytes arrive, so that a garbage
// length costs no more than this.
const preallocate = 1 << 20

// readBody reads the n bytes of a frame's part, at most limit.
func readBody(r io.Reader, n uint32, limit int) ([]byte, error) {
	if int64(n) > int64(limit) {
		return nil, fmt.Errorf("%d bytes, more than the limit of %d", n, limit)
	}
	if n <= preallocate {
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, noEOF(err)
		}
		return b, nil
	}
	var buf bytes.Buffer
	buf.Grow(preallocate)
	got, err := buf.ReadFrom(io.LimitReader(r, int64(n)))
	if err == nil && got < int64(n) {
		err = io.ErrUnexpectedEOF
	}
	return buf.Bytes(), err
}

// noEOF turns the end of the input inside a frame into
// io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
