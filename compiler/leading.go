package compiler

import "bytes"

// IncludeKind says how a directive names a file the preprocessor opens.
type IncludeKind byte

// The kinds of LeadingInclude.
const (
	IncludeQuote    IncludeKind = 'q' // #include "name"
	IncludeAngle    IncludeKind = 'a' // #include <name>
	IncludeComputed IncludeKind = 'c' // #include MACRO: the name is not known without preprocessing
	IncludePragma   IncludeKind = 'p' // #pragma GCC pch_preprocess "file": a PCH named outright
)

// LeadingInclude is a directive of a source file that may make gcc load a
// precompiled header: an #include that may be the first file the source
// opens, or a "#pragma GCC pch_preprocess" (what -fpch-preprocess leaves in
// a .i file), which loads the file it names.
type LeadingInclude struct {
	Kind IncludeKind
	Name string // as written; empty for IncludeComputed
}

// LeadingIncludes returns the directives of src (a source file's text) that
// may make gcc use a precompiled header.
//
// gcc uses a PCH only for the first file a translation unit includes
// (libcpp's pch_open_file refuses it once any file other than the main
// file and stdc-predef.h has been opened, found or not), so the candidates
// are the #include, #include_next and #import directives up to and
// including the first one outside any #if group: an earlier one inside a
// conditional may or may not be the first opened, so each is kept. Groups
// under a literal "#if 0" are skipped. Comments, string and character
// literals (raw strings too), line splices, and the %: and ??= spellings
// of # are understood, so that a commented-out #include is not taken for
// the first one. The list over-approximates, which only costs a few file
// lookups: a candidate missed would be a wrong object.
func LeadingIncludes(src []byte) []LeadingInclude {
	s := scanner{s: src}
	var out []LeadingInclude
	var groups []bool // per open #if group: whether it is skipped (#if 0)
	skipped := func() bool { return len(groups) > 0 && groups[len(groups)-1] }
	atLineStart := true
	for {
		c := s.peek()
		switch {
		case c < 0:
			return out
		case c == '\n':
			s.next()
			atLineStart = true
		case isSpace(c):
			s.next()
		case c == '/' && s.peekAt(1) == '*':
			s.blockComment()
		case c == '/' && s.peekAt(1) == '/':
			s.lineComment()
		case atLineStart && s.directiveStart():
			name := s.identifier()
			rest := s.restOfLine()
			parentSkipped := skipped()
			switch name {
			case "if", "ifdef", "ifndef":
				groups = append(groups, parentSkipped || (name == "if" && string(rest) == "0"))
			case "elif", "else", "elifdef", "elifndef":
				if len(groups) > 0 {
					outer := len(groups) > 1 && groups[len(groups)-2]
					groups[len(groups)-1] = outer || (name == "elif" && string(rest) == "0")
				}
			case "endif":
				if len(groups) > 0 {
					groups = groups[:len(groups)-1]
				}
			case "include", "include_next", "import":
				if parentSkipped {
					break
				}
				out = append(out, includeOperand(rest))
				if len(groups) == 0 {
					return out // the first include outside any conditional
				}
			case "pragma":
				if !parentSkipped {
					if file, ok := pchPragma(rest); ok {
						out = append(out, LeadingInclude{Kind: IncludePragma, Name: file})
					}
				}
			}
			atLineStart = true
		case c == '"' || c == '\'':
			s.literal()
			atLineStart = false
		case isIdentStart(c):
			id := s.identifier()
			if isRawPrefix(id) && s.peek() == '"' {
				s.rawString()
			}
			atLineStart = false
		default:
			s.next()
			atLineStart = false
		}
	}
}

// includeOperand reads the operand of an #include directive (the rest of
// its line, comments removed).
func includeOperand(rest []byte) LeadingInclude {
	if len(rest) >= 2 {
		switch {
		case rest[0] == '"':
			if end := bytes.IndexByte(rest[1:], '"'); end >= 0 {
				return LeadingInclude{Kind: IncludeQuote, Name: string(rest[1 : 1+end])}
			}
		case rest[0] == '<':
			if end := bytes.IndexByte(rest[1:], '>'); end >= 0 {
				return LeadingInclude{Kind: IncludeAngle, Name: string(rest[1 : 1+end])}
			}
		}
	}
	return LeadingInclude{Kind: IncludeComputed}
}

// pchPragma reads "GCC pch_preprocess "file"" from the rest of a #pragma
// line.
func pchPragma(rest []byte) (string, bool) {
	fields := bytes.Fields(rest)
	if len(fields) < 3 || string(fields[0]) != "GCC" || string(fields[1]) != "pch_preprocess" {
		return "", false
	}
	arg := bytes.TrimSpace(rest[bytes.Index(rest, []byte("pch_preprocess"))+len("pch_preprocess"):])
	if len(arg) >= 2 && arg[0] == '"' {
		if end := bytes.IndexByte(arg[1:], '"'); end >= 0 {
			return string(arg[1 : 1+end]), true
		}
	}
	return "", false
}

// scanner walks C source text in translation phases 1-3 as far as
// LeadingIncludes needs: line splices (backslash-newline) vanish, comments
// are skipped as whitespace.
type scanner struct {
	s   []byte
	pos int
}

