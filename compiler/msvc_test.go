package compiler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseMSVCReasons(t *testing.T) {
	tests := []struct {
		args, reason string
	}{
		{"/c foo.cpp", ""},
		{"-c -O2 foo.c bar.cpp /Foout\\", ""},
		{"/c /Z7 foo.c", ""},
		{"/c /MP4 a.c b.c", ""},
		{"/c /EHsc /utf-8 foo.cpp", ""},
		{"foo.cpp", "linking"},
		{"/c foo.cpp /link /DEBUG", "linking"},
		{"/c /E foo.c", "preprocess-only"},
		{"/c /EP foo.c", "preprocess-only"},
		{"/c /P foo.c", "preprocess-only"},
		{"/c /Zi foo.c", "pdb"},
		{"/c /ZI foo.c", "pdb"},
		{"/c /Ycstdafx.h /Fpx.pch foo.cpp", "pch"},
		{"/c /Yustdafx.h /Fpx.pch foo.cpp", "pch"},
		{"/c /Ycsub/stdafx.h foo.cpp", "pch-no-fp"},
		{"/c /Fpx.pch foo.cpp", ""},
		{"/c /Yc foo.cpp", "pch-hdrstop"},
		{"/c /Yu foo.cpp", "pch-hdrstop"},
		{"/c /Ycx.h /Yux.h foo.cpp", "pch"},
		{"/c /Ycx.h /Fpx.pch a.cpp b.cpp", "pch-multiple-sources"},
		{"/c /Yux.h /Fpx.pch a.cpp b.cpp", "pch"},
		{"/c /Yux.h /Fpsub/ a.cpp", "pch-directory"},
		{"/c /Gm foo.cpp", "minimal-rebuild"},
		{"/c /Gm- foo.cpp", ""},
		{"/c /FAs foo.cpp", "extra-output"},
		{"/c /Faout.asm foo.cpp", "extra-output"},
		{"/c /doc foo.cpp", "extra-output"},
		{"/c /analyze foo.cpp", "extra-output"},
		{"/c /analyze- foo.cpp", ""},
		{"/c /Fifoo.i foo.cpp", "preprocess-only"},
		{"/c -v a.c b.c", "verbose"},
		{"/c -### a.c b.c", "dry-run"},
		{"/c /vmg /vd0 a.cpp", ""},
		{"/c", "no-source"},
		{"/c foo.cpp bar.obj", "linker-input"},
		{"/c a.c b.c /Foone.obj", "multiple-sources-one-output"},
		{"/c a.c /I", "missing-argument"},
		{"/c a.c /sourceDependencies deps.json", ""},
		{"/c a.c /sourceDependencies nodir/", "source-dependencies-directory"},
		{"/c a.c b.c /sourceDependencies deps.json", "multiple-sources-one-output"},
		{"/c a.c /sourceDependencies-", "source-dependencies-stdout"},
		{"/c a.c /sourceDependencies -", "source-dependencies-stdout"},
	}
	for _, tt := range tests {
		inv := ParseMSVC("", strings.Fields(tt.args), "", "", t.TempDir())
		if inv.Reason != tt.reason {
			t.Errorf("ParseMSVC(%q).Reason = %q, want %q", tt.args, inv.Reason, tt.reason)
		}
	}
}

// TestParseMSVCDebugPDB: cl's /Zi and /ZI write a shared PDB and pass
// through; clang-cl's /Zi is /Z7 (recorded in the object), and its /ZI is
// ignored.
func TestParseMSVCDebugPDB(t *testing.T) {
	tests := []struct {
		flavor    Flavor
		args      string
		reason    string
		recording bool
	}{
		{"", "/c /Zi /Fdx.pdb /FS a.c", "pdb", true},
		{"", "/c /ZI a.c", "pdb", false},
		{FlavorClang, "/c /Zi /Fdx.pdb /FS a.c", "", true},
		{FlavorClang, "/c /ZI a.c", "", false},
		{FlavorClang, "/c /Zi a.c b.c", "", true},
	}
	for _, tt := range tests {
		inv := ParseMSVC(tt.flavor, strings.Fields(tt.args), "", "", t.TempDir())
		if inv.Reason != tt.reason || tt.reason == "" && inv.Recording != tt.recording {
			t.Errorf("ParseMSVC(%q, %q): reason %q, recording %v; want %q, %v", tt.flavor, tt.args, inv.Reason, inv.Recording, tt.reason, tt.recording)
		}
	}
}

