package compiler

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestLongOptions: gcc's and clang's long aliases mean what the short
// options mean, in both the --x=v and --x v forms.
func TestLongOptions(t *testing.T) {
	tests := []struct {
		args    string
		output  string
		depfile *Depfile
		debug   bool
		lang    string
		dirs    []string
	}{
		{"-c a.c --output=x.o", "x.o", nil, false, "c", nil},
		{"-c a.c --output x.o", "x.o", nil, false, "c", nil},
		{"--compile a.c -o x.o", "x.o", nil, false, "c", nil},
		{"--assemble a.c", "a.s", nil, false, "c", nil},
		{"-c a.c --write-dependencies", "a.o", &Depfile{Mode: DepAll, Path: "a.d", Target: "a.o"}, false, "c", nil},
		{"-c a.c --write-user-dependencies -o o/x.o", "o/x.o", &Depfile{Mode: DepUser, Path: "o/x.d", Target: "o/x.o"}, false, "c", nil},
		{"-c a.c --debug", "a.o", nil, true, "c", nil},
		{"-c a.c --debug=0", "a.o", nil, false, "c", nil},
		{"-c a.c --debug=3", "a.o", nil, true, "c", nil},
		{"-c --language=c++ a.c", "a.o", nil, false, "c++", nil},
		{"-c --language c++ a.c", "a.o", nil, false, "c++", nil},
		{"-c a.c --include-directory=inc --include-directory inc2 --include-directory-after=late", "a.o", nil, false, "c", []string{"inc", "inc2", "late"}},
		{"-c a.c --include-prefix=p/ --include-with-prefix=x --include-with-prefix-before y", "a.o", nil, false, "c", []string{"p/x", "p/y"}},
		{"-c a.c --sysroot=/sr -I=/inc", "a.o", nil, false, "c", []string{"/sr", "=/inc", "/sr/inc"}},
	}
	for _, tt := range tests {
		inv := Parse(FlavorGCC, strings.Fields(tt.args), "/nowhere")
		if inv.Reason != "" {
			t.Errorf("%q: uncacheable: %s", tt.args, inv.Reason)
			continue
		}
		if inv.Output != tt.output || !reflect.DeepEqual(inv.Depfile, tt.depfile) || inv.DebugInfo != tt.debug || inv.Lang != tt.lang || !reflect.DeepEqual(inv.IncludeDirs, tt.dirs) {
			t.Errorf("%q: output %q depfile %+v debug %v lang %q dirs %q, want %q %+v %v %q %q",
				tt.args, inv.Output, inv.Depfile, inv.DebugInfo, inv.Lang, inv.IncludeDirs, tt.output, tt.depfile, tt.debug, tt.lang, tt.dirs)
		}
	}
}

