// Package remote is the cache's second level: a store that a fleet of
// machines shares over the network. It speaks to existing engines, Redis
// and the plain HTTP cache protocol (GET and PUT of /<key>, as nginx with
// WebDAV and bazel-remote serve it), never to a server of its own.
//
// A remote never fails a build and never makes it wait twice: a remote that
// errs or times out is marked down for the rest of the invocation and, by a
// marker file in the cache directory, for a short back-off across
// invocations (see Set). Entries travel in the local format, checksum
// included, and are verified by the caller before use.
package remote

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Default timeouts of a remote, after ccache's: connecting is quick on any
// network a cache is worth using on, and a transfer of a large object may
// take a while.
const (
	DefaultConnectTimeout = 100 * time.Millisecond
	DefaultRequestTimeout = 10 * time.Second
)

// Spec is one configured remote: its URL and attributes, written as
// "URL|attr|attr=value…" (the form ccache uses):
//
//	redis://host:6379/2|read-only
//	redis+unix:///run/redis.sock
//	https://cache.example.com/objcache|bearer-token=SECRET|request-timeout=30s
type Spec struct {
	// URL is the remote's address, without attributes.
	URL *url.URL
	// ReadOnly remotes are read, never written.
	ReadOnly bool
	// ConnectTimeout bounds establishing a connection; RequestTimeout one
	// request, the connection included.
	ConnectTimeout, RequestTimeout time.Duration
	// BearerToken, for HTTP, is sent as "Authorization: Bearer <token>".
	BearerToken string
}

// String returns the spec's URL with any password left out, for logs and
// marker file names.
func (s Spec) String() string { return s.URL.Redacted() }

// Text returns the spec in the form ParseSpec reads, secrets included:
// ParseSpec(s.Text()) is s. It is how objcache hands a remote to its
// helper (over a pipe, never on a command line that ps would show).
func (s Spec) Text() string {
	var b strings.Builder
	b.WriteString(s.URL.String())
	if s.ReadOnly {
		b.WriteString("|read-only")
	}
	fmt.Fprintf(&b, "|connect-timeout=%v|request-timeout=%v", s.ConnectTimeout, s.RequestTimeout)
	if s.BearerToken != "" {
		b.WriteString("|bearer-token=" + s.BearerToken)
	}
	return b.String()
}

// ParseSpec reads one remote_storage entry.
func ParseSpec(text string) (Spec, error) {
	parts := strings.Split(strings.TrimSpace(text), "|")
	u, err := url.Parse(parts[0])
	if err != nil {
		return Spec{}, fmt.Errorf("%q is not a URL: %w", parts[0], err)
	}
	switch u.Scheme {
	case "redis", "rediss", "redis+unix", "http", "https":
	default:
		return Spec{}, fmt.Errorf("%q: the scheme must be redis, rediss, redis+unix, http or https", parts[0])
	}
	if u.Host == "" && u.Scheme != "redis+unix" {
		return Spec{}, fmt.Errorf("%q names no host", parts[0])
	}
	if u.Scheme == "redis+unix" && u.Path == "" {
		return Spec{}, fmt.Errorf("%q names no socket path", parts[0])
	}
	s := Spec{URL: u, ConnectTimeout: DefaultConnectTimeout, RequestTimeout: DefaultRequestTimeout}
	for _, attr := range parts[1:] {
		name, value, hasValue := strings.Cut(strings.TrimSpace(attr), "=")
		switch {
		case name == "read-only" && !hasValue:
			s.ReadOnly = true
		case name == "connect-timeout" || name == "request-timeout":
			d, err := time.ParseDuration(value)
			if err != nil || d <= 0 {
				return Spec{}, fmt.Errorf("%s: %s=%q is not a duration like 100ms or 2s", parts[0], name, value)
			}
			if name == "connect-timeout" {
				s.ConnectTimeout = d
			} else {
				s.RequestTimeout = d
			}
		case name == "bearer-token" && hasValue && value != "":
			s.BearerToken = value
		default:
			return Spec{}, fmt.Errorf("%s: unknown attribute %q (known: read-only, connect-timeout=D, request-timeout=D, bearer-token=T)", parts[0], attr)
		}
	}
	return s, nil
}
