package compiler

import (
	"reflect"
	"testing"
)

func TestLeadingIncludes(t *testing.T) {
	q := func(n string) LeadingInclude { return LeadingInclude{Kind: IncludeQuote, Name: n} }
	a := func(n string) LeadingInclude { return LeadingInclude{Kind: IncludeAngle, Name: n} }
	computed := LeadingInclude{Kind: IncludeComputed}
	tests := []struct {
		name string
		src  string
		want []LeadingInclude
	}{
		{"none", "int x;\n", nil},
		{"first", "#include \"a.h\"\n#include \"b.h\"\n", []LeadingInclude{q("a.h")}},
		{"angle", "#include <stdio.h>\n#include \"b.h\"\n", []LeadingInclude{a("stdio.h")}},
		{"after code and defines", "#define X 1\nint y;\n  #  include \"a.h\"\n#include \"b.h\"\n", []LeadingInclude{q("a.h")}},
		{"conditional before", "#ifdef X\n#include \"x.h\"\n#else\n#include \"y.h\"\n#endif\n#include \"a.h\"\n#include \"b.h\"\n",
			[]LeadingInclude{q("x.h"), q("y.h"), q("a.h")}},
		{"nested conditionals", "#if A\n#if B\n#include \"x.h\"\n#endif\n#endif\n#include <a.h>\n", []LeadingInclude{q("x.h"), a("a.h")}},
		{"if 0 skipped", "#if 0\n#include \"x.h\"\ndon't\n#endif\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"if 0 elif", "#if 0\n#include \"x.h\"\n#elif 1\n#include \"y.h\"\n#endif\n#include \"a.h\"\n", []LeadingInclude{q("y.h"), q("a.h")}},
		{"if 0 else", "#if 0 /* off */\n#include \"x.h\"\n#else\n#include \"y.h\"\n#endif\n#include \"a.h\"\n", []LeadingInclude{q("y.h"), q("a.h")}},
		{"block comment", "/*\n#include \"x.h\"\n*/\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"line comment", "// #include \"x.h\"\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"comment before hash", "/* c */ #include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"hash after a comment spanning lines", "int x; /* \n */ #include \"x.h\"\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"comment in directive", "#/**/include/**/\"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"string with comment opener", "const char *s = \"/*\";\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"string with include", "const char *s = \"\\\n#include \\\"x.h\\\"\";\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"raw string", "const char *s = R\"d(\n#include \"x.h\"\n)d\";\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"char literal", "char c = '\"';\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"splice", "#inc\\\nlude \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"splice before hash", "int x; \\\n#include \"x.h\"\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"digraph", "%:include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"trigraph", "??=include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"include_next", "#include_next <a.h>\n", []LeadingInclude{a("a.h")}},
		{"import", "#import \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"computed", "#define H \"a.h\"\n#include H\n", []LeadingInclude{computed}},
		{"computed in conditional", "#ifdef X\n#include X\n#endif\n#include \"a.h\"\n", []LeadingInclude{computed, q("a.h")}},
		{"pragma", "# 1 \"u.c\"\n#pragma GCC pch_preprocess \"./p.h.gch\"\n# 1 \"u.c\"\nint x;\n",
			[]LeadingInclude{{Kind: IncludePragma, Name: "./p.h.gch"}}},
		{"other pragma", "#pragma once\n#include \"a.h\"\n", []LeadingInclude{q("a.h")}},
		{"unterminated", "#include \"a.h", []LeadingInclude{computed}},
		{"crlf", "#ifdef X\r\n#include \"x.h\"\r\n#endif\r\n#include \"a.h\"\r\n", []LeadingInclude{q("x.h"), q("a.h")}},
		{"comment opener in a directive's string", "#define SLASHSTAR \"/*\"\n#include \"p.h\"\nint v; /* c */\n", []LeadingInclude{q("p.h")}},
		{"line comment opener in a directive's string", "#define URL \"http://x\"\n#include \"p.h\"\n", []LeadingInclude{q("p.h")}},
		{"comment opener in a directive's char", "#define C '/'\n#define D '*'\n#include \"p.h\"\n", []LeadingInclude{q("p.h")}},
		{"apostrophe in #error", "#ifdef X\n#error don't /* here\n#endif\n#include \"p.h\"\n", []LeadingInclude{q("p.h")}},
		{"include with comment opener", "#include \"a/*b.h\"\n", []LeadingInclude{q("a/*b.h")}},
		{"guarded source", "#ifndef U\n#define U\n#include \"a.h\"\n#include \"b.h\"\n#endif\n", []LeadingInclude{q("a.h"), q("b.h")}},
	}
	for _, tt := range tests {
		if got := LeadingIncludes([]byte(tt.src)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: LeadingIncludes(%q) = %q, want %q", tt.name, tt.src, got, tt.want)
		}
	}
}
