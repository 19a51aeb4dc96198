package compiler

import (
	"path"
	"runtime"
	"strings"
	"testing"
)

// TestDepfileRenamer: names through rewritten paths get the user's
// spelling; ambiguous ones keep the compiler's.
func TestDepfileRenamer(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	rel := func(p string) (string, bool) {
		if strings.HasPrefix(p, "/ci/job/") {
			return path.Clean(strings.TrimPrefix(p, "/ci/job/")), true // as basedir normalises
		}
		return p, false
	}
	for _, tt := range []struct {
		flavor   Flavor
		args     string
		in, want []string
	}{
		{FlavorGCC, "-I/ci/job/inc -c /ci/job/src/a.c", []string{"src/a.c", "src/b.h", "inc/x.h", "/usr/include/stdio.h"},
			[]string{"/ci/job/src/a.c", "/ci/job/src/b.h", "/ci/job/inc/x.h", "/usr/include/stdio.h"}},
		{FlavorGCC, "-I/ci/job/inc/ -isystem /ci/job/sys/. -c a.c", []string{"inc/x.h", "sys/s.h"}, []string{"/ci/job/inc/x.h", "/ci/job/sys/s.h"}},
		// gcc keeps an -I directory's "/." (break-it round 8).
		{FlavorGCC, "-I/ci/job/inc/. -iquote /ci/job/q/. -c a.c", []string{"inc/x.h", "q/y.h"}, []string{"/ci/job/inc/./x.h", "/ci/job/q/./y.h"}},
		{FlavorClang, "-I/ci/job/inc/ -isystem /ci/job/sys/. -c a.c", []string{"inc/x.h", "sys/s.h"}, []string{"/ci/job/inc/x.h", "/ci/job/sys/./s.h"}},
		{FlavorGCC, "-c /ci/job/src//a.c", []string{"src/a.c", "src/b.h"}, []string{"/ci/job/src//a.c", "/ci/job/src//b.h"}},
		{FlavorClang, "-c /ci/job/src//a.c", []string{"src/a.c", "src/b.h"}, []string{"/ci/job/src//a.c", "/ci/job/src/b.h"}},
		{FlavorGCC, "-c /ci/job/a.c", []string{"a.c", "b.h"}, []string{"/ci/job/a.c", "/ci/job/b.h"}},
		{FlavorGCC, "-include here.h -c /ci/job/a.c", []string{"a.c", "here.h"}, []string{"/ci/job/a.c", "here.h"}},
		// A bare value that names no header leaves the source's neighbours
		// renamed (difftest seed 7 index 10020).
		{FlavorClang, "-include here.h -fprofile-instr-use=default.profdata -c /ci/job/a.c", []string{"a.c", "b.h", "here.h"}, []string{"/ci/job/a.c", "/ci/job/b.h", "here.h"}},
		{FlavorGCC, "-fprofile-use=prof -c /ci/job/a.c", []string{"a.c", "b.h"}, []string{"/ci/job/a.c", "/ci/job/b.h"}},
		// Names with a directory part found from a source in the working
		// directory get its directory too, unless a relative path the
		// user gave names them (break-it round 11).
		{FlavorGCC, "-c /ci/job/a.c", []string{"sub/s.h", "../inc/y.h"}, []string{"/ci/job/sub/s.h", "/ci/job/../inc/y.h"}},
		{FlavorClang, "-Iinc/ -I. -include sub/pre.h -c /ci/job/a.c", []string{"inc/x.h", "./y.h", "sub/pre.h", "sub/s.h"},
			[]string{"inc/x.h", "./y.h", "sub/pre.h", "/ci/job/sub/s.h"}},
		// The source written relative, in a directory the user also gave
		// absolutely: its name and its neighbours' stay (break-it round 7).
		{FlavorGCC, "-I/ci/job/src -c src/foo.c", []string{"src/foo.c", "src/h.h"}, []string{"src/foo.c", "src/h.h"}},
		{FlavorClang, "-I/ci/job/src -I/ci/job/inc -c src/foo.c", []string{"src/foo.c", "inc/x.h"}, []string{"src/foo.c", "/ci/job/inc/x.h"}},
	} {
		inv := ParseRebased(tt.flavor, strings.Fields(tt.args), "/ci/job", rel)
		rename := inv.DepfileRenamer(tt.flavor)
		for i, name := range tt.in {
			if got := rename(name); got != tt.want[i] {
				t.Errorf("%s %q: rename(%q) = %q, want %q", tt.flavor, tt.args, name, got, tt.want[i])
			}
		}
	}
}
