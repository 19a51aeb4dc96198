package remote_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/objcache/objcache/remote"
	"github.com/objcache/objcache/remote/internal/testserver"
	"github.com/objcache/objcache/remote/netstore"
)

// helperModeVar, when set, makes the test binary a helper instead (the
// helpers that tests start are the test binary itself): "serve" is the
// real one, objcache-remote's body; the others misbehave as their names
// say (see fakeHelper).
const helperModeVar = "OBJCACHE_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperModeVar); mode != "" {
		os.Exit(fakeHelper(mode))
	}
	os.Exit(m.Run())
}

// fakeHelper is the test binary's life as a helper, in mode.
func fakeHelper(mode string) int {
	if mode == "serve" {
		if err := netstore.Run(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "objcache-remote:", err)
			return 1
		}
		return 0
	}
	in := bufio.NewReader(os.Stdin)
	if _, err := remote.ReadHello(in); err != nil {
		return 1
	}
	switch mode {
	case "refuse":
		remote.WriteResponse(os.Stdout, remote.Response{Status: remote.StatusError, Body: []byte("no such remote")})
		return 1
	case "garbage":
		io.WriteString(os.Stdout, "this is not the helper protocol\n")
		io.Copy(io.Discard, in)
		return 0
	}
	remote.WriteResponse(os.Stdout, remote.Response{Status: remote.StatusOK})
	if _, err := remote.ReadRequest(in); err != nil {
		return 1
	}
	switch mode {
	case "hang":
		time.Sleep(time.Minute)
	case "exit":
		fmt.Fprintln(os.Stderr, "helper crashed on purpose")
		return 3
	}
	return 0
}

// self finds the test binary as the helper.
func self() (string, error) { return os.Executable() }

// newSet returns a Set whose helpers are the test binary in mode.
func newSet(t *testing.T, mode, markerDir string, urls ...string) *remote.Set {
	t.Helper()
	return newSetFinding(t, mode, markerDir, self, urls...)
}

// newSetFinding returns a Set whose helpers are found by find, and run
// in mode if they are the test binary.
func newSetFinding(t *testing.T, mode, markerDir string, find func() (string, error), urls ...string) *remote.Set {
	t.Helper()
	t.Setenv(helperModeVar, mode)
	var specs []remote.Spec
	for _, u := range urls {
		s, err := remote.ParseSpec(u)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	set := remote.NewSetWithFinder(specs, markerDir, t.Logf, find)
	t.Cleanup(set.Close)
	return set
}

// TestHelperRoundTrip: requests go through a helper process to an HTTP
// server and back, and Close ends the helper.
func TestHelperRoundTrip(t *testing.T) {
	srv := testserver.New(t, "tok", 0)
	set := newSet(t, "serve", "", srv.URL+"/cache|bearer-token=tok")
	testserver.CheckGetPut(t, set)
	if _, ok := srv.Value("/cache/k1"); !ok {
		t.Errorf("not stored under /cache/k1")
	}
	if st := set.Stats(); st.BytesUp != 5 || st.BytesDown != 5 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
	set.Close()
	if !remote.HelpersExited(set) {
		t.Error("a helper still runs after Close")
	}
}

// TestHelperConcurrent: a Set used from several goroutines (as a cl.exe
// call compiling sources in parallel does) sends one request at a time to
// each helper, and every answer reaches its own caller.
func TestHelperConcurrent(t *testing.T) {
	a, b := testserver.New(t, "", 0), testserver.New(t, "", 0)
	set := newSet(t, "serve", "", a.URL, b.URL)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				key, value := fmt.Sprintf("g%d-k%d", g, i), fmt.Sprintf("value %d of %d", i, g)
				if err := set.Put(context.Background(), key, []byte(value)); err != nil {
					errs <- err
					return
				}
				if v, err := set.Get(context.Background(), key); err != nil || string(v) != value {
					errs <- fmt.Errorf("Get(%s) = %q, %v; want %q", key, v, err, value)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if a.Requests() == 0 || b.Requests() == 0 {
		t.Errorf("requests %d and %d: keys not spread over both remotes", a.Requests(), b.Requests())
	}
}

// TestHelperFailures: a helper that cannot be found, refuses the remote,
// hangs, dies mid-request or writes garbage fails the request with an
// error that says so (a timeout for the hang, after the helper is killed),
// and the remote is marked down.
func TestHelperFailures(t *testing.T) {
	srv := testserver.New(t, "", 0)
	empty := t.TempDir()
	missing := func() (string, error) { return remote.LocateHelper(filepath.Join(empty, "objcache")) }
	tests := []struct {
		name     string
		mode     string
		spec     string
		find     func() (string, error) // self if nil
		deadline time.Duration          // the caller's, if not 0
		want     string                 // in the error
		timeout  bool
	}{
		{"missing", "serve", srv.URL, missing, 0, "objcache-remote not found next to", false},
		{"refuses the remote", "refuse", srv.URL, nil, 0, "refused the hello: no such remote", false},
		{"hangs past request-timeout", "hang", srv.URL + "|request-timeout=200ms", nil, 0, "no answer 500ms after the request's deadline", true},
		{"hangs past the caller's deadline", "hang", srv.URL, nil, 200 * time.Millisecond, "no answer 500ms after", true},
		{"exits mid-request", "exit", srv.URL, nil, 0, "exit status 3; stderr: helper crashed on purpose", false},
		{"writes garbage", "garbage", srv.URL, nil, 0, "bad response", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.find == nil {
				tt.find = self
			} else {
				t.Setenv("PATH", empty)
			}
			set := newSetFinding(t, tt.mode, t.TempDir(), tt.find, tt.spec)
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			began := time.Now()
			_, err := set.Get(ctx, "k")
			took := time.Since(began)
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, remote.ErrNotFound) {
				t.Fatalf("Get: %v, want an error containing %q", err, tt.want)
			}
			if errors.Is(err, context.DeadlineExceeded) != tt.timeout {
				t.Errorf("Get: %v; a timeout: %v, want %v", err, !tt.timeout, tt.timeout)
			}
			if took > 20*time.Second {
				t.Errorf("Get took %v", took)
			}
			st := set.Stats()
			if st.Errors != 1 || (st.Timeouts == 1) != tt.timeout {
				t.Errorf("stats %+v", st)
			}
			if _, err := set.Get(context.Background(), "k"); !errors.Is(err, remote.ErrDown) {
				t.Errorf("second Get: %v, want ErrDown", err)
			}
			set.Close()
			if !remote.HelpersExited(set) {
				t.Error("the helper still runs")
			}
		})
	}
}

