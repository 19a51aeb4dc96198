package compiler

import "testing"

func TestClangNameParts(t *testing.T) {
	for _, tc := range []struct{ argv0, prefix, mode string }{
		{"clang", "", "clang"},
		{"/usr/bin/clang-14", "", "clang"},
		{"clang++", "", "clang++"},
		{"clang++3.5", "", "clang++"},
		{"clang++-tot", "", "clang++"},
		{"x86_64-linux-gnu-clang", "x86_64-linux-gnu", "clang"},
		{"x86_64-linux-gnu-clang++-14", "x86_64-linux-gnu", "clang++"},
		{"/opt/x/armv7l-clang", "armv7l", "clang"},
		{"x86_64-linux-gnu-gcc-12", "x86_64-linux-gnu", "gcc"},
		{"x86_64-linux-gnu-g++", "x86_64-linux-gnu", "g++"},
		{"x86_64-pc-windows-msvc-clang-cl.exe", "x86_64-pc-windows-msvc", "clang-cl"},
		{"cc", "", "cc"},
		{"gcc", "", "gcc"},
		{"tcc-wrapper", "", "tcc"}, // as clang parses it: "cc" after a last -component
	} {
		prefix, mode := ClangNameParts(tc.argv0)
		if prefix != tc.prefix || mode != tc.mode {
			t.Errorf("ClangNameParts(%q) = %q, %q; want %q, %q", tc.argv0, prefix, mode, tc.prefix, tc.mode)
		}
	}
}

func TestClangConfigFileMatches(t *testing.T) {
	for _, tc := range []struct {
		prefix, mode, file string
		want               bool
	}{
		{"x86_64-linux-gnu", "clang", "x86_64-linux-gnu-clang.cfg", true},
		{"x86_64-linux-gnu", "clang", "x86_64-linux-gnu.cfg", true},
		{"x86_64-linux-gnu", "clang", "i386-linux-gnu-clang.cfg", true},
		{"x86_64-linux-gnu", "clang", "i386-linux-gnu.cfg", true},
		{"armv7l", "clang", "armv8-clang.cfg", true},
		{"armv7l", "clang", "armv8.cfg", true},
		{"x86_64-linux-gnu", "clang", "x86_64-linux-gnu-clang++.cfg", false},
		{"x86_64-linux-gnu", "clang", "other.cfg", false},
		{"x86_64-linux-gnu", "clang", "x86_64-linux-gnu-clang.cfg.bak", false},
		{"", "clang", "clang.cfg", false},
	} {
		if got := ClangConfigFileMatches(tc.prefix, tc.mode, tc.file); got != tc.want {
			t.Errorf("ClangConfigFileMatches(%q, %q, %q) = %v, want %v", tc.prefix, tc.mode, tc.file, got, tc.want)
		}
	}
}
