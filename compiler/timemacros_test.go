package compiler

import "testing"

// TestTimeMacrosOf: a time macro is found whole, also where line splices
// cut it, in every spelling of a splice the preprocessor removes.
func TestTimeMacrosOf(t *testing.T) {
	tests := []struct {
		name, text string
		want       TimeMacros
	}{
		{"none", "int x;\n", 0},
		{"plain", "const char *t = __TIME__;\n", DateTime},
		{"timestamp", "const char *t = __TIMESTAMP__;\n", Timestamp},
		{"prefix only", "#define __TIMESIZE 64\n", 0},
		{"splice", "const char *t = __TI\\\nME__;\n", DateTime},
		{"splice crlf", "const char *t = __DA\\\r\nTE__;\r\n", DateTime},
		{"splice with blanks", "const char *t = __TI\\  \t\nME__;\n", DateTime},
		{"two splices", "const char *t = __TIME\\\nST\\\nAMP__;\n", Timestamp},
		{"trigraph splice", "const char *t = __TI??/\nME__;\n", DateTime},
		{"splice elsewhere", "#define X 1 \\\n  + 2\nint __TIMESIZE;\n", 0},
		{"backslash without newline", "const char *t = \"__TI\\ME__\";\n", 0},
	}
	for _, tt := range tests {
		if got := TimeMacrosOf([]byte(tt.text)); got != tt.want {
			t.Errorf("%s: TimeMacrosOf(%q) = %v, want %v", tt.name, tt.text, got, tt.want)
		}
		if got := ArgTimeMacros([]string{"-DX=" + tt.text}); got != tt.want {
			t.Errorf("%s: ArgTimeMacros(-DX=%q) = %v, want %v", tt.name, tt.text, got, tt.want)
		}
	}
}