// skipSplices moves past backslash-newline pairs at the position.
func (s *scanner) skipSplices() {
	for s.pos < len(s.s) && s.s[s.pos] == '\\' {
		j := s.pos + 1
		if j < len(s.s) && s.s[j] == '\r' {
			j++
		}
		if j >= len(s.s) || s.s[j] != '\n' {
			return
		}
		s.pos = j + 1
	}
}

// peek returns the next character, -1 at the end.
func (s *scanner) peek() int {
	s.skipSplices()
	if s.pos >= len(s.s) {
		return -1
	}
	return int(s.s[s.pos])
}

// next consumes and returns the next character, -1 at the end.
func (s *scanner) next() int {
	c := s.peek()
	if c >= 0 {
		s.pos++
	}
	return c
}

// peekAt returns the character n places ahead (splices skipped).
func (s *scanner) peekAt(n int) int {
	saved := s.pos
	for ; n > 0; n-- {
		s.next()
	}
	c := s.peek()
	s.pos = saved
	return c
}

// blockComment skips a /* */ comment, newlines included.
func (s *scanner) blockComment() {
	s.next()
	s.next()
	for {
		c := s.next()
		if c < 0 || (c == '*' && s.peek() == '/') {
			s.next()
			return
		}
	}
}

// lineComment skips a // comment up to, not including, the newline.
func (s *scanner) lineComment() {
	for c := s.peek(); c >= 0 && c != '\n'; c = s.peek() {
		s.next()
	}
}

// literal skips a string or character literal. It ends at the closing
// quote or, unterminated (an apostrophe in text under #if 0), at the
// newline.
func (s *scanner) literal() {
	quote := s.next()
	for {
		c := s.peek()
		switch {
		case c < 0 || c == '\n':
			return
		case c == '\\':
			s.next()
			if s.peek() != '\n' {
				s.next()
			}
		case c == quote:
			s.next()
			return
		default:
			s.next()
		}
	}
}

// rawString skips a C++ raw string literal R"delim( … )delim", positioned
// at its opening quote. Splices are not undone inside one (phase 1-2 are
// reverted there), so it works on the bytes.
func (s *scanner) rawString() {
	start := s.pos + 1
	open := bytes.IndexByte(s.s[start:], '(')
	if open < 0 || open > 16 {
		s.literal() // not a raw string after all
		return
	}
	closing := append(append([]byte{')'}, s.s[start:start+open]...), '"')
	body := start + open + 1
	if end := bytes.Index(s.s[body:], closing); end >= 0 {
		s.pos = body + end + len(closing)
	} else {
		s.pos = len(s.s)
	}
}

// directiveStart consumes "#", "%:" or "??=" and the whitespace after it,
// reporting whether one was there.
func (s *scanner) directiveStart() bool {
	switch {
	case s.peek() == '#':
		s.next()
	case s.peek() == '%' && s.peekAt(1) == ':':
		s.next()
		s.next()
	case s.peek() == '?' && s.peekAt(1) == '?' && s.peekAt(2) == '=':
		s.next()
		s.next()
		s.next()
	default:
		return false
	}
	s.horizontalSpace()
	return true
}

// horizontalSpace skips blanks and comments, not newlines.
func (s *scanner) horizontalSpace() {
	for {
		c := s.peek()
		switch {
		case c == '/' && s.peekAt(1) == '*':
			s.blockComment()
		case c >= 0 && c != '\n' && isSpace(c):
			s.next()
		default:
			return
		}
	}
}

// identifier consumes an identifier (possibly empty) and returns it.
func (s *scanner) identifier() string {
	var id []byte
	for c := s.peek(); c >= 0 && isIdentChar(c); c = s.peek() {
		id = append(id, byte(s.next()))
	}
	return string(id)
}

// restOfLine consumes the rest of a directive's logical line, newline
// included, and returns it with comments removed and blanks trimmed. A
// block comment may carry the directive over several physical lines; a
// "/*" or "//" inside a string or character literal (#define S "/*") is
// text, not a comment.
func (s *scanner) restOfLine() []byte {
	var out []byte
	for {
		c := s.peek()
		switch {
		case c < 0:
			return bytes.TrimSpace(out)
		case c == '\n':
			s.next()
			return bytes.TrimSpace(out)
		case c == '"' || c == '\'':
			out = s.literalText(out)
		case c == '/' && s.peekAt(1) == '*':
			s.blockComment()
			out = append(out, ' ')
		case c == '/' && s.peekAt(1) == '/':
			s.lineComment()
		default:
			out = append(out, byte(s.next()))
		}
	}
}

// literalText appends the string or character literal at the position to
// out, as written (splices removed), and consumes it: up to the closing
// quote or, unterminated (an apostrophe in #error text), the newline.
func (s *scanner) literalText(out []byte) []byte {
	quote := s.next()
	out = append(out, byte(quote))
	for {
		c := s.peek()
		switch {
		case c < 0 || c == '\n':
			return out
		case c == '\\':
			out = append(out, byte(s.next()))
			if c := s.peek(); c >= 0 && c != '\n' {
				out = append(out, byte(s.next()))
			}
		case c == quote:
			return append(out, byte(s.next()))
		default:
			out = append(out, byte(s.next()))
		}
	}
}

func isSpace(c int) bool {
	return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r'
}

func isIdentStart(c int) bool {
	return c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentChar(c int) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// isRawPrefix reports whether id is the prefix of a raw string literal.
func isRawPrefix(id string) bool {
	switch id {
	case "R", "u8R", "uR", "UR", "LR":
		return true
	}
	return false
}
