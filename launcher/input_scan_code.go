package launcher

import (
	"bytes"
	"unicode/utf8"
)

// scanCode walks C, C++ or assembler text as a tokenizer would, enough to
// find the directives of asmDirectives that a look at the spelling misses:
//
//   - in code, the words incbin and include (a macro or .irp can turn
//     either into a directive of an assembler source; include not as the
//     name of a "#include" directive), incbin also for C (except a call
//     incbin(…) or a member a.incbin), and the words "GCC dependency" of a
//     pragma;
//   - in string literals, decoded (escapes such as \56 or \x2e, line
//     splices) and joined with the literals adjacent to them (".inc" "bin"
//     is one string to asm()), "incbin" anywhere, the assembler
//     directives spelled out, the word include, and _Pragma's "GCC
//     dependency".
//
// Comments hold nothing. The text may be assembler whatever its
// extension, so a single quote starts a character literal only when it
// closes on the same line soon after (gas writes 'a for a character).
func scanCode(data []byte) asmDirectives {
	var found asmDirectives
	var lit []byte // the decoded text of a run of adjacent string literals
	inLit := false
	flush := func() {
		if inLit {
			found |= scanLiteral(lit)
			lit, inLit = lit[:0], false
		}
	}
	lineStart := true  // nothing but blanks since the last newline
	afterHash := false // the token before was a "#" that starts a line
	afterGCC := false  // the token before was the word GCC
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '\n':
			i++
			lineStart = true
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '\\' && spliceLen(data, i) > 0:
			i += spliceLen(data, i)
			continue
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			end := bytes.Index(data[i+2:], []byte("*/"))
			if end < 0 {
				i = len(data)
			} else {
				i += 2 + end + 2
			}
			continue
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			i = lineEnd(data, i)
			continue
		case c == '"':
			// Adjacent literals (blanks, newlines and comments between
			// them) are one string.
			lit, i = decodeLiteral(data, i+1, lit)
			inLit = true
			lineStart, afterHash, afterGCC = false, false, false
			continue
		}
		flush()
		hash := false
		gcc := false
		switch {
		case c == '#' && lineStart:
			hash = true
			i++
		case c == '\'':
			i = skipCharLiteral(data, i)
		case isIdentByte(c):
			j := i
			for j < len(data) && isIdentByte(data[j]) {
				j++
			}
			word := data[i:j]
			switch {
			case afterHash && textDirectives[string(word)]:
				// The rest of the line is a file name or a message,
				// never an assembler statement.
				end := lineEnd(data, j)
				if string(word) == "pragma" && isDependencyPragma(data[j:end]) {
					found |= pragmaDependency
				}
				j = end
			case j < len(data) && data[j] == '"' && isRawPrefix(word):
				lit, j = rawLiteral(data, j, lit)
				inLit = true
			default:
				found |= wordDirectives(data, i, j, afterHash, afterGCC)
				gcc = string(word) == "GCC"
			}
			i = j
		default:
			i++
		}
		lineStart, afterHash, afterGCC = false, hash, gcc
	}
	flush()
	return found
}

// textDirectives are the preprocessor directives whose line is a file
// name or a message (#include "include/x.h", #error "never include
// this"): no word of it reaches the assembler. A pragma's line is read for
// "GCC dependency" only.
var textDirectives = map[string]bool{
	"include": true, "include_next": true, "import": true, "error": true, "warning": true,
	"line": true, "ident": true, "sccs": true, "pragma": true,
}

// isDependencyPragma reports whether the rest of a #pragma line, splices
// removed, starts with the words GCC dependency.
func isDependencyPragma(line []byte) bool {
	if bytes.IndexByte(line, '\\') >= 0 {
		line = bytes.ReplaceAll(bytes.ReplaceAll(line, []byte("\\\r\n"), nil), []byte("\\\n"), nil)
	}
	f := bytes.Fields(line)
	return len(f) >= 2 && string(f[0]) == "GCC" && string(f[1]) == "dependency"
}

// wordDirectives says what the word data[i:j] may be: afterHash is set
// when it names a directive ("#include"), afterGCC when the word GCC came
// before it.
func wordDirectives(data []byte, i, j int, afterHash, afterGCC bool) asmDirectives {
	word := data[i:j]
	var found asmDirectives
	switch {
	case equalFold(word, "incbin"):
		found |= asmWordIncbin
		if !isCall(data[j:]) && !isMember(data[:i]) {
			found |= asmIncbin
		}
	case equalFold(word, "include"):
		if !afterHash {
			found |= asmWordInclude
		}
	case afterGCC && string(word) == "dependency":
		found |= pragmaDependency
	}
	return found
}

// scanLiteral finds the directives in the decoded text of a string
// literal: any "incbin", the directives spelled out, the word include
// (for assembler sources), and a _Pragma("GCC dependency …").
func scanLiteral(lit []byte) asmDirectives {
	found := scanDirectiveSpellings(lit)
	if containsFold(lit, "incbin") {
		found |= asmIncbin
	}
	if containsWordFold(lit, "include") {
		found |= asmWordInclude
	}
	if f := bytes.Fields(lit); len(f) >= 2 && string(f[0]) == "GCC" && string(f[1]) == "dependency" {
		found |= pragmaDependency
	}
	return found
}

// decodeLiteral appends to lit the characters of the string literal whose
// text starts at data[i] (after its opening quote), escapes decoded, and
// returns lit and the index after its closing quote. An unterminated
// literal ends at the newline.
func decodeLiteral(data []byte, i int, lit []byte) ([]byte, int) {
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return lit, i + 1
		case c == '\n':
			return lit, i
		case c != '\\':
			lit = append(lit, c)
			i++
			continue
		}
		if n := spliceLen(data, i); n > 0 {
			i += n
			continue
		}
		var r rune
		r, i = decodeEscape(data, i+1)
		if r < utf8.RuneSelf {
			lit = append(lit, byte(r))
		} else {
			lit = utf8.AppendRune(lit, r)
		}
	}
	return lit, i
}

