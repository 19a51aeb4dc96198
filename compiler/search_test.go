package compiler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSearchPath(t *testing.T) {
	sep := string(os.PathListSeparator)
	tests := []struct {
		args string
		env  map[string]string
		want SearchPath
	}{
		{"-c u.c", nil, SearchPath{}},
		{"-c u.c -Ia -I b -iquote q -iquoteq2 -isystem s -idirafter d -include p.h -imacros m.h -include p2.h", nil,
			SearchPath{Quote: []string{"q", "q2"}, Bracket: []string{"a", "b"}, System: []string{"s"}, After: []string{"d"},
				Imacros: []string{"m.h"}, Includes: []string{"p.h", "p2.h"}}},
		{"-c u.c -Ia -I- -Ib", nil, SearchPath{Quote: []string{"a"}, Bracket: []string{"b"}, NoSourceDir: true}},
		{"-c u.c -I-dir", nil, SearchPath{Bracket: []string{"-dir"}}},
		{"-c u.c --include-directory=a --include-directory b --include=p.h --include q.h --imacros=m.h --include-directory-after=d", nil,
			SearchPath{Bracket: []string{"a", "b"}, After: []string{"d"}, Includes: []string{"p.h", "q.h"}, Imacros: []string{"m.h"}}},
		{"-c u.c -Wp,-Iw,-include,wp.h -Xpreprocessor -isystem -Xpreprocessor xs", nil,
			SearchPath{Bracket: []string{"w"}, System: []string{"xs"}, Includes: []string{"wp.h"}}},
		{"-c u.c -I=/inc --sysroot=/root -isystem $SYSROOT/s", nil, SearchPath{Bracket: []string{"/root/inc"}, System: []string{"/root/s"}}},
		{"-c u.c -I=/inc", nil, SearchPath{Bracket: []string{"/inc"}, Unmodelled: "sysroot-relative include directory without --sysroot"}},
		{"-c u.c -iprefix /p/ -iwithprefix a -iwithprefixbefore b", nil, SearchPath{Bracket: []string{"/p/b"}, After: []string{"/p/a"}}},
		{"-c u.c -iwithprefix a", nil, SearchPath{After: []string{"a"}, Unmodelled: "-iwithprefix without -iprefix"}},
		{"-c u.c -o -Inot -MF -Inot2 -x c", nil, SearchPath{}},
		{"-c u.c -include-pch x.pch -include-pch -include", nil, SearchPath{}},
		{"-c u.c -Ia", map[string]string{"CPATH": "c1" + sep + sep + "c2", "C_INCLUDE_PATH": "s1", "CPLUS_INCLUDE_PATH": "x"},
			SearchPath{Bracket: []string{"a", "c1", ".", "c2"}, System: []string{"s1"}}},
		{"-x c++ -c u.c", map[string]string{"C_INCLUDE_PATH": "s1", "CPLUS_INCLUDE_PATH": "x"}, SearchPath{System: []string{"x"}}},
	}
	for _, tt := range tests {
		inv := Parse(FlavorClang, strings.Fields(tt.args), "/nowhere")
		getenv := func(name string) (string, bool) {
			v, ok := tt.env[name]
			return v, ok
		}
		if got := inv.SearchPath(getenv); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SearchPath(%q, %v) =\n%+v\nwant\n%+v", tt.args, tt.env, got, tt.want)
		}
	}
}

func TestProbeArgs(t *testing.T) {
	inv := Parse(FlavorGCC, strings.Fields("-c src/u.c -o u.o -MMD -MF u.d -MT t -O2 -g -Wall -Werror -DX=1 -UY -Iinc -isystem s -iquote q -idirafter d -include p.h -imacros m.h -m32 --sysroot=/r -nostdinc -std=c11 -fdiagnostics-color=always -H"), "/")
	wantStd := "-m32 --sysroot=/r -nostdinc -std=c11 -x c -E -v " + os.DevNull
	if got := strings.Join(inv.StdDirsArgs(), " "); got != wantStd {
		t.Errorf("StdDirsArgs = %q, want %q", got, wantStd)
	}
	wantPCH := "-O2 -g -Wall -Werror -DX=1 -UY -Iinc -isystem s -iquote q -idirafter d -m32 --sysroot=/r -nostdinc -std=c11 " +
		"-E -dM -fpch-preprocess -include dir/p.h -x c " + os.DevNull
	if got := strings.Join(inv.PCHProbeArgs("dir/p.h"), " "); got != wantPCH {
		t.Errorf("PCHProbeArgs = %q, want %q", got, wantPCH)
	}
	wantWarn := strings.Replace(wantPCH, "-dM ", "", 1)
	wantWarn = strings.TrimSuffix(wantWarn, os.DevNull) + "-Winvalid-pch " + os.DevNull
	if got := strings.Join(inv.PCHWarningArgs("dir/p.h"), " "); got != wantWarn {
		t.Errorf("PCHWarningArgs = %q, want %q", got, wantWarn)
	}
}

func TestParseStdDirs(t *testing.T) {
	stderr := "ignoring nonexistent directory \"/x\"\n#include \"...\" search starts here:\n q\n#include <...> search starts here:\n" +
		" /usr/lib/gcc/x86_64-linux-gnu/12/include\n /usr/local/include\n /Library/Frameworks (framework directory)\n /usr/include/\nEnd of search list.\n"
	dirs, ok := ParseStdDirs([]byte(stderr))
	want := []string{"/usr/lib/gcc/x86_64-linux-gnu/12/include", "/usr/local/include", "/usr/include"}
	for i := range want {
		want[i] = filepath.FromSlash(want[i])
	}
	if !ok || !reflect.DeepEqual(dirs, want) {
		t.Errorf("ParseStdDirs = %q, %v, want %q", dirs, ok, want)
	}
	if dirs, ok := ParseStdDirs([]byte("#include <...> search starts here:\nEnd of search list.\n")); !ok || dirs != nil {
		t.Errorf("empty list: %q, %v", dirs, ok)
	}
	if _, ok := ParseStdDirs([]byte("cc1: error\n")); ok {
		t.Error("no list read as one")
	}
}
