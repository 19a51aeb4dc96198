package remote

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSpecTextRoundTrip(t *testing.T) {
	for _, text := range []string{
		"redis://127.0.0.1:6379",
		"redis://:secret@h:1/2|read-only|connect-timeout=50ms",
		"rediss://user:pw@h|request-timeout=1m30s",
		"redis+unix:///run/redis.sock?db=3",
		"https://c.example/objcache|bearer-token=abc|request-timeout=3s",
	} {
		s, err := ParseSpec(text)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseSpec(s.Text())
		if err != nil {
			t.Fatalf("ParseSpec(%q.Text() = %q): %v", text, s.Text(), err)
		}
		if !reflect.DeepEqual(again, s) {
			t.Errorf("%q: Text() = %q reads back as %+v, want %+v", text, s.Text(), again, s)
		}
	}
}

// TestFramesRoundTrip writes a conversation and reads it back.
func TestFramesRoundTrip(t *testing.T) {
	spec, err := ParseSpec("http://h/c|bearer-token=tok|read-only")
	if err != nil {
		t.Fatal(err)
	}
	requests := []Request{
		{Op: OpGet, Timeout: 3 * time.Second, Key: "k1"},
		{Op: OpPut, Timeout: time.Millisecond, Key: strings.Repeat("k", MaxKey), Value: bytes.Repeat([]byte("v"), preallocate+10)},
		{Op: OpPut, Key: "empty", Value: []byte{}},
	}
	responses := []Response{
		{Status: StatusOK, Body: []byte{}},
		{Status: StatusOK, Body: bytes.Repeat([]byte{0, 1}, preallocate)},
		{Status: StatusNotFound, Body: []byte("redis get k: not in remote cache")},
		{Status: StatusError, Body: []byte("refused")},
		{Status: StatusTimeout, Body: []byte("i/o timeout")},
	}
	var buf bytes.Buffer
	if err := WriteHello(&buf, spec); err != nil {
		t.Fatal(err)
	}
	for _, r := range requests {
		WriteRequest(&buf, r)
	}
	for _, r := range responses {
		WriteResponse(&buf, r)
	}
	got, err := ReadHello(&buf)
	if err != nil || !reflect.DeepEqual(got, spec) {
		t.Fatalf("ReadHello = %+v, %v; want %+v", got, err, spec)
	}
	for _, want := range requests {
		got, err := ReadRequest(&buf)
		if want.Value == nil {
			want.Value = []byte{}
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ReadRequest = %.40v, %v; want %.40v", got, err, want)
		}
	}
	for _, want := range responses {
		if got, err := ReadResponse(&buf); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ReadResponse = %.40v, %v; want %.40v", got, err, want)
		}
	}
	if _, err := ReadRequest(&buf); err != io.EOF {
		t.Errorf("ReadRequest at the end: %v, want io.EOF", err)
	}
}

func TestResponseErr(t *testing.T) {
	tests := []struct {
		status             Status
		notFound, deadline bool
	}{
		{StatusNotFound, true, false},
		{StatusTimeout, false, true},
		{StatusError, false, false},
	}
	for _, tt := range tests {
		err := Response{Status: tt.status, Body: []byte("the message")}.Err()
		if err == nil || err.Error() != "the message" ||
			errors.Is(err, ErrNotFound) != tt.notFound || errors.Is(err, context.DeadlineExceeded) != tt.deadline {
			t.Errorf("status %q: Err() = %v", tt.status, err)
		}
	}
	if err := (Response{Status: StatusOK}).Err(); err != nil {
		t.Errorf("StatusOK: Err() = %v", err)
	}
}

// TestGarbageFrames: anything that is not a well-formed frame is an error,
// never a huge allocation or a hang.
func TestGarbageFrames(t *testing.T) {
	header := func(op byte, timeout int64, key, value uint32) []byte {
		b := []byte{op}
		b = binary.BigEndian.AppendUint64(b, uint64(timeout))
		b = binary.BigEndian.AppendUint32(b, key)
		return binary.BigEndian.AppendUint32(b, value)
	}
	requests := []struct {
		name, input, want string
	}{
		{"unknown op", string(header('X', 0, 1, 0)) + "k", "op"},
		{"negative timeout", string(header('G', -1, 1, 0)) + "k", "timeout"},
		{"empty key", string(header('G', 0, 0, 0)), "key of 0 bytes"},
		{"huge key", string(header('G', 0, MaxKey+1, 0)), "key of"},
		{"get with a value", string(header('G', 0, 1, 1)) + "kv", "get with a value"},
		{"huge value", string(header('P', 0, 1, MaxValue+1)) + "k", "more than the limit"},
		{"short header", "G\x00\x00", "unexpected EOF"},
		{"short value", string(header('P', 0, 1, preallocate+5)) + "kvvv", "unexpected EOF"},
	}
	for _, tt := range requests {
		if _, err := ReadRequest(strings.NewReader(tt.input)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("request %s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	responses := []struct {
		name, input, want string
	}{
		{"empty", "", "EOF"},
		{"text", "hello, world\n", "status"},
		{"huge body", "K\xff\xff\xff\xff", "more than the limit"},
		{"short body", "E\x00\x00\x00\x09oops", "unexpected EOF"},
	}
	for _, tt := range responses {
		if _, err := ReadResponse(strings.NewReader(tt.input)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("response %s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	hellos := []struct {
		name, input, want string
	}{
		{"not a hello", "GET / HTTP/1.1\r\n", "not an objcache hello"},
		{"another version", "OCRP\x02\x00\x00\x00\x00", "version 2"},
		{"huge spec", "OCRP\x01\x00\x10\x00\x01", "more than the limit"},
		{"bad spec", "OCRP\x01\x00\x00\x00\x08ftp://h/", "scheme must be"},
	}
	for _, tt := range hellos {
		if _, err := ReadHello(strings.NewReader(tt.input)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("hello %s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}
