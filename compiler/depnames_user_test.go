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
		if p == "/ci/job" {
			return ".", true
		}
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
		// A bare value that names no header leaves the source's neighbours
		// renamed (difftest seed 7 index 10020).
		{FlavorClang, "-fprofile-instr-use=/p/default.profdata -c /ci/job/a.c", []string{"a.c", "b.h"}, []string{"/ci/job/a.c", "/ci/job/b.h"}},
		// Names with a directory part found from a source in the working
		// directory get its directory too (break-it round 11).
		{FlavorGCC, "-c /ci/job/a.c", []string{"sub/s.h", "../inc/y.h"}, []string{"/ci/job/sub/s.h", "/ci/job/../inc/y.h"}},
		// A directory rewritten to "." names its headers with no "./"
		// (break-it round 12: CMake's -I<build dir>).
		{FlavorGCC, "-I/ci/job -I/ci/job/inc -c /src/a.c", []string{"gen.h", "sub/g.h", "inc/y.h", "/src/a.c"}, []string{"/ci/job/gen.h", "/ci/job/sub/g.h", "/ci/job/inc/y.h", "/src/a.c"}},
		{FlavorClang, "-I/ci/job/ -c /ci/job/a.c", []string{"a.c", "gen.h"}, []string{"/ci/job/a.c", "/ci/job/gen.h"}},
		// An -include file's quoted neighbours are named through its
		// directory (break-it round 13).
		{FlavorGCC, "-include /ci/job/inc/pre.h -c /ci/job/src/a.c", []string{"inc/pre.h", "inc/x.h"}, []string{"/ci/job/inc/pre.h", "/ci/job/inc/x.h"}},
		{FlavorClang, "-imacros /ci/job/inc//pre.h -c /ci/job/src/a.c", []string{"inc/pre.h", "inc/x.h"}, []string{"/ci/job/inc//pre.h", "/ci/job/inc/x.h"}},
		// -iwithprefix values are not the user's relative paths.
		{FlavorGCC, "-iprefix /ext/ -iwithprefix inc -c /ci/job/a.c", []string{"inc/loc.h"}, []string{"/ci/job/inc/loc.h"}},
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

// TestAmbiguousDepfile: calls whose depfile names could come through a
// rewritten path and through one the user wrote relative, which base dirs
// must leave alone (break-it rounds 11 and 12).
func TestAmbiguousDepfile(t *testing.T) {
	rel := func(p string) (string, bool) {
		if p == "/ci/job" {
			return ".", true
		}
		if strings.HasPrefix(p, "/ci/job/") {
			return path.Clean(strings.TrimPrefix(p, "/ci/job/")), true
		}
		return p, false
	}
	for _, tt := range []struct {
		args        string
		envRelative bool
		want        bool
	}{
		{"-I/ci/job/inc -c /ci/job/src/a.c", false, false},
		{"-I/ci/job/inc -Iother -c /ci/job/src/a.c", false, false}, // "other/…" and "inc/…" cannot meet
		{"-c /ci/job/a.c", false, false},
		{"-c /ci/job/a.c", true, true},                              // CPATH=inc names "inc/x.h" too
		{"-include here.h -c /ci/job/a.c", false, true},             // "here.h" both ways
		{"-include sub/pre.h -c /ci/job/a.c", false, true},          // and its neighbour "sub/x.h"
		{"-I. -c /ci/job/a.c", false, true},                         // "sub/s.h" through -I. or beside a.c
		{"-I/ci/job/src -c src/foo.c", false, true},                 // the relative source is under a rewritten path
		{"-I/ci/job/inc -Iinc/sub -c /ci/job/src/a.c", false, true}, // one under the other
		{"-I/ci/job -c a.c", false, true},                           // "x.h" beside a.c, or through "."
		{"-I/ci/job -I/ci/job/. -c /src/a.c", false, true},          // the working directory spelled two ways (for gcc)
		{"-I/ci/job -I/ci/job/ -c /src/a.c", false, false},
	} {
		inv := ParseRebased(FlavorGCC, append(strings.Fields(tt.args), "-MD"), "/ci/job", rel)
		if got := inv.AmbiguousDepfile(tt.envRelative); got != tt.want {
			t.Errorf("%q (relative CPATH %v): AmbiguousDepfile = %v, want %v", tt.args, tt.envRelative, got, tt.want)
		}
	}
}