// TestLongOptionsMissArgs: the miss run replaces the value of a long
// output or depfile option where it stands.
func TestLongOptionsMissArgs(t *testing.T) {
	tests := []struct{ args, want string }{
		{"-c a.c --output=x.o", "-c a.c --output=TMP.o"},
		{"-c a.c --output x.o", "-c a.c --output TMP.o"},
		{"-c a.c --output=x.o --write-dependencies", "-c a.c --output=TMP.o --write-dependencies -MF TMP.d -MQ x.o"},
	}
	for _, tt := range tests {
		inv := Parse(FlavorGCC, strings.Fields(tt.args), "/nowhere")
		plan := MissPlan{Output: "TMP.o"}
		if inv.Depfile != nil {
			plan.Depfile, plan.PinTarget = "TMP.d", inv.Output
		}
		if got := strings.Join(inv.MissArgs(plan), " "); got != tt.want {
			t.Errorf("%q: MissArgs = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestDoubleDash: clang reads every argument after "--" as an input, so
// the options objcache adds go before it.
func TestDoubleDash(t *testing.T) {
	inv := Parse(FlavorClang, strings.Fields("-c -O2 -- a.c"), "/nowhere")
	if inv.Reason != "" || inv.Source != "a.c" || inv.Output != "a.o" {
		t.Fatalf("reason %q source %q output %q", inv.Reason, inv.Source, inv.Output)
	}
	got := strings.Join(inv.MissArgs(MissPlan{Output: "TMP.o", Depfile: "TMP.d", PinTarget: "a.o", Color: true}), " ")
	if want := "-c -O2 -o TMP.o -MD -MF TMP.d -MQ a.o -fcolor-diagnostics -- a.c"; got != want {
		t.Errorf("MissArgs = %q, want %q", got, want)
	}
	got = strings.Join(inv.DependencyArgs("DEP.d"), " ")
	if want := "-O2 -M -MF DEP.d -o " + os.DevNull + " -- a.c"; got != want {
		t.Errorf("DependencyArgs = %q, want %q", got, want)
	}
	if r := Parse(FlavorClang, strings.Fields("-c -- a.c b.c"), "/").Reason; r != "multiple-sources" {
		t.Errorf("two sources after --: reason %q", r)
	}
	if r := Parse(FlavorGCC, strings.Fields("-c -- a.c"), "/").Reason; r != "double-dash" {
		t.Errorf("gcc with --: reason %q, want double-dash (gcc rejects it)", r)
	}
}

// TestDebugInfo: whether debug information is on, as gcc 12 and clang 14
// decide it (each row checked by compiling and looking for debug
// sections).
func TestDebugInfo(t *testing.T) {
	tests := []struct {
		flavor Flavor
		args   string
		want   bool
	}{
		{FlavorGCC, "", false},
		{FlavorGCC, "-gtoggle", true},
		{FlavorGCC, "-g -gtoggle", false},
		{FlavorGCC, "-gtoggle -gtoggle", true},
		{FlavorGCC, "-g0 -gtoggle", true},
		{FlavorGCC, "-gtoggle -g0", true},
		{FlavorGCC, "-g1 -gtoggle", false},
		{FlavorGCC, "-gtoggle -g", false},
		{FlavorGCC, "-gdwarf-4 -gtoggle", false},
		{FlavorGCC, "-gdwarf", true},
		{FlavorGCC, "-gbtf", true},
		{FlavorGCC, "-gz", false},
		{FlavorGCC, "-gcolumn-info -gno-pubnames -gstrict-dwarf", false},
		{FlavorGCC, "-g -g0", false},
		{FlavorGCC, "-ggdb3 -ggdb0", false},
		{FlavorGCC, "-g -gz=zlib", true},
		{FlavorGCC, "-Wa,--gdwarf-5", true},
		{FlavorGCC, "-Xassembler -g", true},
		{FlavorGCC, "-Wa,--noexecstack", false},
		{FlavorClang, "-gmlt", true},
		{FlavorClang, "-gline-directives-only", true},
		{FlavorClang, "-gmodules", true},
		{FlavorClang, "-gdwarf64", true},
		{FlavorClang, "-gno-inline-line-tables", true},
		{FlavorClang, "-gcodeview", false},
		{FlavorClang, "-gmlt -g0", false},
		{FlavorClang, "-g0 -glldb", true},
	}
	for _, tt := range tests {
		args := append([]string{"-c", "a.c"}, strings.Fields(tt.args)...)
		inv := Parse(tt.flavor, args, "/nowhere")
		if inv.Reason != "" || inv.DebugInfo != tt.want {
			t.Errorf("%s %q: reason %q DebugInfo %v, want %v", tt.flavor, tt.args, inv.Reason, inv.DebugInfo, tt.want)
		}
	}
}

// TestKeyDir: what of the working directory joins the key.
func TestKeyDir(t *testing.T) {
	const cwd = "/build/job1/src"
	tests := []struct {
		args    string
		hashDir bool
		want    string
	}{
		{"", true, ""},
		{"-g", true, "debug unmapped " + cwd},
		{"-g", false, ""},
		{"-g -fdebug-prefix-map=/build/job1=/x", true, "debug 0=/x/src\x00"},
		{"-g -ffile-prefix-map=" + cwd + "=.", true, "debug 0=.\x00"},
		// A map that does not match leaves the directory in the object.
		{"-g -fdebug-prefix-map=/usr/src=/x", true, "debug unmapped " + cwd},
		// Two that match: gcc takes the last, clang the greatest.
		{"-g -fdebug-prefix-map=/build/=/a/ -fdebug-prefix-map=/build/job1/=/b/", true, "debug 0=/a/job1/src\x001=/b/src\x00"},
		{"-g -fdebug-compilation-dir=.", true, ""},
		{"-fprofile-instr-generate -fcoverage-mapping", true, "coverage unmapped " + cwd},
		{"-fprofile-instr-generate -fcoverage-mapping -ffile-compilation-dir=.", true, ""},
		{"-fprofile-instr-generate -fcoverage-mapping -fno-coverage-mapping", true, ""},
		{"-frecord-gcc-switches", false, "cwd " + cwd},
		{"-fprofile-use", false, ""}, // clang reads no .gcda
	}
	for _, tt := range tests {
		args := append([]string{"-c", "a.c"}, strings.Fields(tt.args)...)
		inv := Parse(FlavorClang, args, cwd)
		if inv.Reason != "" {
			t.Errorf("%q: %s", tt.args, inv.Reason)
			continue
		}
		if got := inv.KeyDir(cwd, tt.hashDir); got != tt.want {
			t.Errorf("%q hashDir=%v: KeyDir = %q, want %q", tt.args, tt.hashDir, got, tt.want)
		}
	}
}

// TestIncludeDirs: the directories whose existence joins the key.
func TestIncludeDirs(t *testing.T) {
	tests := []struct {
		flavor Flavor
		args   string
		want   []string
	}{
		{FlavorGCC, "-Ib -Ia -isystem s -iquote q -idirafter late", []string{"b", "a", "s", "q", "late"}},
		{FlavorGCC, "-I b -I- -include x.h", []string{"b", "-"}},
		{FlavorGCC, "-iprefix /p/ -iwithprefix x -iwithprefixbefore y", []string{"/p/x", "/p/y"}},
		{FlavorClang, "-iwithprefix x", []string{"x"}},
		{FlavorGCC, "-isysroot /s -I=/inc -isystem $SYSROOT/sys", []string{"/s", "=/inc", "/s/inc", "$SYSROOT/sys", "/s/sys"}},
		{FlavorClang, "--sysroot /s -iwithsysroot /w -cxx-isystem cx", []string{"/s", "cx", "/s/w"}},
	}
	for _, tt := range tests {
		args := append([]string{"-c", "a.c"}, strings.Fields(tt.args)...)
		inv := Parse(tt.flavor, args, "/nowhere")
		if inv.Reason != "" || !reflect.DeepEqual(inv.IncludeDirs, tt.want) {
			t.Errorf("%s %q: reason %q dirs %q, want %q", tt.flavor, tt.args, inv.Reason, inv.IncludeDirs, tt.want)
		}
	}
	lookup := func(vars map[string]string) func(string) (string, bool) {
		return func(name string) (string, bool) { v, ok := vars[name]; return v, ok }
	}
	list := strings.Join([]string{"a", "", "b"}, string(filepath.ListSeparator))
	if got, want := EnvIncludeDirs(lookup(map[string]string{"CPATH": list, "C_INCLUDE_PATH": "c"})), []string{"a", ".", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("EnvIncludeDirs = %q, want %q", got, want)
	}
	if got, want := MSVCEnvIncludeDirs(lookup(map[string]string{"INCLUDE": `C:\a;;C:\b;`, "X": "x"}), []string{"INCLUDE", "X"}), []string{`C:\a`, `C:\b`, "x"}; !reflect.DeepEqual(got, want) {
		t.Errorf("MSVCEnvIncludeDirs = %q, want %q", got, want)
	}
	m := ParseMSVC("", strings.Fields("/c /Iinc /external:I ext /imsvc sys x.c"), "/Icl", "", "/")
	if want := []string{"cl", "inc", "ext", "sys"}; m.Reason != "" || !reflect.DeepEqual(m.IncludeDirs, want) {
		t.Errorf("MSVC: reason %q dirs %q, want %q", m.Reason, m.IncludeDirs, want)
	}
}

// TestProfileInputs: the profile files each form reads (as traced with
// gcc 12 and clang 14), and that a .gcda found by the object's name makes
// the compile keep the user's output name.
func TestProfileInputs(t *testing.T) {
	const cwd = "/w/prof"
	tests := []struct {
		args      string
		files     []string
		recording bool
	}{
		{"-c t.c -o obj/t.o -fprofile-use", []string{"obj/t.gcda", "default.profdata"}, true},
		{"-c t.c -o obj/t.o -fbranch-probabilities", []string{"obj/t.gcda"}, true},
		{"-c t.c -fbranch-probabilities", []string{"t.gcda"}, true},
		{"-S t.c -o obj/t.s -fbranch-probabilities", []string{"obj/t.gcda"}, true},
		{"-c t.c -o obj/t.c.o -fbranch-probabilities", []string{"obj/t.c.gcda"}, true},
		{"-c t.c -o obj/.hid -fbranch-probabilities", []string{"obj/.hid.gcda"}, true},
		{"-c t.c -o obj/t. -fbranch-probabilities", []string{"obj/t.gcda"}, true},
		{"-c t.c -o obj/t.o -fprofile-use=pdir", []string{"obj/t.gcda", "pdir/#w#prof#obj#t.gcda", "pdir", "pdir/default.profdata"}, true},
		{"-c t.c -o ../prof/obj/t.o -fprofile-dir=pdir -fbranch-probabilities", []string{"../prof/obj/t.gcda", "pdir/#w#prof#^#prof#obj#t.gcda"}, true},
		{"-c t.c -o /abs/t.o -fprofile-dir=pdir -fbranch-probabilities", []string{"/abs/t.gcda", "pdir//abs/t.gcda"}, true},
		{"-c t.c -fauto-profile", []string{"fbdata.afdo"}, false},
		{"-c t.c -fauto-profile=x.afdo", []string{"x.afdo"}, false},
		{"-c t.c -fprofile-instr-use", []string{"default.profdata"}, false},
		{"-c t.c -fprofile-instr-use=p/x.profdata -fprofile-remapping-file=r.txt", []string{"p/x.profdata", "r.txt"}, false},
		{"-c t.c -fprofile-sample-use=s.prof -fprofile-list=l.txt", []string{"s.prof", "l.txt"}, false},
	}
	for _, tt := range tests {
		inv := Parse(FlavorGCC, strings.Fields(tt.args), cwd)
		if runtime.GOOS == "windows" && tt.recording {
			// A .gcda's name is not known on Windows (gcc mangles drive
			// letters and backslashes too): such compiles are not cached.
			if inv.Reason != "unhashable-input" {
				t.Errorf("%q on Windows: reason %q, want unhashable-input", tt.args, inv.Reason)
			}
			continue
		}
		if inv.Reason != "" || !reflect.DeepEqual(inv.ProfileInputs, tt.files) || inv.Recording != tt.recording {
			t.Errorf("%q: reason %q files %q recording %v, want %q %v", tt.args, inv.Reason, inv.ProfileInputs, inv.Recording, tt.files, tt.recording)
		}
	}
	// clang reads no .gcda: its objects are not keyed by their name.
	if inv := Parse(FlavorClang, strings.Fields("-c t.c -o obj/t.o -fprofile-use=p.profdata"), cwd); inv.Recording || !reflect.DeepEqual(inv.ProfileInputs, []string{"p.profdata", "p.profdata/default.profdata"}) {
		t.Errorf("clang -fprofile-use=file: recording %v, files %q", inv.Recording, inv.ProfileInputs)
	}
	m := ParseMSVC(FlavorClang, strings.Fields("/c -fprofile-instr-use x.c"), "", "", "/")
	if want := []string{"default.profdata"}; m.Reason != "" || !reflect.DeepEqual(m.ProfileInputs, want) {
		t.Errorf("clang-cl: reason %q profile %q, want %q", m.Reason, m.ProfileInputs, want)
	}
}

// TestNativeAndTimeMacros: the native options are collected for the
// driver's query, and the time macros the arguments name (response files
// included) are seen.
func TestNativeAndTimeMacros(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "args.rsp"), []byte("-DSTAMP=__TIME__\n"), 0o666)
	tests := []struct {
		args   string
		native []string
		macros TimeMacros
	}{
		{"-c a.c -O2", nil, 0},
		{"-c a.c -march=native -O2", []string{"-march=native"}, 0},
		{"-c a.c -m32 -mtune=native --target=x86_64-linux-gnu -march=native", []string{"-mtune=native", "-march=native", "-m32", "--target=x86_64-linux-gnu"}, 0},
		{"-c a.c -DSTAMP=__TIME__", nil, DateTime},
		{"-c a.c -DD=__DATE__ -DT=__TIMESTAMP__", nil, DateTime | Timestamp},
		{"-c a.c @args.rsp", nil, DateTime},
		{"-c a.c -D__TIMESIZE=64", nil, 0},
	}
	for _, tt := range tests {
		inv := Parse(FlavorClang, strings.Fields(tt.args), dir)
		if inv.Reason != "" || !reflect.DeepEqual(inv.NativeArgs, tt.native) || inv.TimeMacros != tt.macros {
			t.Errorf("%q: reason %q native %q macros %v, want %q %v", tt.args, inv.Reason, inv.NativeArgs, inv.TimeMacros, tt.native, tt.macros)
		}
	}
	for _, tt := range []struct {
		m         TimeMacros
		dateFixed bool
		want      bool
	}{
		{0, false, false}, {DateTime, false, true}, {DateTime, true, false}, {Timestamp, true, true}, {DateTime | Timestamp, true, true},
	} {
		if got := tt.m.Unstable(tt.dateFixed); got != tt.want {
			t.Errorf("%v.Unstable(%v) = %v, want %v", tt.m, tt.dateFixed, got, tt.want)
		}
	}
}

// TestClangOptionsInClangCL: clang-cl's /clang: options that change what
// the compile reads or writes pass the call through.
func TestClangOptionsInClangCL(t *testing.T) {
	tests := []struct{ args, reason string }{
		{"/c /clang:-O3 x.c", ""},
		{"/c /clang:-DX=1 x.c", ""},
		{"/c /clang:-march=native x.c", "clang-option"},
		{"/c /clang:-fprofile-use x.c", "clang-option"},
		{"/c /clang:-MD x.c", "clang-option"},
		{"/c /clang:-g x.c", "clang-option"},
		{"/c /clang:-Wp,-MD,x.d x.c", "extra-output"},
		{"/c /clang:-save-temps x.c", "save-temps"},
		{"/c -march=native x.c", "native-cpu"},
		{"/c -- x.c", "double-dash"},
	}
	for _, tt := range tests {
		if got := ParseMSVC(FlavorClang, strings.Fields(tt.args), "", "", "/").Reason; got != tt.reason {
			t.Errorf("%q: reason %q, want %q", tt.args, got, tt.reason)
		}
	}
}

// TestProfileInputsRebased: under base dirs, profile paths are rewritten
// like include paths (in the arguments the compiler gets, in the key, and
// in the files whose content is hashed), so checkouts share entries.
func TestProfileInputsRebased(t *testing.T) {
	args := []string{"-c", "-fprofile-instr-use=/ci/job1/foo.profdata", "-fprofile-sample-use=/ci/job1/s.prof", "/ci/job1/t.c"}
	inv := ParseRebased(FlavorClang, args, "/ci/job1/build", rebaseJob1)
	if inv.Reason != "" {
		t.Fatalf("uncacheable: %s", inv.Reason)
	}
	wantArgs := []string{"-c", "-fprofile-instr-use=../foo.profdata", "-fprofile-sample-use=../s.prof", "../t.c"}
	if !reflect.DeepEqual(inv.Args, wantArgs) || !reflect.DeepEqual(inv.HashArgs, wantArgs[:3]) {
		t.Errorf("Args %q HashArgs %q, want %q", inv.Args, inv.HashArgs, wantArgs)
	}
	if want := []string{"../foo.profdata", "../s.prof"}; !reflect.DeepEqual(inv.ProfileInputs, want) {
		t.Errorf("ProfileInputs %q, want %q", inv.ProfileInputs, want)
	}
}
