package netstore

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/objcache/objcache/remote"
	"github.com/objcache/objcache/remote/internal/testserver"
)

// conversation runs Run on pipes and returns objcache's ends of them and
// Run's result.
func conversation(t *testing.T) (in *io.PipeWriter, out *io.PipeReader, result <-chan error) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := Run(inR, outW)
		outW.CloseWithError(errors.New("Run returned"))
		done <- err
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	return inW, outR, done
}

// TestServe goes through a whole conversation with an HTTP remote.
func TestServe(t *testing.T) {
	srv := testserver.New(t, "tok", 0)
	in, out, result := conversation(t)
	go func() {
		remote.WriteHello(in, spec(t, srv.URL+"/c|bearer-token=tok"))
		for _, req := range []remote.Request{
			{Op: remote.OpGet, Timeout: 5 * time.Second, Key: "k1"},
			{Op: remote.OpPut, Timeout: 5 * time.Second, Key: "k1", Value: []byte("value")},
			{Op: remote.OpGet, Key: "k1"},
		} {
			remote.WriteRequest(in, req)
		}
	}()
	for i, want := range []remote.Response{
		{Status: remote.StatusOK},
		{Status: remote.StatusNotFound},
		{Status: remote.StatusOK},
		{Status: remote.StatusOK, Body: []byte("value")},
	} {
		got, err := remote.ReadResponse(out)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		if got.Status != want.Status || (want.Body != nil && string(got.Body) != string(want.Body)) {
			t.Errorf("response %d: %q %q, want %q %q", i, got.Status, got.Body, want.Status, want.Body)
		}
	}
	in.Close()
	if err := <-result; err != nil {
		t.Errorf("Run at the end of its input: %v, want nil", err)
	}
}

// TestServeReadOnly: a put to a read-only remote is refused, though
// objcache never asks.
func TestServeReadOnly(t *testing.T) {
	srv := testserver.New(t, "", 0)
	in, out, _ := conversation(t)
	go func() {
		remote.WriteHello(in, spec(t, srv.URL+"|read-only"))
		remote.WriteRequest(in, remote.Request{Op: remote.OpPut, Key: "k", Value: []byte("v")})
	}()
	remote.ReadResponse(out) // the greeting
	if r, err := remote.ReadResponse(out); err != nil || r.Status != remote.StatusError || !strings.Contains(string(r.Body), "read-only") {
		t.Errorf("put to a read-only remote: %q %q, %v", r.Status, r.Body, err)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("the read-only remote got %d requests", n)
	}
}

// TestServeEndsWithInput: when objcache goes away mid-request (its end of
// the pipe closes), the helper gives up the request and returns at once,
// not when the request would time out.
func TestServeEndsWithInput(t *testing.T) {
	slow := testserver.New(t, "", time.Minute)
	in, out, result := conversation(t)
	go func() {
		remote.WriteHello(in, spec(t, slow.URL+"|request-timeout=1m"))
		remote.WriteRequest(in, remote.Request{Op: remote.OpGet, Timeout: time.Minute, Key: "k"})
	}()
	if r, err := remote.ReadResponse(out); err != nil || r.Status != remote.StatusOK {
		t.Fatalf("greeting %q %q, %v", r.Status, r.Body, err)
	}
	for slow.Requests() == 0 && len(result) == 0 {
		time.Sleep(5 * time.Millisecond) // until the request is in flight
	}
	in.Close()
	go io.Copy(io.Discard, out)
	select {
	case <-result:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve still runs 10s after its input ended")
	}
}

// TestRunBadHello: a hello Run cannot read is answered with an error
// greeting that says why.
func TestRunBadHello(t *testing.T) {
	in, out, result := conversation(t)
	go io.WriteString(in, "GET / HTTP/1.1\r\n\r\n")
	r, err := remote.ReadResponse(out)
	if err != nil || r.Status != remote.StatusError || !strings.Contains(string(r.Body), "not meant to be run by hand") {
		t.Errorf("greeting %q %q, %v", r.Status, r.Body, err)
	}
	if err := <-result; err == nil {
		t.Error("Run returned no error")
	}
}
