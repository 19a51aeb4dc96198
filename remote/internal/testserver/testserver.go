// Package testserver is an in-memory HTTP cache server for the tests of
// remote storage: the plain protocol (GET and PUT of <path>) that nginx
// WebDAV and bazel-remote serve.
package testserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Server is a running test server. URL is its base URL.
type Server struct {
	*httptest.Server
	token string // a bearer token it requires, if not ""
	delay time.Duration

	mu       sync.Mutex
	data     map[string][]byte
	requests int
}

// New starts a server for the test's duration. A token makes it require
// "Authorization: Bearer <token>"; a delay makes it wait that long before
// answering each request.
func New(t testing.TB, token string, delay time.Duration) *Server {
	s := &Server{data: map[string][]byte{}, token: token, delay: delay}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	s.mu.Unlock()
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
		http.Error(w, "no", http.StatusUnauthorized)
		return
	}
	switch r.Method {
	case http.MethodGet:
		v, ok := s.data[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(v)
	case http.MethodPut:
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.data[r.URL.Path] = b
		w.WriteHeader(http.StatusCreated)
	default:
		http.Error(w, "no", http.StatusMethodNotAllowed)
	}
}

// Requests returns how many requests the server received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Value returns what is stored under path (like "/cache/k1").
func (s *Server) Value(path string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.data[path]
	return v, ok
}
