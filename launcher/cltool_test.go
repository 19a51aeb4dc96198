package launcher

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestNamesNoCompiler: MSBuild's calls of a CLToolExe start with cl's
// arguments; a compiler's name or path is not one of them.
func TestNamesNoCompiler(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "cl.exe")
	if err := os.WriteFile(exe, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arg  string
		want bool
	}{
		{"@C:/tmp/tmp123.rsp", true},
		{"@args.rsp", true},
		{"/c", true},
		{"/nologo", true},
		{"gcc", false},
		{"cl.exe", false},
		{exe, false},
		{"/", false},
		{"-c", false},
	}
	if runtime.GOOS == "windows" {
		tests = append(tests, []struct {
			arg  string
			want bool
		}{
			{`C:\Program Files\LLVM\bin\clang-cl.exe`, false},
			{"/Fo:x64/Debug/", true}, // every "/" word is an option there
		}...)
	} else {
		tests = append(tests, []struct {
			arg  string
			want bool
		}{
			{"/usr/bin/gcc", false},
			{"/opt/missing/gcc", false}, // a missing compiler is still a compiler
		}...)
	}
	for _, tt := range tests {
		if got := NamesNoCompiler(tt.arg); got != tt.want {
			t.Errorf("NamesNoCompiler(%q) = %v, want %v", tt.arg, got, tt.want)
		}
	}
}
