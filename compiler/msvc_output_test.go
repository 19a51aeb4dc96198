package compiler

import (
	"runtime"
	"strings"
	"testing"
)

// TestMSVCOutputNames: output options clang-cl reads otherwise than cl
// pass the call through; cl keeps its own reading, and /openmp is no -o.
func TestMSVCOutputNames(t *testing.T) {
	tests := []struct {
		flavor Flavor
		args   string
		reason string
	}{
		{FlavorClang, "/c -ox.obj t.c", "output-option"},
		{FlavorClang, "/c /o x.obj t.c", "output-option"},
		{"", "/c -ox.obj t.c", "output-option"},
		{FlavorClang, "/c /openmp t.c", ""},
		{FlavorClang, "/c /Fo:y.obj t.c", "output-name"},
		{"", "/c /Fo:y.obj t.c", ""},
		{FlavorClang, "/c /Foy.obj t.c", ""},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			flavor Flavor
			args   string
			reason string
		}{FlavorClang, `/c /Foout\ t.c`, "output-name"})
	}
	for _, tt := range tests {
		if got := ParseMSVC(tt.flavor, strings.Fields(tt.args), "", "", "/").Reason; got != tt.reason {
			t.Errorf("%q %q: reason %q, want %q", tt.flavor, tt.args, got, tt.reason)
		}
	}
}
