package compiler

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseReasons(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "my.specs"), []byte("x"), 0o666)
	os.WriteFile(filepath.Join(dir, "inc.specs"), []byte("%include <other.specs>\n"), 0o666)
	tests := []struct {
		args   string
		reason string
	}{
		{"-c foo.c", ""},
		{"-c foo.c -o foo.o", ""},
		{"-S foo.c", ""},
		{"-c foo.cpp -ofoo.o -O2 -Wall -DX=1 -Iinc -isystem sys -include pre.h", ""},
		{"-c -x c foo.txt", ""},
		{"-c foo.c -specs=" + filepath.Join(dir, "my.specs"), ""},
		// Found as the driver finds it: in its library dirs first.
		{"-c foo.c -specs=my.specs", "specs-search"},
		{"-c foo.c -specs=" + filepath.Join(dir, "inc.specs"), "specs-include"},
		{"-c foo.c -mllvm -dfsan-abilist=abi.txt", "llvm-input-option"},
		{"-c foo.c -mllvm -inline-threshold=100", ""},
		{"-c foo.c -aux-info=x.aux", "extra-output"},
		{"-c foo.c -frecord-gcc-switches", ""},
		{"-c foo.c -unknown-option-xyz", ""},
		{"foo.c -o foo", "linking"},
		{"foo.o bar.o -o prog", "linking"},
		{"-c foo.c bar.o", "linker-input"},
		{"-E foo.c", "preprocess-only"},
		{"-M foo.c", "preprocess-only"},
		{"-c -MM foo.c", "preprocess-only"},
		{"-c foo.c bar.c", "multiple-sources"},
		{"-c -x c -", "stdin-source"},
		{"-c foo.c -save-temps", "save-temps"},
		{"-c foo.c -save-temps=obj", "save-temps"},
		{"-c foo.c --coverage", "coverage"},
		{"-c foo.c -ftest-coverage", "coverage"},
		{"-c foo.c -g -gsplit-dwarf", "split-dwarf"},
		{"-fsyntax-only foo.c", "syntax-only"},
		{"-c foo.c -o -", "output-to-stdout"},
		// -S of a preprocessed-assembly source writes it preprocessed, to
		// stdout without -o.
		{"-S foo.S", "output-to-stdout"},
		{"-S -x assembler-with-cpp foo.c", "output-to-stdout"},
		{"-S foo.sx", "output-to-stdout"},
		{"-S foo.S -o foo.i", ""},
		{"-c foo.S", ""},
		{"-c", "no-source"},
		{"-c foo.c -Bprefix/", "unhashable-input"},
		{"-c foo.c -specs=" + filepath.Join(dir, "missing.specs"), "unhashable-input"},
		{"-c foo.c -fprofile-use -dumpbase x", "unhashable-input"},
		{"-c foo.c -fbranch-probabilities -fprofile-prefix-path=/x", "unhashable-input"},
		{"-c foo.c -iwithprefix inc", "unhashable-input"},
		{"-c foo.c -I=inc", "unhashable-input"},
		{"-c foo.c -v", "verbose"},
		{"-c foo.c --verbose", "verbose"},
		{"-c foo.c --outp=foo.o", "unknown-long-option"},
		{"-c foo.c --write-dep", "unknown-long-option"},
		{"-c -- foo.c", "double-dash"},
		{"--preprocess foo.c", "preprocess-only"},
		{"--compile foo.c --save-temps", "save-temps"},
		{"-c foo.c --prefix=/x/", "unhashable-input"},
		{"-c foo.c -fstack-usage", "extra-output"},
		{"-c foo.c -fdump-tree-all", "extra-output"},
		{"-c foo.c -Wa,-adhln=foo.lst", "extra-output"},
		{"-c foo.c -Wp,-MD,foo.d", "extra-output"},
		{"-c foo.h", "pch"},
		{"-c -x c++-header foo.hpp", "pch"},
		{"-c foo.c -arch x86_64 -arch arm64", "multiple-arch"},
		{"-c foo.c -MG -MD", "generated-headers"},
		{"-c foo.c -o", "missing-argument"},
		{"-c foo.c -###", "dry-run"},
	}
	for _, tt := range tests {
		inv := Parse(FlavorGCC, strings.Fields(tt.args), dir)
		if inv.Reason != tt.reason {
			t.Errorf("Parse(%q).Reason = %q, want %q", tt.args, inv.Reason, tt.reason)
		}
	}
}