// decodeEscape decodes the escape sequence whose text starts at data[i]
// (after its backslash) and returns its value and the index after it:
// octal (up to three digits), \x hex, \u and \U, the letters, or the
// character itself.
func decodeEscape(data []byte, i int) (rune, int) {
	if i >= len(data) {
		return '\\', i
	}
	c := data[i]
	switch {
	case c >= '0' && c <= '7':
		v, j := rune(0), i
		for ; j < len(data) && j < i+3 && data[j] >= '0' && data[j] <= '7'; j++ {
			v = v*8 + rune(data[j]-'0')
		}
		return v & 0xff, j
	case c == 'x' || c == 'u' || c == 'U':
		limit := len(data)
		switch c {
		case 'u':
			limit = 4
		case 'U':
			limit = 8
		}
		v, j := rune(0), i+1
		for ; j < len(data) && j-i-1 < limit && hexValue(data[j]) >= 0; j++ {
			v = v*16 + rune(hexValue(data[j]))
		}
		if c == 'x' {
			v &= 0xff
		}
		return v, j
	}
	switch c {
	case 'n':
		return '\n', i + 1
	case 't':
		return '\t', i + 1
	case 'r':
		return '\r', i + 1
	case 'a':
		return 7, i + 1
	case 'b':
		return 8, i + 1
	case 'f':
		return 12, i + 1
	case 'v':
		return 11, i + 1
	case 'e':
		return 27, i + 1
	}
	return rune(c), i + 1
}

// rawLiteral appends to lit the content of the C++ raw string literal
// whose opening quote is at data[i] (R"delim(…)delim") and returns lit
// and the index after it; a quote that opens no raw string reads as a
// plain literal.
func rawLiteral(data []byte, i int, lit []byte) ([]byte, int) {
	start := i + 1
	open := bytes.IndexByte(data[start:], '(')
	if open < 0 || open > 16 || bytes.ContainsAny(data[start:start+open], " \\\n\")") {
		return decodeLiteral(data, start, lit)
	}
	closing := append(append([]byte{')'}, data[start:start+open]...), '"')
	body := start + open + 1
	end := bytes.Index(data[body:], closing)
	if end < 0 {
		return append(lit, data[body:]...), len(data)
	}
	return append(lit, data[body:body+end]...), body + end + len(closing)
}

// skipCharLiteral returns the index after the character literal that
// starts at data[i], or after the quote alone when none closes on the same
// line within a few characters (an apostrophe in text, gas's 'a).
func skipCharLiteral(data []byte, i int) int {
	for j := i + 1; j < len(data) && j < i+16; j++ {
		switch data[j] {
		case '\\':
			j++
		case '\'':
			return j + 1
		case '\n':
			return i + 1
		}
	}
	return i + 1
}

// spliceLen returns the length of the line splice at data[i] (a backslash,
// blanks, a newline), or 0.
func spliceLen(data []byte, i int) int {
	j := i + 1
	for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\r') {
		j++
	}
	if j < len(data) && data[j] == '\n' {
		return j + 1 - i
	}
	return 0
}

// lineEnd returns the index of the newline that ends the line at data[i]
// (splices continue a line), or len(data).
func lineEnd(data []byte, i int) int {
	for i < len(data) && data[i] != '\n' {
		if data[i] == '\\' {
			if n := spliceLen(data, i); n > 0 {
				i += n
				continue
			}
		}
		i++
	}
	return i
}

// isCall reports whether what follows a word, after blanks, is "(": a
// function call or declaration, not a directive.
func isCall(after []byte) bool {
	after = bytes.TrimLeft(after, " \t")
	return len(after) > 0 && after[0] == '('
}

// isMember reports whether the word after before is reached by a member
// access (a.incbin, f().incbin, p->incbin), not a directive's dot.
func isMember(before []byte) bool {
	n := len(before)
	switch {
	case n >= 2 && before[n-1] == '.':
		c := before[n-2]
		return isIdentByte(c) || c == ')' || c == ']'
	case n >= 2 && before[n-1] == '>' && before[n-2] == '-':
		return true
	}
	return false
}

// isRawPrefix reports whether word is the prefix of a raw string literal.
func isRawPrefix(word []byte) bool {
	switch string(word) {
	case "R", "u8R", "uR", "UR", "LR":
		return true
	}
	return false
}

// equalFold reports whether word is the lower-case ASCII word, in any case.
func equalFold(word []byte, lower string) bool {
	return len(word) == len(lower) && hasFoldedPrefix(word, lower)
}

// containsFold reports whether data holds the lower-case ASCII word, in
// any case, anywhere.
func containsFold(data []byte, lower string) bool {
	for i := 0; i+len(lower) <= len(data); i++ {
		if data[i]|0x20 == lower[0] && hasFoldedPrefix(data[i:], lower) {
			return true
		}
	}
	return false
}

// containsWordFold reports whether data holds the lower-case ASCII word,
// in any case, as a whole word.
func containsWordFold(data []byte, lower string) bool {
	for i := 0; i+len(lower) <= len(data); i++ {
		if (i == 0 || !isIdentByte(data[i-1])) && hasFoldedPrefix(data[i:], lower) &&
			(i+len(lower) == len(data) || !isIdentByte(data[i+len(lower)])) {
			return true
		}
	}
	return false
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
