package remote

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// HelperName is the helper's executable name, without Windows' ".exe".
// It holds the network clients (see package netstore), so that objcache
// links none of them: a local hit never needs the network, and the helper
// is started only when a remote is consulted.
const HelperName = "objcache-remote"

// helperGrace is how long past the caller's deadline a request may go
// unanswered before the helper is killed. The helper ends its own request
// at the deadline and answers with a timeout; that answer needs a moment
// to arrive, more on a loaded machine.
const helperGrace = 500 * time.Millisecond

// helperExitWait bounds how long Close waits for the helper to exit once
// its stdin is closed, and how long a dead helper's stderr is waited for.
const helperExitWait = time.Second

// helper is the backend of one remote: an objcache-remote process holding
// its network client, started on the first request, spoken to over its
// stdin and stdout. Requests go one at a time. A helper that fails (exits,
// writes garbage, or misses a deadline and is killed) is over: that and
// every later request return the failure, and Set marks the remote down at
// the first one anyway.
type helper struct {
	spec Spec
	find func() (string, error) // the helper's executable

	mu      sync.Mutex
	cmd     *exec.Cmd // nil until started
	stdin   io.WriteCloser
	w       *bufio.Writer
	r       *bufio.Reader
	stderr  *headWriter
	greeted bool  // the greeting was read
	err     error // set when the helper is over: why
}

// errClosed is the failure of a request after Close.
var errClosed = errors.New(HelperName + ": closed")

func newHelper(spec Spec, find func() (string, error)) *helper {
	return &helper{spec: spec, find: find}
}

// Get asks the helper for the value of key.
func (h *helper) Get(ctx context.Context, key string) ([]byte, error) {
	return h.call(ctx, Request{Op: OpGet, Key: key})
}

// Put asks the helper to store value under key.
func (h *helper) Put(ctx context.Context, key string, value []byte) error {
	_, err := h.call(ctx, Request{Op: OpPut, Key: key, Value: value})
	return err
}

// call sends req, starting the helper first if need be, and returns the
// response's body or the error it reports. It waits until ctx's deadline
// (the spec's request-timeout without one) and helperGrace beyond: then the
// helper is killed and the error wraps context.DeadlineExceeded.
func (h *helper) call(ctx context.Context, req Request) ([]byte, error) {
	if len(req.Key) == 0 || len(req.Key) > MaxKey || len(req.Value) > MaxValue {
		return nil, fmt.Errorf("%s: a key of %d bytes or a value of %d is beyond the protocol's limits", HelperName, len(req.Key), len(req.Value))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		return nil, h.err
	}
	budget := h.spec.RequestTimeout
	if d, ok := ctx.Deadline(); ok {
		budget = time.Until(d)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s %s: %w", HelperName, req.Key, err)
	}
	if budget <= 0 {
		return nil, fmt.Errorf("%s %s: no time left: %w", HelperName, req.Key, context.DeadlineExceeded)
	}
	if h.cmd == nil {
		if err := h.start(); err != nil {
			h.err = err
			return nil, err
		}
	}
	req.Timeout = budget

	type result struct {
		resp Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := h.exchange(req)
		done <- result{resp, err}
	}()
	timer := time.NewTimer(budget + helperGrace)
	defer timer.Stop()
	cancelled := ctx.Done()
	for {
		select {
		case res := <-done:
			if res.err != nil {
				return nil, h.fail(res.err)
			}
			return res.resp.Body, res.resp.Err()
		case <-timer.C:
			h.cmd.Process.Kill()
			<-done
			return nil, h.fail(fmt.Errorf("no answer %v after the request's deadline: %w", helperGrace, context.DeadlineExceeded))
		case <-cancelled:
			if errors.Is(ctx.Err(), context.Canceled) {
				h.cmd.Process.Kill()
				<-done
				return nil, h.fail(ctx.Err())
			}
			cancelled = nil // the deadline: the helper's timeout answer is due; the timer bounds the wait
		}
	}
}

// start starts the helper, its stderr kept for error messages.
func (h *helper) start() error {
	path, err := h.find()
	if err != nil {
		return err
	}
	cmd := exec.Command(path, "serve")
	h.stderr = &headWriter{max: 1 << 10}
	cmd.Stderr = h.stderr
	cmd.WaitDelay = helperExitWait
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("starting %s: %w", path, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("starting %s: %w", path, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", path, err)
	}
	h.cmd, h.stdin = cmd, stdin
	h.w, h.r = bufio.NewWriter(stdin), bufio.NewReader(stdout)
	return nil
}

// exchange writes req (after the hello, the first time) and reads the
// response (after the greeting). An error means the conversation broke.
func (h *helper) exchange(req Request) (Response, error) {
	if !h.greeted {
		if err := WriteHello(h.w, h.spec); err != nil {
			return Response{}, fmt.Errorf("writing the hello: %w", err)
		}
	}
	if err := WriteRequest(h.w, req); err != nil {
		return Response{}, fmt.Errorf("writing a request: %w", err)
	}
	if err := h.w.Flush(); err != nil {
		return Response{}, fmt.Errorf("writing a request: %w", err)
	}
	if !h.greeted {
		g, err := ReadResponse(h.r)
		if err != nil {
			return Response{}, fmt.Errorf("reading the greeting: %w", err)
		}
		if g.Status != StatusOK {
			return Response{}, fmt.Errorf("refused the hello: %s", g.Body)
		}
		h.greeted = true
	}
	return ReadResponse(h.r)
}

// fail ends the helper after a broken conversation: it kills the helper if
// it still runs, waits for it, and returns the error for this and every
// later request, with the helper's exit status and first stderr line.
func (h *helper) fail(err error) error {
	h.cmd.Process.Kill()
	var notes []string
	if werr := h.cmd.Wait(); werr != nil {
		notes = append(notes, werr.Error())
	}
	if line := h.stderr.firstLine(); line != "" {
		notes = append(notes, "stderr: "+line)
	}
	if len(notes) > 0 {
		err = fmt.Errorf("%w (%s)", err, strings.Join(notes, "; "))
	}
	h.err = fmt.Errorf("%s: %w", HelperName, err)
	return h.err
}

// Close closes the helper's stdin, which ends it, and waits for it to
// exit; one that does not within helperExitWait is killed.
func (h *helper) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cmd == nil || h.err != nil {
		h.err = errClosed
		return nil // never started, or over already
	}
	h.err = errClosed
	h.stdin.Close()
	exited := make(chan error, 1)
	go func() { exited <- h.cmd.Wait() }()
	timer := time.NewTimer(helperExitWait)
	defer timer.Stop()
	select {
	case err := <-exited:
		if err != nil {
			return fmt.Errorf("%s: %w", HelperName, err)
		}
		return nil
	case <-timer.C:
		h.cmd.Process.Kill()
		<-exited
		return fmt.Errorf("%s did not exit within %v of its input's end: killed", HelperName, helperExitWait)
	}
}
