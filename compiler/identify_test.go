package compiler

import "testing"

func TestIdentify(t *testing.T) {
	tests := []struct {
		path, override string
		family         Family
		flavor         Flavor
		ok             bool
	}{
		{"gcc", "", GCC, FlavorGCC, true},
		{"/usr/bin/g++", "", GCC, FlavorGCC, true},
		{"cc", "", GCC, FlavorGCC, true},
		{"c++", "", GCC, FlavorGCC, true},
		{"gcc-12", "", GCC, FlavorGCC, true},
		{"gcc-12.2", "", GCC, FlavorGCC, true},
		{"x86_64-linux-gnu-gcc-12", "", GCC, FlavorGCC, true},
		{"aarch64-none-elf-g++", "", GCC, FlavorGCC, true},
		{"x86_64-w64-mingw32-gcc-posix", "", GCC, FlavorGCC, true},
		{"clang", "", GCC, FlavorClang, true},
		{"clang++-14", "", GCC, FlavorClang, true},
		{"/usr/lib/llvm-14/bin/clang", "", GCC, FlavorClang, true},
		{`C:\LLVM\bin\clang.exe`, "", GCC, FlavorClang, true},
		{"cl", "", MSVC, "", true},
		{`C:\VS\bin\CL.EXE`, "", MSVC, "", true},
		{"clang-cl", "", MSVC, FlavorClang, true},
		{"clang-cl-14", "", MSVC, FlavorClang, true},
		{"gcc-ar", "", "", "", false},
		{"gcc-nm-12", "", "", "", false},
		{"clang-format", "", "", "", false},
		{"clang-tidy-14", "", "", "", false},
		{"ccache", "", "", "", false},
		{"objcache", "", "", "", false},
		{"mycc", "", "", "", false},
		{"mycc", "gcc", GCC, FlavorGCC, true},
		{"mycc", "clang", GCC, FlavorClang, true},
		{"gcc", "clang-cl", MSVC, FlavorClang, true},
		{"wrapper", "msvc", MSVC, "", true},
	}
	for _, tt := range tests {
		f, fl, ok := Identify(tt.path, tt.override)
		if f != tt.family || fl != tt.flavor || ok != tt.ok {
			t.Errorf("Identify(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.path, tt.override, f, fl, ok, tt.family, tt.flavor, tt.ok)
		}
	}
}
