package fakecl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefusesWhatClRefuses: the fake's rules, each as cl documents it.
func TestRefusesWhatClRefuses(t *testing.T) {
	tests := []struct {
		name  string
		calls [][]string // run in order; the last one's status and output are checked
		code  int
		want  string // in stdout or stderr
		files []string
	}{
		{"object per source", [][]string{{"/c", "/nologo", "/Iinc", "a.cpp", "b.cpp", "/Foout/"}}, 0, "a.cpp", []string{"out/a.obj", "out/b.obj"}},
		{"one /Fo file, two sources", [][]string{{"/c", "a.cpp", "b.cpp", "/Fox.obj"}}, 2, "D8036", nil},
		{"/Zi writes the PDB /Fd names", [][]string{{"/c", "/Zi", "/Fdout/t.pdb", "a.cpp", "/Foout/"}}, 0, "", []string{"out/a.obj", "out/t.pdb"}},
		{"/Zi default PDB", [][]string{{"/c", "/Zi", "a.cpp"}}, 0, "", []string{"a.obj", "vc140.pdb"}},
		{"/Yc then /Yu", [][]string{{"/c", "/Ycpch.h", "/Fpout/t.pch", "pch.cpp", "/Foout/"}, {"/c", "/Yupch.h", "/Fpout/t.pch", "a.cpp", "/Foout/"}}, 0, "", []string{"out/t.pch", "out/pch.obj", "out/a.obj"}},
		{"/Yu without its PCH", [][]string{{"/c", "/Yupch.h", "a.cpp"}}, 2, "C1083", nil},
		{"/Yu with a /Zi PCH under /Z7", [][]string{{"/c", "/Zi", "/Ycpch.h", "pch.cpp"}, {"/c", "/Z7", "/Yupch.h", "a.cpp"}}, 2, "C2859", nil},
		{"/Yu with another PDB", [][]string{{"/c", "/Zi", "/Fdone.pdb", "/Ycpch.h", "pch.cpp"}, {"/c", "/Zi", "/Fdtwo.pdb", "/Yupch.h", "a.cpp"}}, 2, "C2859", nil},
		{"/Yu with other defines", [][]string{{"/c", "/DX", "/Ycpch.h", "pch.cpp"}, {"/c", "/Yupch.h", "a.cpp"}}, 2, "C4651", nil},
		{"/Yu of a source without the header", [][]string{{"/c", "/Ycpch.h", "pch.cpp"}, {"/c", "/Yupch.h", "b.cpp"}}, 2, "C1010", nil},
		{"/showIncludes", [][]string{{"/c", "/showIncludes", "/Iinc", "b.cpp"}}, 0, "Note: including file:  ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			os.MkdirAll("out", 0o777)
			os.MkdirAll("inc", 0o777)
			os.WriteFile("pch.h", []byte("#pragma once\nint shared;\n"), 0o666)
			os.WriteFile("pch.cpp", []byte("#include \"pch.h\"\n"), 0o666)
			os.WriteFile("a.cpp", []byte("#include \"pch.h\"\nint a;\n"), 0o666)
			os.WriteFile("inc/b.h", []byte("int bh;\n"), 0o666)
			os.WriteFile("b.cpp", []byte("#include <b.h>\nint b;\n"), 0o666)
			var out bytes.Buffer
			code := 0
			for _, args := range tt.calls {
				out.Reset()
				code = Main(args, &out, &out)
			}
			if code != tt.code || !strings.Contains(out.String(), tt.want) {
				t.Errorf("exit %d, output %q; want exit %d and %q", code, out.String(), tt.code, tt.want)
			}
			for _, f := range tt.files {
				if _, err := os.Stat(filepath.FromSlash(f)); err != nil {
					t.Errorf("no %s: %v", f, err)
				}
			}
		})
	}
}
