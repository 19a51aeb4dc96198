package compiler

import (
	"bytes"
	"strings"
)

// TimeMacros says which of the predefined macros that expand differently
// from one compile to the next a text names.
type TimeMacros uint8

const (
	// DateTime is __DATE__ or __TIME__: the time of the compile. gcc
	// expands them from SOURCE_DATE_EPOCH when it is set (clang 14 and
	// cl do not).
	DateTime TimeMacros = 1 << iota
	// Timestamp is __TIMESTAMP__: the modification time of the file it
	// is expanded in, which no content hash sees and SOURCE_DATE_EPOCH
	// does not fix.
	Timestamp
)

// Unstable reports whether a compile that uses the macros m can give
// another result from the same inputs: always for __TIMESTAMP__, and for
// __DATE__ and __TIME__ unless dateFixed (SOURCE_DATE_EPOCH is set and the
// compiler honours it).
func (m TimeMacros) Unstable(dateFixed bool) bool {
	return m&Timestamp != 0 || (m&DateTime != 0 && !dateFixed)
}

// A name is searched whole: headers are full of names like __TIMESIZE
// that merely begin like a time macro. It is also searched across line
// splices, which the preprocessor removes before it reads names
// ("__TI\<newline>ME__" is __TIME__): the text is searched a second time
// without them, only when it has one, so that the common case costs one
// search per name. What no text search can see, a name built by token
// pasting (CAT(__TI,ME__)), is a limitation shared with ccache (README,
// "Not stored").

// timeMacrosIn returns the time macros that s names. A macro named in an
// argument (-DSTAMP=__TIME__) counts as much as one in a source: the
// compiler expands it all the same.
func timeMacrosIn(s string) TimeMacros {
	if !strings.Contains(s, "__") && !strings.Contains(s, "\\") && !strings.Contains(s, "??/") {
		return 0
	}
	return TimeMacrosOf([]byte(s))
}

// TimeMacrosOf returns the time macros that a file's content names,
// splices undone.
func TimeMacrosOf(data []byte) TimeMacros {
	m := literalTimeMacros(data)
	if m != DateTime|Timestamp && hasSplice(data) {
		m |= literalTimeMacros(unsplice(data))
	}
	return m
}

// literalTimeMacros returns the time macros data names as written.
func literalTimeMacros(data []byte) TimeMacros {
	var m TimeMacros
	if bytes.Contains(data, []byte("__DATE__")) || bytes.Contains(data, []byte("__TIME__")) {
		m |= DateTime
	}
	if bytes.Contains(data, []byte("__TIMESTAMP__")) {
		m |= Timestamp
	}
	return m
}

// spliceAt returns the length of the line splice that starts at data[i],
// or 0: a backslash (or the trigraph ??/, which -trigraphs reads as one),
// blanks, which gcc and clang accept with a warning, and a newline.
func spliceAt(data []byte, i int) int {
	j := i
	switch {
	case data[j] == '\\':
		j++
	case data[j] == '?' && bytes.HasPrefix(data[j:], []byte("??/")):
		j += 3
	default:
		return 0
	}
	for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\f' || data[j] == '\v' || data[j] == '\r') {
		j++
	}
	if j < len(data) && data[j] == '\n' {
		return j + 1 - i
	}
	return 0
}

// hasSplice reports whether data holds a line splice.
func hasSplice(data []byte) bool {
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return false
		}
		i += off
		// Walk back over the blanks before the newline to the character
		// that would start a splice.
		j := i - 1
		for j >= 0 && (data[j] == ' ' || data[j] == '\t' || data[j] == '\f' || data[j] == '\v' || data[j] == '\r') {
			j--
		}
		if j >= 0 && (data[j] == '\\' || (data[j] == '/' && j >= 2 && data[j-1] == '?' && data[j-2] == '?')) {
			return true
		}
		off = i + 1
	}
}

// unsplice returns a copy of data with its line splices removed.
func unsplice(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); {
		if data[i] == '\\' || data[i] == '?' {
			if n := spliceAt(data, i); n > 0 {
				i += n
				continue
			}
		}
		out = append(out, data[i])
		i++
	}
	return out
}

// ArgTimeMacros returns the time macros named by any of args.
func ArgTimeMacros(args []string) TimeMacros {
	var m TimeMacros
	for _, a := range args {
		m |= timeMacrosIn(a)
	}
	return m
}