func TestParseFields(t *testing.T) {
	tests := []struct {
		args string
		want Invocation
	}{
		{"-c src/foo.c", Invocation{Source: "src/foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c"}}},
		{"-S foo.c", Invocation{Source: "foo.c", Lang: "c", Output: "foo.s", HashArgs: []string{"-S"}}},
		{"-c foo.cc -o out/foo.o -O2", Invocation{Source: "foo.cc", Lang: "c++", Output: "out/foo.o", HashArgs: []string{"-c", "-O2"}}},
		{"-c -ofoo.o foo.c -I inc -Iinc2", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-I", "inc", "-Iinc2"}}},
		{"-x c++ -c foo.c", Invocation{Source: "foo.c", Lang: "c++", Output: "foo.o", HashArgs: []string{"-x", "c++", "-c"}}},
		{"-c foo.s", Invocation{Source: "foo.s", Lang: "assembler", Output: "foo.o", HashArgs: []string{"-c"}, Preprocessed: true, DebugInfo: true}}, // .loc lines name the directory
		{"-c foo.c -MD", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-MD"},
			Depfile: &Depfile{Mode: DepAll, Path: "foo.d", Target: "foo.o"}}},
		{"-c foo.c -o dir/x.obj.o -MMD -MP", Invocation{Source: "foo.c", Lang: "c", Output: "dir/x.obj.o", HashArgs: []string{"-c", "-MMD", "-MP"},
			Depfile: &Depfile{Mode: DepUser, Path: "dir/x.obj.d", Target: "dir/x.obj.o", Phony: true}}},
		{"-c foo.c -o x -MD -MF deps/x.d -MT tgt", Invocation{Source: "foo.c", Lang: "c", Output: "x", HashArgs: []string{"-c", "-MD"},
			Depfile: &Depfile{Mode: DepAll, Path: "deps/x.d", Target: "x", HasTarget: true, Targets: []string{"tgt"}, quoted: []bool{false}}}},
		{"-c foo.c -MD -MT a -MQ b$c -MTd", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-MD"},
			Depfile: &Depfile{Mode: DepAll, Path: "foo.d", Target: "foo.o", HasTarget: true, Targets: []string{"a", "b$$c", "d"}, quoted: []bool{false, true, false}}}},
		{"-c foo.c -MMD -MD -MFx.d", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-MMD", "-MD"},
			Depfile: &Depfile{Mode: DepAll, Path: "x.d", Target: "foo.o"}}},
		// Without -o the target is the object's name, also under -S.
		{"-S foo.c -MD", Invocation{Source: "foo.c", Lang: "c", Output: "foo.s", HashArgs: []string{"-S", "-MD"},
			Depfile: &Depfile{Mode: DepAll, Path: "foo.d", Target: "foo.o"}}},
		{"-S sub/foo.c -MD -o x.s", Invocation{Source: "sub/foo.c", Lang: "c", Output: "x.s", HashArgs: []string{"-S", "-MD"},
			Depfile: &Depfile{Mode: DepAll, Path: "x.d", Target: "x.s"}}},
		{"-c foo.c -g -O2", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-g", "-O2"}, DebugInfo: true}},
		{"-c foo.c -g -g0", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-g", "-g0"}}},
		{"-c foo.c -gz -gdwarf-4 -fdebug-prefix-map=/a=b", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o",
			HashArgs: []string{"-c", "-gz", "-gdwarf-4", "-fdebug-prefix-map=/a=b"}, DebugInfo: true, PrefixMapped: true}},
		{"-c foo.c -frecord-gcc-switches", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-frecord-gcc-switches"}, Recording: true}},
		{"-c foo.c -fprofile-generate=prof", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c", "-fprofile-generate=prof"}, Recording: true}},
		{"-c foo.c -fdiagnostics-color=never", Invocation{Source: "foo.c", Lang: "c", Output: "foo.o", HashArgs: []string{"-c"}, Color: "never", ColorArgs: []string{"-fdiagnostics-color=never"}}},
	}
	for _, tt := range tests {
		inv := Parse(FlavorGCC, strings.Fields(tt.args), "/nowhere")
		if inv.Reason != "" {
			t.Errorf("Parse(%q): uncacheable: %s", tt.args, inv.Reason)
			continue
		}
		got := Invocation{Source: inv.Source, Lang: inv.Lang, Output: inv.Output, HashArgs: inv.HashArgs, Depfile: inv.Depfile,
			DebugInfo: inv.DebugInfo, PrefixMapped: inv.PrefixMapped, Recording: inv.Recording, Color: inv.Color, ColorArgs: inv.ColorArgs, Preprocessed: inv.Preprocessed}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n%+v\nwant\n%+v", tt.args, got, tt.want)
		}
	}
}

func TestClangRecording(t *testing.T) {
	for _, tt := range []struct {
		args string
		want bool
	}{
		{"-c foo.c -g -grecord-command-line", true},
		{"-c foo.c -grecord-command-line -gno-record-command-line", false},
		{"-c foo.c -g", false},
	} {
		if inv := Parse(FlavorClang, strings.Fields(tt.args), "/"); inv.Recording != tt.want {
			t.Errorf("clang %q: Recording = %v, want %v", tt.args, inv.Recording, tt.want)
		}
	}
}

