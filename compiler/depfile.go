package compiler

import (
	"errors"
	"fmt"
	"strings"
)

// ParseDepfile returns the prerequisites of the first rule of a Make
// dependency file (the source and every header, in order, unescaped), and
// the byte length of its first target text (so that a hit can replace the
// target).
func ParseDepfile(data []byte) (prereqs []string, targetLen int, err error) {
	s := string(data)
	colon := ruleColon(s)
	if colon < 0 {
		return nil, 0, errors.New("depfile has no rule")
	}
	targetLen = colon
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			prereqs = append(prereqs, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := colon + 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r'):
			// A continuation line.
			flush()
			i++
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case c == '\\':
			// A run of backslashes before a space: 2N+1 mean N backslashes
			// and a space in the name; 2N mean N backslashes ending it.
			j := i
			for j < len(s) && s[j] == '\\' {
				j++
			}
			n := j - i
			switch {
			case j < len(s) && (s[j] == ' ' || s[j] == '\t'):
				cur.WriteString(strings.Repeat(`\`, n/2))
				inWord = true
				if n%2 == 1 {
					cur.WriteByte(s[j])
					j++
				}
				i = j - 1
			case j < len(s) && s[j] == '#':
				cur.WriteString(strings.Repeat(`\`, n-1))
				cur.WriteByte('#')
				inWord = true
				i = j
			default:
				cur.WriteString(s[i:j])
				inWord = true
				i = j - 1
			}
		case c == '$' && i+1 < len(s) && s[i+1] == '$':
			cur.WriteByte('$')
			inWord = true
			i++
		case c == '\n':
			flush()
			if err := checkPhonyRules(s[i+1:]); err != nil {
				return nil, 0, err
			}
			return prereqs, targetLen, nil
		case c == ' ' || c == '\t' || c == '\r':
			flush()
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return prereqs, targetLen, nil
}

// checkPhonyRules checks what follows a depfile's first rule: nothing but
// the empty rules -MP adds ("x.h:"). Anything else means a name held a
// raw newline (gcc writes one as it is), which cut the rule short: the
// list would miss the files after it.
func checkPhonyRules(rest string) error {
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			continue
		}
		if c := ruleColon(line); c < 0 || strings.TrimSpace(line[c+1:]) != "" || strings.HasSuffix(line, "\\") {
			return fmt.Errorf("depfile line %q after the first rule is not an empty rule (a name with a newline?)", line)
		}
	}
	return nil
}

// ruleColon returns the index of the first rule's colon: the first colon
// outside a backslash escape that is followed by white space or the end of
// a line, so that a drive letter (C:\x or C:/x) is not taken for it.
func ruleColon(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			if i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t' || s[i+1] == '\n' || s[i+1] == '\r' {
				return i
			}
		}
	}
	return -1
}

// QuoteTarget quotes a path as a Make target the way gcc's -MQ does: $
// becomes $$, # becomes \#, and a space or tab gets a backslash, with the
// backslashes before it doubled.
func QuoteTarget(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case ' ', '\t':
			for j := i - 1; j >= 0 && path[j] == '\\'; j-- {
				b.WriteByte('\\')
			}
			b.WriteByte('\\')
			b.WriteByte(c)
		case '$':
			b.WriteString("$$")
		case '#':
			b.WriteString(`\#`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
