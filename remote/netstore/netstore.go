// Package netstore holds remote storage's network clients, HTTP(S) and
// Redis, and Serve, which answers objcache's requests for one remote over
// the helper protocol of package remote. It is the body of the helper
// command objcache-remote: objcache itself never links it, so that
// net/http, crypto/tls and go-redis cost a local cache hit nothing.
package netstore

import (
	"context"

	"github.com/objcache/objcache/remote"
)

// backend is one remote engine.
type backend interface {
	// Get returns the value stored under key, or an error wrapping
	// remote.ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Put stores value under key, replacing any.
	Put(ctx context.Context, key string, value []byte) error
	// Close releases the backend's connections.
	Close() error
}

// open returns the backend for a spec.
func open(s remote.Spec) backend {
	switch s.URL.Scheme {
	case "http", "https":
		return newHTTP(s)
	default:
		return newRedis(s)
	}
}
