package compiler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/objcache/objcache/basedir"
)

// rebaseJob1 rewrites /ci/job1/… relative to /ci/job1/build, as
// basedir.Mapper.Rel would.
func rebaseJob1(p string) (string, bool) {
	const base = "/ci/job1"
	if p != base && !strings.HasPrefix(p, base+"/") {
		return p, false
	}
	rest := strings.TrimPrefix(p, base)
	if rest == "/build" {
		return ".", true
	}
	if r, ok := strings.CutPrefix(rest, "/build/"); ok {
		return r, true
	}
	return ".." + rest, true
}

func TestParseRebased(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantArgs  []string
		wantHash  []string
		wantSrc   string
		wantInput []string
	}{
		{
			name:     "include options and the source",
			args:     []string{"-c", "-I/ci/job1/inc", "-isystem", "/ci/job1/sys", "-I/usr/include/x", "/ci/job1/src/a.c", "-o", "/ci/job1/build/a.o"},
			wantArgs: []string{"-c", "-I../inc", "-isystem", "../sys", "-I/usr/include/x", "../src/a.c", "-o", "/ci/job1/build/a.o"},
			wantHash: []string{"-c", "-I../inc", "-isystem", "../sys", "-I/usr/include/x"},
			wantSrc:  "../src/a.c",
		},
		{
			name:     "prefix maps are rewritten for the key only",
			args:     []string{"-c", "-g", "-fdebug-prefix-map=/ci/job1=.", "-fdebug-compilation-dir", "/ci/job1/build", "a.c"},
			wantArgs: []string{"-c", "-g", "-fdebug-prefix-map=/ci/job1=.", "-fdebug-compilation-dir", "/ci/job1/build", "a.c"},
			wantHash: []string{"-c", "-g", "-fdebug-prefix-map=..=.", "-fdebug-compilation-dir", "."},
			wantSrc:  "a.c",
		},
		{
			// Relative, they would read as an option and as a
			// sysroot-relative directory (break-it round 17).
			name:     "a rewritten path that starts with - or =",
			args:     []string{"-c", "-I/ci/job1/build/=gen", "-I/ci/job1/build/$SYSROOT/x", "/ci/job1/build/-a.c"},
			wantArgs: []string{"-c", "-I./=gen", "-I./$SYSROOT/x", "./-a.c"},
			wantHash: []string{"-c", "-I./=gen", "-I./$SYSROOT/x"},
			wantSrc:  "./-a.c",
		},
		{
			// gcc joins the prefix and the value as strings (break-it round 11).
			name:     "-iprefix keeps its trailing slash",
			args:     []string{"-c", "-iprefix", "/ci/job1/", "-iwithprefix", "inc", "-iprefix/ci/job1/build/", "/ci/job1/src/a.c"},
			wantArgs: []string{"-c", "-iprefix", "../", "-iwithprefix", "inc", "-iprefix./", "../src/a.c"},
			wantHash: []string{"-c", "-iprefix", "../", "-iwithprefix", "inc", "-iprefix./"},
			wantSrc:  "../src/a.c",
		},
		{
			// A prefix that ends inside a name keeps that name as its
			// last component, or stays (break-it rounds 12 and 13:
			// "-iprefix /ci/job1" became "..", and "..inc" was searched;
			// so did "--sysroot=/ci/job1/sr/" with -I=inc as "../srinc").
			name:     "string-joined prefixes",
			args:     []string{"-c", "-iprefix", "/ci/job1/in", "-iwithprefix", "cx", "-iprefix/ci/job1", "--sysroot=/ci/job1/sr/", "-isysroot", "/ci/job1/sr", "/ci/job1/src/a.c"},
			wantArgs: []string{"-c", "-iprefix", "../in", "-iwithprefix", "cx", "-iprefix/ci/job1", "--sysroot=../sr/", "-isysroot", "../sr", "../src/a.c"},
			wantHash: []string{"-c", "-iprefix", "../in", "-iwithprefix", "cx", "-iprefix/ci/job1", "--sysroot=../sr/", "-isysroot", "../sr"},
			wantSrc:  "../src/a.c",
		},
		{
			name:     "depfile target out of the key, depfile and output untouched",
			args:     []string{"-c", "-MD", "-MT", "/ci/job1/build/a.o", "-MF", "/ci/job1/build/a.o.d", "/ci/job1/build/gen.c"},
			wantArgs: []string{"-c", "-MD", "-MT", "/ci/job1/build/a.o", "-MF", "/ci/job1/build/a.o.d", "gen.c"},
			wantHash: []string{"-c", "-MD"},
			wantSrc:  "gen.c",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := ParseRebased(FlavorGCC, tt.args, "/ci/job1/build", rebaseJob1)
			if inv.Reason != "" {
				t.Fatalf("uncacheable: %s", inv.Reason)
			}
			if !reflect.DeepEqual(inv.Args, tt.wantArgs) {
				t.Errorf("Args\n got %q\nwant %q", inv.Args, tt.wantArgs)
			}
			if !reflect.DeepEqual(inv.HashArgs, tt.wantHash) {
				t.Errorf("HashArgs\n got %q\nwant %q", inv.HashArgs, tt.wantHash)
			}
			if inv.Source != tt.wantSrc {
				t.Errorf("Source = %q, want %q", inv.Source, tt.wantSrc)
			}
			if tt.args[len(tt.args)-1] == "" {
				t.Error("the caller's arguments were changed")
			}
		})
	}
	// The caller's slice is never written.
	args := []string{"-c", "/ci/job1/src/a.c"}
	ParseRebased(FlavorGCC, args, "/ci/job1/build", rebaseJob1)
	if args[1] != "/ci/job1/src/a.c" {
		t.Errorf("ParseRebased changed its argument: %q", args)
	}
}

