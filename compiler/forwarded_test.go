package compiler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestForwardedOptions: what -Wp,, -Xpreprocessor, -Xclang, -Wa, and
// -Xassembler hand on is read as the receiving program reads it.
func TestForwardedOptions(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"p.pch", "plugin.so", "opts"} {
		os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o666)
	}
	tests := []struct {
		args   string
		reason string
		dirs   []string
		inputs []string
		debug  bool
	}{
		// W7: include directories the key must hold.
		{"-Xpreprocessor -Ib -Xpreprocessor -Ia -c t.c", "", []string{"b", "a"}, nil, false},
		{"-Wp,-Ib,-Ia -c t.c", "", []string{"b", "a"}, nil, false},
		{"-Wp,-isystem,s,-iquote,q,-idirafter,late -c t.c", "", []string{"s", "q", "late"}, nil, false},
		{"-Xclang -Ib -Xclang -I -Xclang a -c t.c", "", []string{"b", "a"}, nil, false},
		{"-Xclang -isystem -Xclang s -Xclang -internal-isystem -Xclang i -c t.c", "", []string{"s", "i"}, nil, false},
		{"-Wp,-D_FORTIFY_SOURCE=2 -c t.c", "", nil, nil, false},
		// W8a, W9: files cc1 reads.
		{"-Xclang -include-pch -Xclang p.pch -Xclang -include -Xclang cmake_pch.h -Xclang -fno-pch-timestamp -c t.c", "", nil, []string{"p.pch"}, false},
		{"-Xclang -load -Xclang plugin.so -Xclang -add-plugin -Xclang foo -c t.c", "", nil, []string{"plugin.so"}, false},
		{"-Xclang -include-pch -Xclang missing.pch -c t.c", "unhashable-input", nil, nil, false},
		// The driver expands an @file anywhere on its command line
		// (opts holds "x": an input file for cc1 or as), and hands on
		// only what names no file, or sits inside -Wp, or -Wa,.
		{"-Wp,@opts -c t.c", "forwarded-response-file", nil, nil, false},
		{"-Wa,@opts -c t.c", "forwarded-response-file", nil, nil, false},
		{"-Xpreprocessor @opts -c t.c", "forwarded-option", nil, nil, false},
		{"-Xassembler @opts -c t.c", "forwarded-option", nil, nil, false},
		{"-Xclang @opts -c t.c", "xclang-option", nil, nil, false},
		{"-Xpreprocessor @none -c t.c", "forwarded-response-file", nil, nil, false},
		{"-Xassembler @none -c t.c", "forwarded-response-file", nil, nil, false},
		{"-Xclang @none -c t.c", "forwarded-response-file", nil, nil, false},
		{"-Wa,--defsym,X=1,-I,inc -Xassembler --defsym -Xassembler Y=2 -c t.c", "", nil, nil, false},
		// W10: debug information objcache did not see.
		{"-Xclang -debug-info-kind=limited -c t.c", "", nil, nil, true},
		{"-Xclang -debug-info-kind=none -c t.c", "", nil, nil, false},
		{"-Xassembler --gdwarf-5 -c t.c", "", nil, nil, true},
		{"-Wa,-g -c t.c", "", nil, nil, true},
		// O2: outputs through another program's options.
		{"-Xpreprocessor -MD -Xpreprocessor my.d -c t.c", "extra-output", nil, nil, false},
		{"-Wp,-MMD,t.d -c t.c", "extra-output", nil, nil, false},
		{"-Xassembler --MD -Xassembler my.d -c t.c", "extra-output", nil, nil, false},
		{"-Xassembler -al=my.lst -c t.c", "extra-output", nil, nil, false},
		{"-Wa,-adhln=t.lst -c t.c", "extra-output", nil, nil, false},
		{"-Wa,-MD,my.d -c t.c", "extra-output", nil, nil, false},
		{"-Xclang -dependency-file -Xclang x.d -c t.c", "xclang-option", nil, nil, false},
		{"-Xclang -header-include-file -Xclang h.txt -c t.c", "xclang-option", nil, nil, false},
		{"-Xclang -ast-dump -c t.c", "xclang-option", nil, nil, false},
		{"-Xpreprocessor -o -Xpreprocessor x -c t.c", "forwarded-option", nil, nil, false},
		{"-Xpreprocessor x.c -c t.c", "forwarded-option", nil, nil, false},
		{"-Xpreprocessor -fdump-tree-all -c t.c", "extra-output", nil, nil, false},
	}
	for _, tt := range tests {
		inv := Parse(FlavorClang, strings.Fields(tt.args), dir)
		if inv.Reason != tt.reason {
			t.Errorf("%q: reason %q, want %q", tt.args, inv.Reason, tt.reason)
			continue
		}
		if tt.reason != "" {
			continue
		}
		if !reflect.DeepEqual(inv.IncludeDirs, tt.dirs) || !reflect.DeepEqual(inv.InputFiles, tt.inputs) || inv.DebugInfo != tt.debug {
			t.Errorf("%q: dirs %q inputs %q debug %v, want %q %q %v", tt.args, inv.IncludeDirs, inv.InputFiles, inv.DebugInfo, tt.dirs, tt.inputs, tt.debug)
		}
	}
}

// TestForwardedOptionsInClangCL: clang-cl's -Xclang passes the call
// through unless the cc1 option only joins the key as written.
func TestForwardedOptionsInClangCL(t *testing.T) {
	tests := []struct{ args, reason string }{
		{"/c -Xclang -fno-pch-timestamp x.c", ""},
		{"/c -Xclang -target-feature -Xclang +avx2 x.c", ""},
		{"/c -Xclang -include-pch -Xclang p.pch x.c", "clang-option"},
		{"/c -Xclang -Ib x.c", "clang-option"},
		{"/c -Xclang -debug-info-kind=limited x.c", "clang-option"},
		{"/c -Xclang -dependency-file -Xclang x.d x.c", "xclang-option"},
	}
	for _, tt := range tests {
		if got := ParseMSVC(FlavorClang, strings.Fields(tt.args), "", "", "/").Reason; got != tt.reason {
			t.Errorf("%q: reason %q, want %q", tt.args, got, tt.reason)
		}
	}
}
