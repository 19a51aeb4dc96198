package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		text    string
		wantErr string
		check   func(Spec) bool
	}{
		{"redis://127.0.0.1:6379", "", func(s Spec) bool { return !s.ReadOnly && s.ConnectTimeout == DefaultConnectTimeout }},
		{"redis://h:1/2|read-only|connect-timeout=50ms", "", func(s Spec) bool { return s.ReadOnly && s.ConnectTimeout == 50*time.Millisecond }},
		{"redis+unix:///run/redis.sock", "", func(s Spec) bool { return s.URL.Path == "/run/redis.sock" }},
		{"https://c.example/objcache|bearer-token=abc|request-timeout=3s", "", func(s Spec) bool {
			return s.BearerToken == "abc" && s.RequestTimeout == 3*time.Second
		}},
		{"ftp://h/x", "scheme must be", nil},
		{"http:///x", "names no host", nil},
		{"redis+unix://", "no socket path", nil},
		{"redis://h|ro", `unknown attribute "ro"`, nil},
		{"redis://h|request-timeout=soon", "not a duration", nil},
		{"redis://h|bearer-token=", "unknown attribute", nil},
	}
	for _, tt := range tests {
		s, err := ParseSpec(tt.text)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseSpec(%q) error = %v, want one containing %q", tt.text, err, tt.wantErr)
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseSpec(%q): %v", tt.text, err)
		case tt.wantErr == "" && !tt.check(s):
			t.Errorf("ParseSpec(%q) = %+v", tt.text, s)
		}
	}
	if s, _ := ParseSpec("redis://:secret@h:1"); strings.Contains(s.String(), "secret") {
		t.Errorf("String() shows the password: %s", s)
	}
}

// server is an in-memory HTTP cache server that counts requests.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	data     map[string][]byte
	requests int
	token    string
}

func newServer(t *testing.T, token string) *server {
	s := &server{data: map[string][]byte{}, token: token}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests++
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
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func specs(t *testing.T, urls ...string) []Spec {
	var list []Spec
	for _, u := range urls {
		s, err := ParseSpec(u)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, s)
	}
	return list
}

func TestHTTPGetPut(t *testing.T) {
	srv := newServer(t, "tok")
	set := NewSet(specs(t, srv.URL+"/cache|bearer-token=tok"), "", t.Logf)
	defer set.Close()
	ctx := context.Background()
	if _, err := set.Get(ctx, "k1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing key: %v, want ErrNotFound", err)
	}
	if err := set.Put(ctx, "k1", []byte("value")); err != nil {
		t.Fatal(err)
	}
	if v, err := set.Get(ctx, "k1"); err != nil || string(v) != "value" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if _, ok := srv.data["/cache/k1"]; !ok {
		t.Errorf("stored under %v, want /cache/k1", srv.data)
	}
	if st := set.Stats(); st.BytesUp != 5 || st.BytesDown != 5 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestDownMarker: a remote that fails is asked no more by this Set, nor,
// through the marker file, by a later one during the back-off.
func TestDownMarker(t *testing.T) {
	srv := newServer(t, "")
	url := srv.URL
	srv.Close() // connection refused from now on
	markers := t.TempDir()
	set := NewSet(specs(t, url), markers, t.Logf)
	if _, err := set.Get(context.Background(), "k"); err == nil || errors.Is(err, ErrNotFound) {
		t.Fatalf("Get from a dead server: %v", err)
	}
	if _, err := set.Get(context.Background(), "k"); !errors.Is(err, ErrDown) {
		t.Errorf("second Get: %v, want ErrDown", err)
	}
	if st := set.Stats(); st.Errors != 1 {
		t.Errorf("%d errors, want 1", st.Errors)
	}
	files, _ := filepath.Glob(filepath.Join(markers, "*.down"))
	if len(files) != 1 {
		t.Fatalf("%d marker files", len(files))
	}
	later := NewSet(specs(t, url), markers, t.Logf)
	if _, err := later.Get(context.Background(), "k"); !errors.Is(err, ErrDown) {
		t.Errorf("a later invocation asked the dead server: %v", err)
	}
	// After the back-off it is tried again.
	old := time.Now().Add(-2 * Backoff)
	os.Chtimes(files[0], old, old)
	again := NewSet(specs(t, url), markers, t.Logf)
	if _, err := again.Get(context.Background(), "k"); errors.Is(err, ErrDown) {
		t.Errorf("after the back-off: %v, want a real attempt", err)
	}
}

func TestReadOnlyAndTimeout(t *testing.T) {
	srv := newServer(t, "")
	set := NewSet(specs(t, srv.URL+"|read-only"), "", t.Logf)
	if err := set.Put(context.Background(), "k", []byte("v")); !errors.Is(err, ErrDown) {
		t.Errorf("Put to a read-only remote: %v, want ErrDown", err)
	}
	if srv.requests != 0 {
		t.Errorf("a read-only remote got %d requests", srv.requests)
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(time.Second) }))
	defer slow.Close()
	set = NewSet(specs(t, slow.URL+"|request-timeout=50ms"), "", t.Logf)
	began := time.Now()
	if _, err := set.Get(context.Background(), "k"); err == nil {
		t.Fatal("no error from a server slower than the timeout")
	}
	if took := time.Since(began); took > 900*time.Millisecond {
		t.Errorf("the request took %v despite request-timeout=50ms", took)
	}
	if st := set.Stats(); st.Timeouts != 1 {
		t.Errorf("stats %+v, want one timeout", st)
	}
}

// TestRendezvousSharding: keys spread over the remotes, each key always on
// the same one, and removing a remote moves only its keys.
func TestRendezvousSharding(t *testing.T) {
	a, b, c := newServer(t, ""), newServer(t, ""), newServer(t, "")
	three := NewSet(specs(t, a.URL, b.URL, c.URL), "", t.Logf)
	owner := map[string]string{}
	count := map[string]int{}
	for i := range 300 {
		k := fmt.Sprintf("key%d", i)
		m := three.shard(k)
		owner[k] = m.spec.URL.String()
		count[owner[k]]++
		if three.shard(k) != m {
			t.Fatal("shard is not stable")
		}
	}
	for _, s := range []*server{a, b, c} {
		if n := count[s.URL]; n < 60 {
			t.Errorf("%s holds %d of 300 keys", s.URL, n)
		}
	}
	two := NewSet(specs(t, a.URL, b.URL), "", t.Logf)
	for k, o := range owner {
		if o != c.URL && two.shard(k).spec.URL.String() != o {
			t.Errorf("key %s moved from %s though its remote stayed", k, o)
		}
	}
}
