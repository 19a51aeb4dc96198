package launcher

import (
	"os"
	"testing"

	"github.com/objcache/objcache/compiler"
)

func TestCompilerColors(t *testing.T) {
	if _, err := os.Stat("/lib/terminfo/x/xterm"); err != nil {
		if _, err := os.Stat("/usr/share/terminfo/x/xterm"); err != nil {
			t.Skip("no terminfo entry for xterm here")
		}
	}
	tests := []struct {
		flavor compiler.Flavor
		env    map[string]string
		want   bool
	}{
		{compiler.FlavorGCC, map[string]string{}, false},
		{compiler.FlavorGCC, map[string]string{"TERM": "dumb"}, false},
		{compiler.FlavorGCC, map[string]string{"TERM": "foo"}, true},
		{compiler.FlavorGCC, map[string]string{"TERM": "xterm", "GCC_COLORS": ""}, false},
		{compiler.FlavorGCC, map[string]string{"TERM": "xterm", "GCC_COLORS": "error=01;31"}, true},
		{compiler.FlavorClang, map[string]string{}, false},
		{compiler.FlavorClang, map[string]string{"TERM": "foo"}, false},
		{compiler.FlavorClang, map[string]string{"TERM": "dumb"}, false},
		{compiler.FlavorClang, map[string]string{"TERM": "xterm"}, true},
		{compiler.FlavorClang, map[string]string{"TERM": "../x/xterm"}, false},
	}
	for _, tt := range tests {
		getenv := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
		if got := compilerColors(tt.flavor, getenv); got != tt.want {
			t.Errorf("compilerColors(%s, %v) = %v, want %v", tt.flavor, tt.env, got, tt.want)
		}
	}
}

func TestTerminfoNumber(t *testing.T) {
	// A legacy entry: names "x\0" (2 bytes), 1 boolean, then (at an even
	// offset) 14 numbers, the last one colors = 8.
	data := []byte{0x1a, 0x01, 2, 0, 1, 0, 14, 0, 0, 0, 0, 0, 'x', 0, 1, 0}
	for i := 0; i < 13; i++ {
		data = append(data, 0xff, 0xff)
	}
	data = append(data, 8, 0)
	if n := terminfoNumber(data, maxColorsIndex); n != 8 {
		t.Errorf("colors = %d, want 8", n)
	}
	if n := terminfoNumber(data[:len(data)-2], maxColorsIndex); n != -1 {
		t.Errorf("truncated: %d, want -1", n)
	}
	if n := terminfoNumber([]byte("not terminfo at all"), maxColorsIndex); n != -1 {
		t.Errorf("garbage: %d, want -1", n)
	}
}
