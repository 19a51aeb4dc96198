package compiler

import "strings"

// SplitWindowsArgs splits a command line the way the Microsoft C runtime
// does for argv (and cl.exe for response files and the CL variable): white
// space separates; double quotes group; 2N backslashes before a quote mean
// N backslashes and a quote that groups, 2N+1 mean N backslashes and a
// literal quote; other backslashes are literal.
func SplitWindowsArgs(text string) []string {
	var args []string
	var cur strings.Builder
	inArg, quoted := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\':
			j := i
			for j < len(text) && text[j] == '\\' {
				j++
			}
			n := j - i
			if j < len(text) && text[j] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
					j++
				}
			} else {
				cur.WriteString(text[i:j])
			}
			inArg = true
			i = j - 1
		case c == '"':
			// "" inside quotes is a literal quote (the post-2008 CRT rule).
			if quoted && i+1 < len(text) && text[i+1] == '"' {
				cur.WriteByte('"')
				i++
			} else {
				quoted = !quoted
			}
			inArg = true
		case !quoted && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args
}

// JoinWindowsArgs writes args as a command line that SplitWindowsArgs (and
// cl, reading CL) splits back into args: an argument with white space or a
// quote is quoted, its quotes and the backslashes before them escaped.
func JoinWindowsArgs(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && !strings.ContainsAny(a, " \t\n\r\"") {
			b.WriteString(a)
			continue
		}
		b.WriteByte('"')
		slashes := 0
		for j := 0; j < len(a); j++ {
			switch c := a[j]; c {
			case '\\':
				slashes++
			case '"':
				b.WriteString(strings.Repeat(`\`, slashes+1))
				slashes = 0
			default:
				slashes = 0
			}
			b.WriteByte(a[j])
		}
		b.WriteString(strings.Repeat(`\`, slashes)) // before the closing quote
		b.WriteByte('"')
	}
	return b.String()
}
