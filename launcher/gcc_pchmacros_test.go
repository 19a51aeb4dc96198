package launcher

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestProbeVerdict(t *testing.T) {
	tests := []struct {
		stdout string
		want   string
	}{
		{"#define __STDC__ 1\n#define V 2\n", pchMacrosNotLoaded},
		{"#pragma GCC pch_preprocess \"./p.h.gch\"\n#define V 2\n", pchMacrosClean},
		{"#pragma GCC pch_preprocess \"./p.h.gch\"\n#define STAMP __TIME__\n", pchMacrosTimeMacro},
		{"#pragma GCC pch_preprocess \"./p.h.gch\"\n#define F(x) x __DATE__\n", pchMacrosTimeMacro},
		{"#pragma GCC pch_preprocess \"./p.h.gch\"\n#define __TIMESIZE 64\n", pchMacrosClean},
		{"#define STAMP __TIMESTAMP__\n", pchMacrosTimeMacro},
	}
	for _, tt := range tests {
		if got := probeVerdict([]byte(tt.stdout)); got != tt.want {
			t.Errorf("probeVerdict(%q) = %s, want %s", tt.stdout, got, tt.want)
		}
	}
}

func TestInvalidVerdict(t *testing.T) {
	tests := []struct {
		stderr string
		want   string
	}{
		{"", pchMacrosNotLoaded},
		{"cc1: warning: ./a/p.h.gch: not for GNU C17 [-Winvalid-pch]\n", pchMacrosInvalid},
		{"cc1: warning: ./a/p.h.gch: not a PCH file [-Winvalid-pch]\ncc1: error: one or more PCH files were found, but they were invalid\n", pchMacrosInvalid},
		{"cc1: warning: ./q.h.gch: not used because `FOO' not defined [-Winvalid-pch]\n", pchMacrosNotLoaded},
		{"cc1: warning: ./a.gch: created by a different GCC executable [-Winvalid-pch]\ncc1: warning: ./b.gch: not used because `X' is defined [-Winvalid-pch]\n", pchMacrosNotLoaded},
	}
	for _, tt := range tests {
		if got := invalidVerdict([]byte(tt.stderr)); got != tt.want {
			t.Errorf("invalidVerdict(%q) = %s, want %s", tt.stderr, got, tt.want)
		}
	}
}

func TestIncludeDirsRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r")
	for _, dirs := range [][]string{nil, {"/usr/include"}, {"/usr/lib/gcc/x/12/include", "/usr/local/include", "/usr/include"}} {
		os.WriteFile(path, encodeIncludeDirs(dirs), 0o666)
		if got, ok := decodeIncludeDirs(path); !ok || !reflect.DeepEqual(got, dirs) {
			t.Errorf("%q: decoded %q, %v", dirs, got, ok)
		}
	}
	data := encodeIncludeDirs([]string{"/usr/include"})
	for _, bad := range [][]byte{data[:len(data)-1], data[1:], []byte("")} {
		os.WriteFile(path, bad, 0o666)
		if _, ok := decodeIncludeDirs(path); ok {
			t.Errorf("damaged record %q accepted", bad)
		}
	}
}
