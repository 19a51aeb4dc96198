package remote

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/objcache/objcache/digest"
)

// Backoff is how long a remote that failed stays marked down for every
// invocation on the machine: long enough that a dead server costs one
// timeout per backoff rather than one per compile, short enough that a
// restarted server is used again soon.
const Backoff = 30 * time.Second

// ErrDown is returned (wrapped) for a remote marked down, or written to
// when read-only: the caller goes on without it.
var ErrDown = errors.New("remote storage unavailable")

// ObjectName and ManifestName are the remote keys of an object entry and of
// a manifest: 64 hex digits, as bazel-remote's /ac/ expects, in separate
// name spaces.
func ObjectName(key digest.Sum) string { return key.String() }

// ManifestName is the remote key of the manifest under key.
func ManifestName(key digest.Sum) string {
	h := digest.New()
	h.String("objcache manifest")
	h.Bytes(key[:])
	return h.Result().String()
}

// Stats counts what a Set did.
type Stats struct {
	Errors, Timeouts   int64 // failed requests (a timeout counts in both)
	BytesDown, BytesUp int64
}

// Set is the configured remotes, for one invocation. Keys are sharded over
// them by rendezvous hashing, so adding or removing one moves only its share
// of the keys. It is safe for concurrent use (a cl.exe call compiles sources
// in parallel).
//
// Each remote is served by a helper process, objcache-remote (see
// HelperName), started on the remote's first request: objcache itself
// links no network client. A helper that cannot be started, dies or
// misses a deadline is a failed request like any other.
type Set struct {
	members    []*member
	markerDir  string // where down markers live; "" keeps none
	logf       func(format string, args ...any)
	findHelper func() (string, error)

	mu    sync.Mutex
	stats Stats
}

// member is one remote and its state in this invocation.
type member struct {
	spec Spec
	id   string // a hash of the URL: the marker file's name and the shard seed
	b    backend
	down bool
}

// NewSet returns the Set for specs. markerDir (the cache's remote/
// directory) holds the down markers shared by invocations; logf receives
// what happened to each request. A remote's helper starts, and connects,
// on its first request.
func NewSet(specs []Spec, markerDir string, logf func(string, ...any)) *Set {
	s := &Set{markerDir: markerDir, logf: logf, findHelper: findHelper}
	for _, sp := range specs {
		s.members = append(s.members, &member{spec: sp, id: digest.Of([]byte(sp.URL.String())).String()[:16]})
	}
	return s
}

// shard returns the member that holds key: the highest rendezvous score.
func (s *Set) shard(key string) *member {
	var best *member
	var bestScore uint64
	for _, m := range s.members {
		h := digest.New()
		h.String(m.id)
		h.String(key)
		sum := h.Result()
		if score := binary.LittleEndian.Uint64(sum[:8]); best == nil || score > bestScore {
			best, bestScore = m, score
		}
	}
	return best
}

// usable reports whether m may be asked now, and makes its backend (the
// helper starts on the first request). The caller holds s.mu.
func (s *Set) usable(m *member) bool {
	if m.down {
		return false
	}
	if s.markerDir != "" {
		if fi, err := os.Stat(s.marker(m)); err == nil && time.Since(fi.ModTime()) < Backoff {
			m.down = true
			s.logf("remote %s: marked down %v ago by a failure, skipped", m.spec, time.Since(fi.ModTime()).Round(time.Millisecond))
			return false
		}
	}
	if m.b == nil {
		m.b = newHelper(m.spec, s.findHelper)
	}
	return true
}

func (s *Set) marker(m *member) string { return filepath.Join(s.markerDir, m.id+".down") }

// failed marks m down after a failed request, here and, by its marker
// file, for every invocation during Backoff.
func (s *Set) failed(m *member, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Errors++
	if errors.Is(err, context.DeadlineExceeded) { // the helper's timeouts match it too
		s.stats.Timeouts++
	}
	if m.down {
		return
	}
	m.down = true
	s.logf("remote %s: %v; marked down for %v", m.spec, err, Backoff)
	if s.markerDir != "" {
		os.MkdirAll(s.markerDir, 0o777)
		if err := os.WriteFile(s.marker(m), []byte(err.Error()+"\n"), 0o666); err != nil {
			s.logf("remote %s: down marker: %v", m.spec, err)
		}
	}
}

// Get returns the value of key from the remote that holds it. A missing key
// is ErrNotFound; a remote marked down is ErrDown; any other error has
// marked it down.
func (s *Set) Get(ctx context.Context, key string) ([]byte, error) {
	m, b, err := s.pick(key, false)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, m.spec.RequestTimeout)
	defer cancel()
	data, err := b.Get(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, err
	case err != nil:
		s.failed(m, err)
		return nil, err
	}
	s.mu.Lock()
	s.stats.BytesDown += int64(len(data))
	s.mu.Unlock()
	return data, nil
}

// Put stores value under key on the remote that holds it, unless that
// remote is read-only or down (ErrDown).
func (s *Set) Put(ctx context.Context, key string, value []byte) error {
	m, b, err := s.pick(key, true)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, m.spec.RequestTimeout)
	defer cancel()
	if err := b.Put(ctx, key, value); err != nil {
		s.failed(m, err)
		return err
	}
	s.mu.Lock()
	s.stats.BytesUp += int64(len(value))
	s.mu.Unlock()
	return nil
}

// pick returns the member holding key and its backend, or ErrDown.
func (s *Set) pick(key string, write bool) (*member, backend, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.shard(key)
	switch {
	case m == nil:
		return nil, nil, fmt.Errorf("no remote storage: %w", ErrDown)
	case write && m.spec.ReadOnly:
		return nil, nil, fmt.Errorf("remote %s is read-only: %w", m.spec, ErrDown)
	case !s.usable(m):
		return nil, nil, fmt.Errorf("remote %s: %w", m.spec, ErrDown)
	}
	return m, m.b, nil
}

// Stats returns what the Set did so far.
func (s *Set) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Close ends every helper, which closes its connections.
func (s *Set) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.members {
		if m.b != nil {
			m.b.Close()
		}
	}
}
