package remote

import (
	"strings"
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
