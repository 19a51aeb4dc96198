package netstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/objcache/objcache/remote"
	"github.com/objcache/objcache/remote/internal/testserver"
)

func spec(t *testing.T, text string) remote.Spec {
	t.Helper()
	s, err := remote.ParseSpec(text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHTTPGetPut(t *testing.T) {
	srv := testserver.New(t, "tok", 0)
	b := open(spec(t, srv.URL+"/cache/|bearer-token=tok"))
	defer b.Close()
	ctx := context.Background()
	testserver.CheckGetPut(t, b)
	if _, ok := srv.Value("/cache/k1"); !ok {
		t.Errorf("not stored under /cache/k1")
	}

	wrong := open(spec(t, srv.URL+"/cache|bearer-token=other"))
	defer wrong.Close()
	if _, err := wrong.Get(ctx, "k1"); err == nil || errors.Is(err, remote.ErrNotFound) {
		t.Errorf("Get with the wrong token: %v, want an error other than not found", err)
	}
	if err := wrong.Put(ctx, "k2", []byte("v")); err == nil {
		t.Errorf("Put with the wrong token succeeded")
	}
}

// TestHTTPTimeouts: request-timeout bounds a request to a server that does
// not answer, and the failure is reported as a timeout.
func TestHTTPTimeouts(t *testing.T) {
	slow := testserver.New(t, "", time.Minute)
	for _, tt := range []struct {
		name string
		spec string
		ctx  time.Duration // a deadline of the caller's, if not 0
	}{
		{"request-timeout", slow.URL + "|request-timeout=50ms", 0},
		{"the caller's deadline", slow.URL, 50 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := open(spec(t, tt.spec))
			defer b.Close()
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			began := time.Now()
			_, err := b.Get(ctx, "k")
			if err == nil {
				t.Fatal("no error from a server slower than the timeout")
			}
			if took := time.Since(began); took > 5*time.Second {
				t.Errorf("the request took %v", took)
			}
			if r := failure(err); r.Status != remote.StatusTimeout {
				t.Errorf("%v is reported as %q, want a timeout", err, r.Status)
			}
		})
	}
}
