package compiler

import (
	"slices"
	"strings"
	"testing"
)

func TestZiAsZ7(t *testing.T) {
	tests := []struct {
		in, want string
		changed  bool
	}{
		{"/c /Zi /Fdout/t.pdb /FS a.cpp", "/c /Z7 a.cpp", true},
		{"-c -Zi -Fd: out/t.pdb a.cpp", "-c -Z7 a.cpp", true},
		{"/c /Z7 a.cpp", "/c /Z7 a.cpp", false},
		{"/c /ZI a.cpp", "/c /ZI a.cpp", false},
		{"/c /Zi /Yupch.h /Fpt.pch a.cpp", "/c /Z7 /Yupch.h /Fpt.pch a.cpp", true},
		{"/c /Fdx.pdb a.cpp", "/c a.cpp", true}, // /Fd alone writes nothing under /Z7 either
	}
	for _, tt := range tests {
		got, changed := ZiAsZ7(strings.Fields(tt.in))
		if !slices.Equal(got, strings.Fields(tt.want)) || changed != tt.changed {
			t.Errorf("ZiAsZ7(%q) = %q, %v; want %q, %v", tt.in, got, changed, tt.want, tt.changed)
		}
	}
}
