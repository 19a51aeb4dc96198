package compiler

import (
	"reflect"
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
