package launcher

import "testing"

func TestScanAsmDirectives(t *testing.T) {
	const (
		none   = asmDirectives(0)
		incbin = asmIncbin
		quoted = asmIncludeQuoted | asmIncludeBare
		bare   = asmIncludeBare
	)
	tests := []struct {
		text string
		want asmDirectives
	}{
		{"int x;", none},
		{`.incbin "d.bin"`, incbin},
		{`__asm__(".incbin \"d.bin\"");`, incbin},
		{`__asm__(".incbin" " \"d.bin\"");`, incbin},
		{`asm(".incbin\t\"d.bin\"");`, incbin},
		{".INCBIN \"d.bin\"\n", incbin},
		{".IncBin\n", incbin},
		{".incbin", incbin},
		{"a.incbin();", none},
		{"x.incbinary = 1;", none},
		{`.include "x.s"`, quoted},
		{`asm(".include \"x.s\"");`, quoted},
		{".INCLUDE\t\"x.s\"", quoted},
		{"s.include = 1;", none},
		{"*p = .include;", bare},
		{".include\n", bare},
		{"f.include(x);", none},
		{"#include <stdio.h>", none},
		{"x.included = 1;", none},
		{`.incbin "a" .include "b"`, incbin | quoted},
		{`fopen("conf.include", "r");`, none},
		{`x.incbin = 1;`, none},
		{"blob: .incbin \"x\"", incbin},
		{"label:.incbin \"x\"", incbin},
		{`asm("nop\n.incbin \"x\"");`, incbin},
		{`asm("nop\n\t.include \"x\"");`, quoted},
		{"nop; .incbin \"x\"", incbin},
		{"(.incbin)", incbin},
	}
	for _, tt := range tests {
		if got := scanAsmDirectives([]byte(tt.text)); got != tt.want {
			t.Errorf("scanAsmDirectives(%q) = %b, want %b", tt.text, got, tt.want)
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
	}
	for _, tt := range tests {
		if got := tt.d.readsFiles(tt.assembler); got != tt.want {
			t.Errorf("%b.readsFiles(%v) = %v, want %v", tt.d, tt.assembler, got, tt.want)
		}
	}
}
