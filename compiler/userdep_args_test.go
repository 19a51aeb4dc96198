package compiler

import (
	"os"
	"strings"
	"testing"
)

// TestUserDepfileArgs: the pass that writes the user's depfile compiles
// nothing and writes no output but the depfile.
func TestUserDepfileArgs(t *testing.T) {
	null := os.DevNull
	for _, tt := range []struct {
		flavor     Flavor
		args       string
		target     string
		syntaxOnly bool
		want       string
	}{
		{FlavorGCC, "-c a.c -o x.o -o a.o -MD -MF a.d", "", false, "-E a.c -MD -MF D -o " + null},
		{FlavorGCC, "-S -MMD a.c", "a.o", false, "-E -MMD a.c -MF D -MQ a.o -o " + null},
		{FlavorGCC, "-c --output=a.o -MD -include pre.h a.c", "a.o", true, "-fsyntax-only -MD -include pre.h a.c -MF D -MQ a.o -o " + null},
		{FlavorClang, "-c -MD -o a.o -- -c.c", "a.o", false, "-E -MD -MF D -MQ a.o -o " + null + " -- -c.c"},
	} {
		inv := Parse(tt.flavor, strings.Fields(tt.args), "/w")
		if got := strings.Join(inv.UserDepfileArgs("D", tt.target, tt.syntaxOnly), " "); got != tt.want {
			t.Errorf("%s %q:\n got %s\nwant %s", tt.flavor, tt.args, got, tt.want)
		}
	}
}
