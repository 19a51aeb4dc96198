package testserver

import (
	"context"
	"errors"
	"testing"

	"github.com/objcache/objcache/remote"
)

// GetPutter is what CheckGetPut drives: a remote.Set, or one backend.
type GetPutter interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Put(ctx context.Context, key string, value []byte) error
}

// CheckGetPut checks a round trip: key k1 is missing, then stored, then
// read back.
func CheckGetPut(t *testing.T, r GetPutter) {
	t.Helper()
	ctx := context.Background()
	if _, err := r.Get(ctx, "k1"); !errors.Is(err, remote.ErrNotFound) {
		t.Fatalf("Get of a missing key: %v, want ErrNotFound", err)
	}
	if err := r.Put(ctx, "k1", []byte("value")); err != nil {
		t.Fatal(err)
	}
	if v, err := r.Get(ctx, "k1"); err != nil || string(v) != "value" {
		t.Fatalf("Get = %q, %v", v, err)
	}
}