func TestParseMSVCRebased(t *testing.T) {
	// clang-cl on Unix takes "/…/a.c" as a file when it matches no option
	// and exists, so the job directory is real.
	root := t.TempDir()
	job := filepath.Join(root, "job1")
	os.MkdirAll(filepath.Join(job, "src"), 0o777)
	os.WriteFile(filepath.Join(job, "src", "a.c"), nil, 0o666)
	rel := basedir.New([]string{job}, filepath.Join(job, "build"), true).Rel
	args := []string{"/c", "/nologo", "/I" + job + "/inc", "/I", job + "/inc2", "/FI" + job + "/cfg.h", "-external:I" + job + "/ext",
		"/Tc" + job + "/src/x.c", job + "/src/a.c", "/Fo" + job + "/build/", "/showIncludes"}
	inv := ParseMSVCRebased(FlavorClang, args, "/I"+job+"/fromcl", "", filepath.Join(job, "build"), rel)
	if inv.Reason != "" {
		t.Fatalf("uncacheable: %s", inv.Reason)
	}
	r := filepath.FromSlash
	wantArgs := []string{"/c", "/nologo", "/I" + r("../inc"), "/I", r("../inc2"), "/FI" + r("../cfg.h"), "-external:I" + r("../ext"),
		"/Tc" + r("../src/x.c"), r("../src/a.c"), "/Fo" + job + "/build/", "/showIncludes"}
	if !reflect.DeepEqual(inv.Args, wantArgs) {
		t.Errorf("Args\n got %q\nwant %q", inv.Args, wantArgs)
	}
	// CL's paths are rewritten too, in the key and in the CL the miss
	// sets (issue 14, item 5).
	wantHash := []string{"/I" + r("../fromcl"), "/c", "/nologo", "/I" + r("../inc"), "/I", r("../inc2"), "/FI" + r("../cfg.h"), "/external:I" + r("../ext"), "/showIncludes"}
	if !reflect.DeepEqual(inv.HashArgs, wantHash) {
		t.Errorf("HashArgs\n got %q\nwant %q", inv.HashArgs, wantHash)
	}
	if !inv.EnvRebased || inv.CL != "/I"+r("../fromcl") || inv.CLTail != "" {
		t.Errorf("CL %q, _CL_ %q (rebased %v); want CL /I../fromcl", inv.CL, inv.CLTail, inv.EnvRebased)
	}
	if len(inv.Sources) != 2 || inv.Sources[0].Path != r("../src/x.c") || inv.Sources[1].Path != r("../src/a.c") {
		t.Errorf("Sources = %+v", inv.Sources)
	}
	if args[2] != "/I"+job+"/inc" {
		t.Errorf("ParseMSVCRebased changed its argument: %q", args)
	}
}

// TestParseRebasedForcedInclude: -include and -imacros are rewritten
// while their file is there; a missing one passes through, since gcc
// searches a relative -include along the include chain and an absolute
// one nowhere (break-it round 18).
func TestParseRebasedForcedInclude(t *testing.T) {
	root := t.TempDir()
	job := filepath.Join(root, "job1")
	os.MkdirAll(filepath.Join(job, "build"), 0o777)
	os.WriteFile(filepath.Join(job, "cfg.h"), nil, 0o666)
	rel := basedir.New([]string{root}, filepath.Join(job, "build"), false).Rel
	p := ParseRebased(FlavorGCC, []string{"-c", "-include", filepath.Join(job, "cfg.h"), "-imacros" + filepath.Join(job, "cfg.h"), "a.c"}, filepath.Join(job, "build"), rel)
	up := filepath.Join("..", "cfg.h") // ..\cfg.h on Windows
	if want := []string{"-c", "-include", up, "-imacros" + up, "a.c"}; p.Reason != "" || !reflect.DeepEqual(p.Args, want) {
		t.Errorf("present: reason %q, args %q; want %q", p.Reason, p.Args, want)
	}
	p = ParseRebased(FlavorGCC, []string{"-c", "-include", filepath.Join(job, "gen", "missing.h"), "a.c"}, filepath.Join(job, "build"), rel)
	if p.Reason != "missing-include-file" {
		t.Errorf("missing: reason %q, want missing-include-file", p.Reason)
	}
}
