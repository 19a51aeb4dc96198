package launcher

import "testing"

// TestScanAsmDirectives: what a file's text makes the assembler read, in
// a C-family translation unit and in an assembler one, and whether it has
// a "#pragma GCC dependency": every spelling the assembler or the
// preprocessor accepts counts (false alarms only cost a pass-through), and
// the C names that merely look like directives do not.
func TestScanAsmDirectives(t *testing.T) {
	tests := []struct {
		text            string
		inC, inAsm, dep bool
	}{
		{"int x;", false, false, false},
		{`.incbin "d.bin"`, true, true, false},
		{`__asm__(".incbin \"d.bin\"");`, true, true, false},
		{`__asm__(".incbin" " \"d.bin\"");`, true, true, false},
		{`asm(".incbin\t\"d.bin\"");`, true, true, false},
		{".INCBIN \"d.bin\"\n", true, true, false},
		{".IncBin\n", true, true, false},
		{".incbin", true, true, false},
		{"a.incbin();", false, true, false},
		{"x.incbinary = 1;", false, false, false},
		{`.include "x.s"`, true, true, false},
		{`asm(".include \"x.s\"");`, true, true, false},
		{".INCLUDE\t\"x.s\"", true, true, false},
		{"s.include = 1;", false, true, false},
		{"*p = .include;", false, true, false},
		{".include\n", false, true, false},
		{"f.include(x);", false, true, false},
		{"#include <stdio.h>", false, false, false},
		{"  #  include \"x.h\"\n#include_next <y.h>\n", false, false, false},
		{"x.included = 1;", false, false, false},
		{`.incbin "a" .include "b"`, true, true, false},
		{`fopen("conf.include", "r");`, false, true, false},
		{`x.incbin = 1;`, false, true, false},
		{"blob: .incbin \"x\"", true, true, false},
		{"label:.incbin \"x\"", true, true, false},
		{`asm("nop\n.incbin \"x\"");`, true, true, false},
		{`asm("nop\n\t.include \"x\"");`, true, true, false},
		{"nop; .incbin \"x\"", true, true, false},
		{"(.incbin)", true, true, false},
		// Spellings no look at the letters finds (W4).
		{`asm(".section .rodata\nblob: .inc" "bin \"blob.bin\"\n");`, true, true, false},
		{"asm(\".inc\"\n  /* split */ \"bin \\\"b\\\"\");", true, true, false},
		{`asm("\56incbin \"blob.bin\"");`, true, true, false},
		{`asm("\x2eincbin \"blob.bin\"");`, true, true, false},
		{`asm(".\151ncbin \"blob.bin\"");`, true, true, false},
		{`asm(".inc\u0062in \"blob.bin\"");`, true, true, false},
		{"asm(\".inc\\\nbin \\\"b\\\"\");", true, true, false},
		{`asm(R"(.incbin "b")");`, true, true, false},
		{`asm(".inc" ".lude \"x.s\"");`, false, false, false},
		{`asm(".incl" "ude \"x.s\"");`, true, true, false},
		{"#define INC incbin\n.section .rodata\n.INC \"blob.bin\"\n", true, true, false},
		{".irp d,incbin\n.\\d \"blob.bin\"\n.endr\n", true, true, false},
		{"#define INC include\n.INC \"x.s\"\n", false, true, false},
		{".irp d,include\n.\\d \"x.s\"\n.endr\n", false, true, false},
		{"/* the words incbin and include in a comment */ int x;", false, false, false},
		{"// include this file once\nint x;", false, false, false},
		{"char c = '\"'; int incbin;", true, true, false},
		{"#error don't .incbin here\n", true, true, false},
		{"#include \"include/x.h\"\n#include <include/y.h>\n", false, false, false},
		{"# error \"Never use <bits/x.h> directly; include <x.h> instead.\"\n", false, false, false},
		// #pragma GCC dependency (O1).
		{"#pragma GCC \\\ndependency \"gen.y\"\n", false, false, true},
		{"#pragma GCC dependency \"gen.y\"\n", false, false, true},
		{"# pragma GCC dependency \"parse.y\" extra text\n", false, false, true},
		{"_Pragma(\"GCC dependency \\\"gen.y\\\"\")\n", false, false, true},
		{"#pragma GCC poison dependency\n", false, false, false},
		{"const char *s = \"the GCC dependency pragma\";", false, false, false},
	}
	for _, tt := range tests {
		d := scanAsmDirectives([]byte(tt.text))
		if inC, inAsm, dep := d.readsFiles(false), d.readsFiles(true), d.readsFileTimes(); inC != tt.inC || inAsm != tt.inAsm || dep != tt.dep {
			t.Errorf("scanAsmDirectives(%q) = %b: in C %v, in assembler %v, dependency %v; want %v %v %v", tt.text, d, inC, inAsm, dep, tt.inC, tt.inAsm, tt.dep)
		}
	}
}

func TestAsmReadsFiles(t *testing.T) {
	tests := []struct {
		d         asmDirectives
		assembler bool
		want      bool
	}{
		{0, true, false},
		{asmIncbin, false, true},
		{asmIncludeQuoted | asmIncludeBare, false, true},
		{asmIncludeBare, false, false},
		{asmIncludeBare, true, true},
		{asmWordIncbin | asmWordInclude, false, false},
		{asmWordInclude, true, true},
		{pragmaDependency, true, false},
	}
	for _, tt := range tests {
		if got := tt.d.readsFiles(tt.assembler); got != tt.want {
			t.Errorf("%b.readsFiles(%v) = %v, want %v", tt.d, tt.assembler, got, tt.want)
		}
	}
}