// TestDownMarker: a remote that fails is asked no more by this Set, nor,
// through the marker file, by a later one during the back-off.
func TestDownMarker(t *testing.T) {
	srv := testserver.New(t, "", 0)
	url := srv.URL
	srv.Close() // connection refused from now on
	markers := t.TempDir()
	set := newSet(t, "serve", markers, url)
	if _, err := set.Get(context.Background(), "k"); err == nil || errors.Is(err, remote.ErrNotFound) || errors.Is(err, remote.ErrDown) {
		t.Fatalf("Get from a dead server: %v", err)
	}
	if _, err := set.Get(context.Background(), "k"); !errors.Is(err, remote.ErrDown) {
		t.Errorf("second Get: %v, want ErrDown", err)
	}
	if st := set.Stats(); st.Errors != 1 {
		t.Errorf("%d errors, want 1", st.Errors)
	}
	files, _ := filepath.Glob(filepath.Join(markers, "*.down"))
	if len(files) != 1 {
		t.Fatalf("%d marker files", len(files))
	}
	later := newSet(t, "serve", markers, url)
	if _, err := later.Get(context.Background(), "k"); !errors.Is(err, remote.ErrDown) {
		t.Errorf("a later invocation asked the dead server: %v", err)
	}
	// After the back-off it is tried again.
	old := time.Now().Add(-2 * remote.Backoff)
	os.Chtimes(files[0], old, old)
	again := newSet(t, "serve", markers, url)
	if _, err := again.Get(context.Background(), "k"); errors.Is(err, remote.ErrDown) {
		t.Errorf("after the back-off: %v, want a real attempt", err)
	}
}

// TestReadOnlyAndTimeout: a read-only remote is never written (its helper
// not even started), and request-timeout reaches the helper, which gives
// up the request and reports a timeout itself.
func TestReadOnlyAndTimeout(t *testing.T) {
	srv := testserver.New(t, "", 0)
	set := newSet(t, "serve", "", srv.URL+"|read-only")
	if err := set.Put(context.Background(), "k", []byte("v")); !errors.Is(err, remote.ErrDown) {
		t.Errorf("Put to a read-only remote: %v, want ErrDown", err)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("a read-only remote got %d requests", n)
	}

	slow := testserver.New(t, "", time.Minute)
	set = newSet(t, "serve", "", slow.URL+"|request-timeout=100ms")
	began := time.Now()
	_, err := set.Get(context.Background(), "k")
	if err == nil {
		t.Fatal("no error from a server slower than the timeout")
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("the request took %v despite request-timeout=100ms", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "no answer 500ms after") {
		t.Errorf("Get: %v, want the helper's own timeout", err)
	}
	if st := set.Stats(); st.Timeouts != 1 {
		t.Errorf("stats %+v, want one timeout", st)
	}
}