// TestParseMSVCPCHFile: the precompiled header is /Fp's file, with ".pch"
// added when it has no extension, as cl and clang-cl name it.
func TestParseMSVCPCHFile(t *testing.T) {
	for _, tt := range []struct{ args, pch, file string }{
		{"/c /Yc\"pch.h\" /Fpmypch pch.cpp", "create", "mypch.pch"},
		{"/c /Yuinc/stdafx.h /Fpbuild/t.pch a.cpp", "use", "build/t.pch"},
		{"/c /Fp:out/x.pch /Ycx.h a.cpp", "create", "out/x.pch"},
	} {
		inv := ParseMSVC("", strings.Fields(tt.args), "", "", t.TempDir())
		if inv.PCH != tt.pch || inv.PCHFile != tt.file {
			t.Errorf("ParseMSVC(%q): reason %q, PCH %q file %q; want %q, %q", tt.args, inv.Reason, inv.PCH, inv.PCHFile, tt.pch, tt.file)
		}
	}
}

// TestParseMSVCSourceDependenciesDir: /sourceDependencies naming an
// existing directory gives each source its file there, named after the
// source with ".json" appended (cl's documentation: main.cpp.json).
func TestParseMSVCSourceDependenciesDir(t *testing.T) {
	cwd := t.TempDir()
	os.Mkdir(filepath.Join(cwd, "deps"), 0o777)
	inv := ParseMSVC("", strings.Fields("/c src/a.cpp other/b.c /sourceDependencies deps /Foout/"), "", "", cwd)
	if inv.Reason != "" || len(inv.Sources) != 2 {
		t.Fatalf("reason %q, sources %v", inv.Reason, inv.Sources)
	}
	for i, want := range []string{`deps\a.cpp.json`, `deps\b.c.json`} {
		if got := inv.Sources[i].SourceDependencies; got != want && got != strings.ReplaceAll(want, `\`, "/") {
			t.Errorf("source %d: dependencies file %q, want %q", i, got, want)
		}
	}
}

func TestParseMSVCSources(t *testing.T) {
	cwd := t.TempDir()
	os.Mkdir(filepath.Join(cwd, "objdir"), 0o777)
	tests := []struct {
		flavor  Flavor
		args    string
		sources []MSVCSource
	}{
		{"", "/c foo.cpp", []MSVCSource{{Path: "foo.cpp", Lang: "c++", Output: "foo.obj"}}},
		{"", `/c src\foo.c /Foout\`, []MSVCSource{{Path: `src\foo.c`, Lang: "c", Output: `out\foo.obj`}}},
		{"", "/c src/a.c src/b.CPP /Foout/", []MSVCSource{{Path: "src/a.c", Lang: "c", Output: "out/a.obj"}, {Path: "src/b.CPP", Lang: "c++", Output: "out/b.obj"}}},
		{"", "/c a.c /Fo:x.obj", []MSVCSource{{Path: "a.c", Lang: "c", Output: "x.obj"}}},
		{"", "/c a.c /Fo: x.obj", []MSVCSource{{Path: "a.c", Lang: "c", Output: "x.obj"}}},
		{"", "/c a.c /Fox", []MSVCSource{{Path: "a.c", Lang: "c", Output: "x.obj"}}},
		{"", "/c a.c /Foobjdir", []MSVCSource{{Path: "a.c", Lang: "c", Output: "objdir" + string(os.PathSeparator) + "a.obj"}}},
		{FlavorClang, "/c a.c /Foobjdir", []MSVCSource{{Path: "a.c", Lang: "c", Output: "objdir.obj"}}},
		{"", "/c /TP a.c", []MSVCSource{{Path: "a.c", Lang: "c++", Output: "a.obj"}}},
		{"", "/c a.c /TC", []MSVCSource{{Path: "a.c", Lang: "c", Output: "a.obj"}}},
		{"", "/c /Tpweird.txt /Tc other.inc", []MSVCSource{{Path: "weird.txt", Lang: "c++", Forced: "Tp", Output: "weird.obj"}, {Path: "other.inc", Lang: "c", Forced: "Tc", Output: "other.obj"}}},
	}
	for _, tt := range tests {
		inv := ParseMSVC(tt.flavor, strings.Fields(tt.args), "", "", cwd)
		if inv.Reason != "" || !reflect.DeepEqual(inv.Sources, tt.sources) {
			t.Errorf("ParseMSVC(%s %q): %q, sources\n%+v\nwant\n%+v", tt.flavor, tt.args, inv.Reason, inv.Sources, tt.sources)
		}
	}
}

func TestParseMSVCHashArgs(t *testing.T) {
	inv := ParseMSVC("", strings.Fields(`-c /O2 /EHsc a.c b.c /Foout\ /MP2 /DX=1 /I inc /showIncludes`), "/DFROM_CL#1 /W4", "/DTAIL", "/")
	want := []string{"/DFROM_CL=1", "/W4", "/c", "/O2", "/EHsc", "/DX=1", "/I", "inc", "/showIncludes", "/DTAIL"}
	if !reflect.DeepEqual(inv.HashArgs, want) {
		t.Errorf("HashArgs = %q, want %q", inv.HashArgs, want)
	}
	if inv.Parallel != 2 || !inv.ShowIncludes {
		t.Errorf("Parallel %d, ShowIncludes %v", inv.Parallel, inv.ShowIncludes)
	}
	// /EHsc and /EHs are different options: no prefix matching.
	a := ParseMSVC("", []string{"/c", "/EHsc", "x.c"}, "", "", "/")
	b := ParseMSVC("", []string{"/c", "/EHs", "x.c"}, "", "", "/")
	if reflect.DeepEqual(a.HashArgs, b.HashArgs) {
		t.Error("/EHsc and /EHs hash alike")
	}
	inv = ParseMSVC("", strings.Fields("/c /external:env:MYINC x.c"), "", "", "/")
	if !reflect.DeepEqual(inv.HashEnv, []string{"INCLUDE", "EXTERNAL_INCLUDE", "VCINSTALLDIR", "VCToolsInstallDir", "MYINC"}) {
		t.Errorf("HashEnv = %q", inv.HashEnv)
	}
	if env := inv.IncludeEnv(); !reflect.DeepEqual(env, []string{"INCLUDE", "EXTERNAL_INCLUDE", "MYINC"}) {
		t.Errorf("IncludeEnv = %q", env)
	}
}

func TestMSVCSourceArgs(t *testing.T) {
	inv := ParseMSVC("", strings.Fields(`/c /O2 a.c /Tp b.txt /Fo: out\ /MP /DX`), "/DCL", "", "/")
	if inv.Reason != "" {
		t.Fatal(inv.Reason)
	}
	got0 := strings.Join(inv.SourceArgs(0, "t0.obj", "/showIncludes"), " ")
	got1 := strings.Join(inv.SourceArgs(1, "t1.obj"), " ")
	if want := "/c /O2 /MP /DX /showIncludes a.c /Fot0.obj"; got0 != want {
		t.Errorf("SourceArgs(0) = %q, want %q", got0, want)
	}
	if want := "/c /O2 /MP /DX /Tpb.txt /Fot1.obj"; got1 != want {
		t.Errorf("SourceArgs(1) = %q, want %q", got1, want)
	}
}

func TestMSVCResponseFiles(t *testing.T) {
	dir := t.TempDir()
	le := []byte{0xFF, 0xFE}
	be := []byte{0xFE, 0xFF}
	for _, r := range `/c "sp ace.c" @inner.rsp` {
		le = append(le, byte(r), 0)
	}
	for _, r := range `/DBE` {
		be = append(be, 0, byte(r))
	}
	os.WriteFile(filepath.Join(dir, "outer.rsp"), le, 0o666)
	os.WriteFile(filepath.Join(dir, "inner.rsp"), append([]byte{0xEF, 0xBB, 0xBF}, "/O2 @be.rsp"...), 0o666)
	os.WriteFile(filepath.Join(dir, "be.rsp"), be, 0o666)
	inv := ParseMSVC("", []string{"@outer.rsp"}, "", "", dir)
	if want := []string{"/c", "sp ace.c", "/O2", "/DBE"}; !reflect.DeepEqual(inv.Args, want) {
		t.Errorf("Args = %q, want %q", inv.Args, want)
	}
	if inv := ParseMSVC("", []string{"@missing.rsp"}, "", "", dir); inv.Reason != "bad-response-file" {
		t.Errorf("missing response file: %q", inv.Reason)
	}
}

// TestMSVCSourceArgsLangAll: /TC and /TP are left out of a /Tc or /Tp
// source's command only when the call also has sources they apply to.
func TestMSVCSourceArgsLangAll(t *testing.T) {
	for _, tt := range []struct {
		args, cl, reason string
		want             []string
	}{
		{args: "/c /TP /Tpm.cpp two.c", want: []string{"/c /Tpm.cpp /Fox.obj", "/c /TP two.c /Fox.obj"}},
		{args: "/c /Tpm.cpp /TC /TP two.c", want: []string{"/c /Tpm.cpp /Fox.obj", "/c /TC /TP two.c /Fox.obj"}},
		{args: "/c /TP /Tpm.cpp", want: []string{"/c /TP /Tpm.cpp /Fox.obj"}},
		{args: "/c /TC /Tpm.cpp /Tctwo.c", want: []string{"/c /TC /Tpm.cpp /Fox.obj", "/c /TC /Tctwo.c /Fox.obj"}},
		{args: "/c /TP one.c two.c", want: []string{"/c /TP one.c /Fox.obj", "/c /TP two.c /Fox.obj"}},
		{args: "/c /Tpm.cpp two.c", cl: "/TP", reason: "lang-all-in-env"},
		{args: "/c /Tpm.cpp", cl: "/TP", want: []string{"/c /Tpm.cpp /Fox.obj"}},
	} {
		inv := ParseMSVC("", strings.Fields(tt.args), tt.cl, "", "/")
		if inv.Reason != tt.reason {
			t.Errorf("%q (CL=%q): reason %q, want %q", tt.args, tt.cl, inv.Reason, tt.reason)
			continue
		}
		if tt.reason != "" {
			continue
		}
		for i, want := range tt.want {
			if got := strings.Join(inv.SourceArgs(i, "x.obj"), " "); got != want {
				t.Errorf("%q: SourceArgs(%d) = %q, want %q", tt.args, i, got, want)
			}
			if got, drop := inv.DropsLangAll(i), (strings.Contains(tt.args, "/TP ") || strings.Contains(tt.args, "/TC ")) && !strings.Contains(want, "/TP ") && !strings.Contains(want, "/TC "); got != drop {
				t.Errorf("%q: DropsLangAll(%d) = %v, want %v", tt.args, i, got, drop)
			}
		}
	}
}

// TestParseMSVCSourceInEnv: a source named by CL or _CL_ would be compiled
// again by every per-source command (the variables are set for each), so
// the call passes through; options there are taken as usual.
func TestParseMSVCSourceInEnv(t *testing.T) {
	for _, tt := range []struct {
		args, cl, tail, reason string
	}{
		{args: "/c a.c", tail: "b.c", reason: "source-in-cl-env"},
		{args: "/c a.c", cl: "b.c", reason: "source-in-cl-env"},
		{args: "/c a.c", cl: "/Tcb.txt", reason: "source-in-cl-env"},
		{args: "/c a.c", tail: "/Tp b.txt", reason: "source-in-cl-env"},
		{args: "/c a.c", cl: "/W4 /DX#1", tail: "/O2"},
		{args: "/c /Tca.txt /Tp b.txt"},
	} {
		inv := ParseMSVC("", strings.Fields(tt.args), tt.cl, tt.tail, "/")
		if inv.Reason != tt.reason {
			t.Errorf("%q (CL=%q _CL_=%q): reason %q, want %q", tt.args, tt.cl, tt.tail, inv.Reason, tt.reason)
		}
	}
}
