package netstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/objcache/objcache/remote"
)

// Run is the helper's whole conversation: it reads the hello on in, then
// serves the remote it names (see Serve). A bad hello is answered with an
// error greeting, which objcache reports.
func Run(in io.Reader, out io.Writer) error {
	r := bufio.NewReader(in)
	spec, err := remote.ReadHello(r)
	if err != nil {
		remote.WriteResponse(out, remote.Response{Status: remote.StatusError, Body: []byte(err.Error())})
		return err
	}
	return Serve(spec, r, out)
}

// Serve answers the requests read from in for the remote spec names, one
// at a time, on out: first the greeting, then one response per request,
// until in ends. Each request is bounded by its own timeout and by the
// spec's timeouts.
//
// The end of in also cancels a request in flight: objcache closes the
// helper's stdin only when it is done or gone, and a helper must never
// outlive it by more than a moment.
func Serve(spec remote.Spec, in io.Reader, out io.Writer) error {
	b := open(spec)
	defer b.Close()
	w := bufio.NewWriter(out)
	if err := send(w, remote.Response{Status: remote.StatusOK}); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	requests := make(chan remote.Request)
	ended := make(chan error, 1)
	go func() {
		r := bufio.NewReader(in)
		for {
			req, err := remote.ReadRequest(r)
			if err != nil {
				ended <- err
				cancel()
				return
			}
			select {
			case requests <- req:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case req := <-requests:
			if err := send(w, handle(ctx, spec, b, req)); err != nil {
				return err
			}
		case err := <-ended:
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// send writes resp and flushes it to objcache.
func send(w *bufio.Writer, resp remote.Response) error {
	if err := remote.WriteResponse(w, resp); err != nil {
		return fmt.Errorf("writing a response: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing a response: %w", err)
	}
	return nil
}

// handle performs one request on b.
func handle(ctx context.Context, spec remote.Spec, b backend, req remote.Request) remote.Response {
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	var value []byte
	var err error
	switch {
	case req.Op == remote.OpGet:
		value, err = b.Get(ctx, req.Key)
	case spec.ReadOnly: // objcache does not ask; refuse in case it does
		err = fmt.Errorf("put %s: the remote is read-only", req.Key)
	default:
		err = b.Put(ctx, req.Key, req.Value)
	}
	if err != nil {
		return failure(err)
	}
	return remote.Response{Status: remote.StatusOK, Body: value}
}

// failure is the response that reports err.
func failure(err error) remote.Response {
	status := remote.StatusError
	var ne net.Error
	switch {
	case errors.Is(err, remote.ErrNotFound):
		status = remote.StatusNotFound
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		status = remote.StatusTimeout
	}
	return remote.Response{Status: status, Body: []byte(err.Error())}
}
