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
