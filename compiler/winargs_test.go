package compiler

import (
	"reflect"
	"slices"
	"testing"
)

func TestSplitWindowsArgs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`/c foo.c`, []string{"/c", "foo.c"}},
		{`"a b.c" /Fo"out dir\\" /DX`, []string{"a b.c", `/Foout dir\`, "/DX"}},
		{`C:\src\x.c \\server\share`, []string{`C:\src\x.c`, `\\server\share`}},
		{`/DQ=\"v\"`, []string{`/DQ="v"`}},
		{`a\\\"b`, []string{`a\"b`}},
		{"  \t/O2\r\n/EHsc  ", []string{"/O2", "/EHsc"}},
		{`"say ""hi"""`, []string{`say "hi"`}},
		{``, nil},
	}
	for _, tt := range tests {
		if got := SplitWindowsArgs(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitWindowsArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestJoinWindowsArgsRoundTrip: what JoinWindowsArgs writes splits back
// into the same arguments.
func TestJoinWindowsArgsRoundTrip(t *testing.T) {
	for _, args := range [][]string{
		{"/c", "/I../inc", "/DX=1"},
		{`/IC:\Program Files\x\`, `/Da="b c"`, ""},
		{`a\\b`, `tab	here`, `quote"in`, `end\`},
	} {
		line := JoinWindowsArgs(args)
		if got := SplitWindowsArgs(line); !slices.Equal(got, args) {
			t.Errorf("SplitWindowsArgs(JoinWindowsArgs(%q)) = %q (line %s)", args, got, line)
		}
	}
}
