package launcher

import "bytes"

// asmDirectives is the set of directives found in a file's text that make
// the compiler or the assembler read another file which no dependency file
// names. The assembler reads the file named by .incbin (a binary blob,
// often from asm() in C) or .include (more assembler source) itself, and
// "#pragma GCC dependency" makes the compiler compare another file's
// modification time with the current file's (a warning if it is newer): a
// call that uses one cannot be cached safely (ccache's "unsupported code
// directive"), unless sloppiness lets it for the assembler's. The
// assembler's directives are case-insensitive, and can be spelled in ways
// no scan short of the assembler follows (a C string split in two, an
// escape, a macro, .irp): the scan is conservative (input_scan_code.go),
// and a false alarm only costs a call passed through.
type asmDirectives uint8

const (
	// asmIncbin is ".incbin" where a statement may start, followed by
	// anything but an identifier character or "(" (so that a C++ member
	// function a.incbin() is not one), the word incbin in code other than
	// a call or a member access, or "incbin" anywhere in a string
	// literal (escapes decoded, adjacent literals joined): in any
	// language, since asm() takes it in C.
	asmIncbin asmDirectives = 1 << iota
	// asmIncludeQuoted is ".include" where a statement may start,
	// followed by blanks and a string (a quote, or an escaped one inside a
	// C string): an assembler include in any language.
	asmIncludeQuoted
	// asmIncludeBare is ".include" where a statement may start, followed
	// by anything but an identifier character or "(": an include to the
	// assembler, but in C text (a comment, a designated initializer
	// ".include = 1") it is likely none, so it counts only in assembler
	// sources.
	asmIncludeBare
	// asmWordIncbin and asmWordInclude are the words incbin and include
	// anywhere outside comments (include other than as the name of a
	// "#include" directive): in an assembler source a macro (#define INC
	// incbin, .irp d,include) can make either a directive, so they count
	// there only.
	asmWordIncbin
	asmWordInclude
	// pragmaDependency is "#pragma GCC dependency" (or its _Pragma form):
	// not the assembler's, and not covered by sloppiness.
	pragmaDependency
)

// scanAsmDirectives finds the directives that read a file in data: the
// spellings of the directives as written (scanDirectiveSpellings) and what
// a walk through the code, its comments and its string literals shows
// (scanCode).
func scanAsmDirectives(data []byte) asmDirectives {
	return scanDirectiveSpellings(data) | scanCode(data)
}

// readsFiles reports whether the directives found make the assembler read
// a file, in a translation unit whose source is assembler (.s, .S) or not.
func (d asmDirectives) readsFiles(assembler bool) bool {
	if assembler {
		return d&^pragmaDependency != 0
	}
	return d&(asmIncbin|asmIncludeQuoted) != 0
}

// readsFileTimes reports whether the compiler compares another file's
// modification time with this one's ("#pragma GCC dependency").
func (d asmDirectives) readsFileTimes() bool { return d&pragmaDependency != 0 }

// scanDirectiveSpellings finds the assembler directives that read a file
// where data spells them out (".incbin", ".include" and their case
// variants).
func scanDirectiveSpellings(data []byte) asmDirectives {
	var found asmDirectives
	for i := 0; ; i++ {
		j := bytes.IndexByte(data[i:], '.')
		if j < 0 {
			return found
		}
		i += j
		if !startsStatement(data[:i]) {
			continue // x.incbin is a name, not a directive
		}
		rest := data[i+1:]
		switch {
		case hasFoldedPrefix(rest, "incbin"):
			if endsDirective(rest[len("incbin"):]) {
				found |= asmIncbin
			}
		case hasFoldedPrefix(rest, "include"):
			after := rest[len("include"):]
			if quotedOperand(after) {
				found |= asmIncludeQuoted
			}
			if endsDirective(after) {
				found |= asmIncludeBare
			}
		}
	}
}

// startsStatement reports whether a directive may begin after before: at
// the start, after a blank, a newline, a ";" or ":" (after a label), a
// quote or parenthesis (a C string, asm(…)), or an escape \n, \t or \r
// inside a C string; not right after a name or a number ("s.include",
// "f.incbin").
func startsStatement(before []byte) bool {
	n := len(before)
	if n == 0 {
		return true
	}
	c := before[n-1]
	if n >= 2 && before[n-2] == '\\' && (c == 'n' || c == 't' || c == 'r') {
		return true
	}
	return !isIdentByte(c) && c != '.'
}

// hasFoldedPrefix reports whether data starts with the lower-case ASCII
// word, in any case.
func hasFoldedPrefix(data []byte, word string) bool {
	if len(data) < len(word) {
		return false
	}
	for i := 0; i < len(word); i++ {
		if data[i]|0x20 != word[i] {
			return false
		}
	}
	return true
}

// endsDirective reports whether what follows a directive's name ends the
// name: not an identifier character, nor the "(" of a call.
func endsDirective(after []byte) bool {
	return len(after) == 0 || !(isIdentByte(after[0]) || after[0] == '(')
}

// quotedOperand reports whether after starts with blanks (or the escapes
// \t of a C string) and then a quote or an escaped quote.
func quotedOperand(after []byte) bool {
	for len(after) > 0 {
		switch {
		case after[0] == ' ' || after[0] == '\t':
			after = after[1:]
		case after[0] == '"':
			return true
		case after[0] == '\\' && len(after) > 1 && after[1] == 't':
			after = after[2:]
		case after[0] == '\\' && len(after) > 1 && after[1] == '"':
			return true
		default:
			return false
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
}