func TestMissArgs(t *testing.T) {
	tests := []struct {
		args string
		plan MissPlan
		want string
	}{
		{"-c foo.c -o foo.o", MissPlan{Output: "tmp.o", Depfile: "dep.d"}, "-c foo.c -o tmp.o -MD -MF dep.d"},
		{"-c foo.c -ofoo.o -MD", MissPlan{Output: "tmp.o", Depfile: "t.d", PinTarget: "foo.o"}, "-c foo.c -otmp.o -MD -MF t.d -MQ foo.o"},
		{"-c foo.c -MMD -MF x.d", MissPlan{Output: "t.o", Depfile: "t.d", PinTarget: "foo.o"}, "-c foo.c -MMD -MF t.d -o t.o -MQ foo.o"},
		{"-c foo.c -MD -MFx.d", MissPlan{Depfile: "t.d", Color: true}, "-c foo.c -MD -MFt.d -fdiagnostics-color=always"},
	}
	for _, tt := range tests {
		inv := Parse(FlavorGCC, strings.Fields(tt.args), "/")
		if got := strings.Join(inv.MissArgs(tt.plan), " "); got != tt.want {
			t.Errorf("MissArgs(%q, %+v) = %q, want %q", tt.args, tt.plan, got, tt.want)
		}
	}
	clang := Parse(FlavorClang, []string{"-c", "foo.c"}, "/")
	if got := strings.Join(clang.MissArgs(MissPlan{Color: true}), " "); got != "-c foo.c -fcolor-diagnostics" {
		t.Errorf("clang colour: %q", got)
	}
}

func TestDependencyArgs(t *testing.T) {
	inv := Parse(FlavorGCC, strings.Fields("-c -O2 foo.c -o out.o -MMD -MF x.d -MT tgt -MP -Iinc -D X -fdiagnostics-color=always"), "/")
	got := strings.Join(inv.DependencyArgs("dep.d"), " ")
	want := "-O2 foo.c -Iinc -D X -M -MF dep.d -o " + os.DevNull
	if got != want {
		t.Errorf("DependencyArgs = %q, want %q", got, want)
	}
}

func TestResponseFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) { os.WriteFile(filepath.Join(dir, name), data, 0o666) }
	write("plain.rsp", []byte("-c 'a b.c' \"-DX=\\\"y\\\"\" -o\tout.o\n@nested.rsp"))
	write("nested.rsp", []byte("-O2 back\\ slash"))
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range "-c u16.c" {
		utf16le = append(utf16le, byte(r), 0)
	}
	write("u16.rsp", utf16le)
	write("loop.rsp", []byte("@loop.rsp"))
	write("bom.rsp", []byte("\xef\xbb\xbf-DV=1"))
	tests := []struct {
		flavor Flavor
		args   []string
		want   []string
		err    bool
	}{
		{FlavorGCC, []string{"@plain.rsp"}, []string{"-c", "a b.c", `-DX="y"`, "-o", "out.o", "-O2", "back slash"}, false},
		{FlavorClang, []string{"@u16.rsp"}, []string{"-c", "u16.c"}, false},
		{FlavorClang, []string{"@bom.rsp"}, []string{"-DV=1"}, false},
		// gcc (libiberty) keeps a BOM's bytes: an input named so.
		{FlavorGCC, []string{"@bom.rsp"}, []string{"\xef\xbb\xbf-DV=1"}, false},
		{FlavorGCC, []string{"@missing.rsp", "-c"}, []string{"@missing.rsp", "-c"}, false},
		{FlavorGCC, []string{"@loop.rsp"}, nil, true},
	}
	for _, tt := range tests {
		got, err := expandResponseFiles(tt.args, dir, tt.flavor)
		if (err != nil) != tt.err || (!tt.err && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("%s: expand(%q) = %q, %v; want %q (error: %v)", tt.flavor, tt.args, got, err, tt.want, tt.err)
		}
	}
	if inv := Parse(FlavorGCC, []string{"@loop.rsp"}, dir); inv.Reason != "bad-response-file" {
		t.Errorf("a looping response file: reason %q", inv.Reason)
	}
}

// TestProfileNamesSource: the options whose profile knows the source by
// its spelled name, which base dirs must leave alone.
func TestProfileNamesSource(t *testing.T) {
	for _, tt := range []struct {
		flavor Flavor
		args   string
		want   bool
	}{
		{FlavorGCC, "-c a.c", false},
		{FlavorGCC, "-frecord-gcc-switches -c a.c", false},
		{FlavorGCC, "-fprofile-dir=p -c a.c", false},
		{FlavorGCC, "-fprofile-use -c a.c", true},
		{FlavorGCC, "-fprofile-generate -c a.c", true},
		{FlavorGCC, "-fprofile-arcs -c a.c", true},
		{FlavorGCC, "-fbranch-probabilities -c a.c", true},
		{FlavorGCC, "-fauto-profile=p.afdo -c a.c", true},
		{FlavorClang, "-fprofile-instr-generate -c a.c", true},
		{FlavorClang, "-fprofile-instr-use=x.profdata -c a.c", true},
		{FlavorClang, "-fcs-profile-generate -c a.c", true},
	} {
		if got := Parse(tt.flavor, strings.Fields(tt.args), "/w").ProfileNamesSource; got != tt.want {
			t.Errorf("%s %q: ProfileNamesSource = %v, want %v", tt.flavor, tt.args, got, tt.want)
		}
	}
}
