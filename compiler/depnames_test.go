package compiler

import (
	"strings"
	"testing"
)

// TestDepfileReasons: dependency options whose depfile objcache does not
// name or write as the compiler does pass the call through.
func TestDepfileReasons(t *testing.T) {
	tests := []struct {
		flavor Flavor
		args   string
		reason string
	}{
		{FlavorGCC, "-c t.c -MD -MF -", "depfile-to-stdout"},
		{FlavorClang, "-c t.c -o t.o -MD -MF -", "depfile-to-stdout"},
		{FlavorGCC, "-c t.c -MD -dumpbase foo", "depfile-name"},
		{FlavorGCC, "-c t.c -MD -dumpdir pre/", "depfile-name"},
		{FlavorGCC, "-c t.c -MD -dumpbase-ext .c", "depfile-name"},
		{FlavorGCC, "-c t.c -o t.o -MD -dumpdir pre/", ""},
		{FlavorGCC, "-c t.c -MD -MF t.d -dumpbase foo", ""},
		{FlavorGCC, "-c t.c -dumpbase foo", ""},
		{FlavorClang, "-c t.c -MF t.d", "unused-dependency-option"},
		{FlavorClang, "-c t.c -MT foo", "unused-dependency-option"},
		{FlavorClang, "-c t.c -MQ foo", "unused-dependency-option"},
		{FlavorClang, "-c t.c -MP", ""},
		{FlavorClang, "-c t.c -MMD -MF t.d -MT foo", ""},
		{FlavorGCC, "-c t.c -MF t.d", "dependency-option-without-md"}, // gcc: "you must specify either -M or -MM"
		{FlavorGCC, "-c t.c -MT foo", "dependency-option-without-md"},
		{FlavorGCC, "-c t.c -MQ foo", "dependency-option-without-md"},
		{FlavorGCC, "-c t.c -MP", "dependency-option-without-md"},
		{FlavorGCC, "-c t.c -MD -MF t.d -MT foo -MP", ""},
		{FlavorGCC, "-c t.c -MMD -MP", ""},
	}
	for _, tt := range tests {
		if got := Parse(tt.flavor, strings.Fields(tt.args), "").Reason; got != tt.reason {
			t.Errorf("%s %q: reason %q, want %q", tt.flavor, tt.args, got, tt.reason)
		}
	}
}
