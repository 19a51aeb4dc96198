package compiler

import (
	"os"
	"path/filepath"
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
		// Without /Zi nothing changes: /ZI keeps its PDB, and a /Z7
		// object records its /Fd (break-it round 9).
		{"/c /Fdx.pdb a.cpp", "/c /Fdx.pdb a.cpp", false},
		{"/c /ZI /Fdx.pdb /FS a.cpp", "/c /ZI /Fdx.pdb /FS a.cpp", false},
		{"/c /Z7 /Fdx.pdb a.cpp", "/c /Z7 /Fdx.pdb a.cpp", false},
	}
	for _, tt := range tests {
		got, changed := ZiAsZ7(strings.Fields(tt.in))
		if !slices.Equal(got, strings.Fields(tt.want)) || changed != tt.changed {
			t.Errorf("ZiAsZ7(%q) = %q, %v; want %q, %v", tt.in, got, changed, tt.want, tt.changed)
		}
	}
}

// TestExpandMSVCArgsOneLevel: cl reads no response file inside another.
func TestExpandMSVCArgsOneLevel(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "inner.rsp"), []byte("/Zi"), 0o666)
	os.WriteFile(filepath.Join(dir, "outer.rsp"), []byte("/c @inner.rsp a.cpp"), 0o666)
	os.WriteFile(filepath.Join(dir, "flat.rsp"), []byte("/c /Zi a.cpp"), 0o666)
	if got, err := ExpandMSVCArgs([]string{"@flat.rsp"}, dir); err != nil || !slices.Equal(got, []string{"/c", "/Zi", "a.cpp"}) {
		t.Errorf("flat: %q, %v", got, err)
	}
	if got, err := ExpandMSVCArgs([]string{"@outer.rsp"}, dir); err == nil {
		t.Errorf("nested: %q, want an error", got)
	}
}
