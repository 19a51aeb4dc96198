package remote

import (
	"context"
	"errors"
)

// ErrNotFound is returned (wrapped) by a backend's Get for a key it does
// not hold.
var ErrNotFound = errors.New("not in remote cache")

// backend is one remote engine, as Set sees it: in objcache, the helper
// process that holds the remote's network client.
type backend interface {
	// Get returns the value stored under key, or an error wrapping
	// ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Put stores value under key, replacing any.
	Put(ctx context.Context, key string, value []byte) error
	// Close releases the backend's connections.
	Close() error
}
