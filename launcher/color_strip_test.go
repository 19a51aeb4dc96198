package launcher

import (
	"testing"

	"github.com/objcache/objcache/compiler"
)

func TestStripCompilerColor(t *testing.T) {
	tests := []struct {
		flavor   compiler.Flavor
		in, want string
	}{
		{compiler.FlavorGCC, "\x1b[01m\x1b[Kwarn.c:1:1:\x1b[m\x1b[K \x1b[01;35m\x1b[Kwarning: \x1b[m\x1b[Kx\n", "warn.c:1:1: warning: x\n"},
		{compiler.FlavorGCC, "#warning \"\x1b[1mbold\x1b[K\"", "#warning \"\x1b[1mbold\x1b[K\""},
		{compiler.FlavorGCC, "\x1b[01;35m\x1b[Kwarning: \x1b[m\x1b[K#warning \"\x1b[1mbold\x1b[K\"", "warning: #warning \"\x1b[1mbold\x1b[K\""},
		{compiler.FlavorClang, "\x1b[0;1;35mwarning: \x1b[0m\x1b[1m#warning \x1b[31mred\x1b[0m", "warning: #warning \x1b[31mred"},
		{compiler.FlavorClang, "\x1b[0;1;32m^\x1b[0m\x1b[2J", "^\x1b[2J"},
		{compiler.Flavor("other"), "\x1b[0;1;35mwarning:\x1b[0m", "warning:"},
	}
	for _, tt := range tests {
		if got := string(stripCompilerColor([]byte(tt.in), tt.flavor)); got != tt.want {
			t.Errorf("stripCompilerColor(%q, %s) = %q, want %q", tt.in, tt.flavor, got, tt.want)
		}
	}
}
