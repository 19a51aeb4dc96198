package compiler

import "bytes"

// A depfile's first rule names the targets, then the prerequisites, laid
// out in lines the compiler wraps at a column limit, counting from the
// start of the rule: how the prerequisites wrap depends on the length of
// the targets. A hit for another target (another -o, -MT or -MQ: none is
// in the key) must write the depfile the compiler would write for it, byte
// for byte, so the rule is laid out again as the compiler lays it out:
// gcc's mkdeps.cc (make_write, 72 columns) or clang's DependencyFile.cpp
// (75 columns). RetargetDepfile first lays out the stored rule with its own
// targets; only if that gives back the stored bytes exactly does it trust
// its model of the layout, and otherwise reports that it cannot retarget.

// Layouts of the first rule.
const (
	gccDepColumns   = 72
	clangDepColumns = 75
)

// RetargetDepfile returns dep with its first rule's targets replaced by
// targets (as they must appear, quoted where -MQ or the default target
// quotes), the rule wrapped as flavor's compiler wraps it; the rest of the
// file (phony rules) is kept. ok is false when dep is not laid out as
// either compiler would lay it out.
func RetargetDepfile(flavor Flavor, dep []byte, targets []string) (out []byte, ok bool) {
	return RewriteDepfile(flavor, dep, targets, nil)
}

// RewriteDepfile is RetargetDepfile that also renames every prerequisite
// and phony rule's name (escaped, as written) by rename, when it is not
// nil; nil targets keep the stored ones.
func RewriteDepfile(flavor Flavor, dep []byte, targets []string, rename func(string) string) (out []byte, ok bool) {
	oldTargets, prereqs, rest, ok := splitFirstRule(dep)
	if !ok {
		return nil, false
	}
	if targets == nil {
		targets = oldTargets
	}
	layouts := []func(t, p []string) []byte{layoutGCC, layoutClang}
	if flavor == FlavorClang {
		layouts[0], layouts[1] = layoutClang, layoutGCC
	}
	for _, layout := range layouts {
		if !bytes.Equal(append(layout(oldTargets, prereqs), rest...), dep) {
			continue
		}
		if rename != nil {
			renamed := make([]string, len(prereqs))
			for i, p := range prereqs {
				renamed[i] = rename(p)
			}
			prereqs, rest = renamed, renamePhony(rest, rename)
		}
		return append(layout(targets, prereqs), rest...), true
	}
	return nil, false
}

// renamePhony renames the target of each phony rule ("name:" alone on its
// line, as -MP writes them) in rest.
func renamePhony(rest []byte, rename func(string) string) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(rest, []byte("\n")) {
		body := bytes.TrimSuffix(line, []byte("\n"))
		if name, ok := bytes.CutSuffix(body, []byte(":")); ok && len(name) > 0 && oneName(name) {
			out = append(out, rename(string(name))...)
			out = append(out, line[len(name):]...)
			continue
		}
		out = append(out, line...)
	}
	return out
}

// oneName reports whether name is a single escaped name: every blank in it
// is escaped ("sp\\ ace/b.h").
func oneName(name []byte) bool {
	for i, c := range name {
		if (c == ' ' || c == '\t') && (i == 0 || name[i-1] != '\\') {
			return false
		}
	}
	return true
}

// splitFirstRule splits a depfile into its first rule's targets and
// prerequisites, as written (escapes kept), and what follows the rule's
// end of line.
func splitFirstRule(dep []byte) (targets, prereqs []string, rest []byte, ok bool) {
	var cur []byte
	inTargets := true
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if inTargets {
			targets = append(targets, string(cur))
		} else {
			prereqs = append(prereqs, string(cur))
		}
		cur = nil
	}
	for i := 0; i < len(dep); i++ {
		c := dep[i]
		switch {
		case c == '\\' && i+1 < len(dep) && dep[i+1] == '\n':
			flush() // a continuation
			i++
		case c == '\\' && i+1 < len(dep):
			cur = append(cur, c, dep[i+1]) // an escaped byte stays in the name
			i++
		case c == ' ' || c == '\t':
			flush()
		case c == '\n':
			flush()
			if inTargets || len(targets) == 0 {
				return nil, nil, nil, false
			}
			return targets, prereqs, dep[i+1:], true
		case c == ':' && inTargets && (i+1 == len(dep) || dep[i+1] == ' ' || dep[i+1] == '\t' || dep[i+1] == '\n' || dep[i+1] == '\\'):
			flush()
			inTargets = false
		default:
			cur = append(cur, c)
		}
	}
	return nil, nil, nil, false
}

// layoutGCC writes a rule as gcc 12's make_write does: a name that would
// pass column 72 starts a new line (" \" then a space), the targets' width
// counting for the first line of prerequisites.
func layoutGCC(targets, prereqs []string) []byte {
	var b []byte
	col := 0
	write := func(name string) {
		if col > 0 {
			if col+len(name) > gccDepColumns {
				b = append(b, " \\\n"...)
				col = 0
			}
			col++
			b = append(b, ' ')
		}
		col += len(name)
		b = append(b, name...)
	}
	for _, t := range targets {
		write(t)
	}
	b = append(b, ':')
	col++
	for _, p := range prereqs {
		write(p)
	}
	return append(b, '\n')
}

// layoutClang writes a rule as clang 14's DependencyFileGenerator does:
// at most 75 columns, targets wrapped with two spaces, prerequisites with
// one, a prerequisite's width counted unescaped.
func layoutClang(targets, prereqs []string) []byte {
	var b []byte
	cols := 0
	for _, t := range targets {
		n := len(t)
		switch {
		case cols == 0:
			cols += n
		case cols+n+2 > clangDepColumns:
			cols = n + 2
			b = append(b, " \\\n  "...)
		default:
			cols += n + 1
			b = append(b, ' ')
		}
		b = append(b, t...)
	}
	b = append(b, ':')
	cols++
	for _, p := range prereqs {
		n := unescapedLen(p)
		if cols+n+1+2 > clangDepColumns {
			b = append(b, " \\\n "...)
			cols = 2
		}
		b = append(b, ' ')
		b = append(b, p...)
		cols += n + 1
	}
	return append(b, '\n')
}

// unescapedLen is the length of the file name that clang printed as name:
// "\#" for '#', "$$" for '$', and before a space its backslashes doubled
// and one more.
func unescapedLen(name string) int {
	n := 0
	for i := 0; i < len(name); i++ {
		switch {
		case name[i] == '$' && i+1 < len(name) && name[i+1] == '$':
			i++
		case name[i] == '\\':
			j := i
			for j < len(name) && name[j] == '\\' {
				j++
			}
			run := j - i
			switch {
			case j < len(name) && name[j] == ' ':
				n += run / 2 // and the space, below
				i = j
			case j < len(name) && name[j] == '#' && run == 1:
				i = j
			default:
				n += run - 1 // the last one, below
				i = j - 1
			}
		}
		n++
	}
	return n
}
