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

// timeMacrosIn returns the time macros that s names. Each is searched
// whole: headers are full of names like __TIMESIZE that merely begin like
// them. A macro named in an argument (-DSTAMP=__TIME__) counts as much as
// one in a source: the compiler expands it all the same.
func timeMacrosIn(s string) TimeMacros {
	var m TimeMacros
	if strings.Contains(s, "__DATE__") || strings.Contains(s, "__TIME__") {
		m |= DateTime
	}
	if strings.Contains(s, "__TIMESTAMP__") {
		m |= Timestamp
	}
	return m
}

// TimeMacrosOf returns the time macros that a file's content names.
func TimeMacrosOf(data []byte) TimeMacros {
	var m TimeMacros
	if bytes.Contains(data, []byte("__DATE__")) || bytes.Contains(data, []byte("__TIME__")) {
		m |= DateTime
	}
	if bytes.Contains(data, []byte("__TIMESTAMP__")) {
		m |= Timestamp
	}
	return m
}

// ArgTimeMacros returns the time macros named by any of args.
func ArgTimeMacros(args []string) TimeMacros {
	var m TimeMacros
	for _, a := range args {
		m |= timeMacrosIn(a)
	}
	return m
}
