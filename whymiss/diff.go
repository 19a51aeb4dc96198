package whymiss

import (
	"fmt"
	"strings"

	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// Diff returns how the key inputs now differ from was, an earlier
// compile's: the compiler first, then the arguments, the environment, the
// source, the other inputs and the rest (the order of Order).
func Diff(was, now *manifest.KeyInputs) []Change {
	var out []Change
	if was.CompilerID != now.CompilerID {
		out = append(out, Change{Cause: CompilerChanged, Text: fmt.Sprintf("compiler identity changed (was %s, now %s)", short(was.CompilerID), short(now.CompilerID))})
	}
	if was.Family != now.Family {
		out = append(out, Change{Cause: CompilerChanged, Text: fmt.Sprintf("compiler kind changed (was %s, now %s)", was.Family, now.Family)})
	}
	for _, d := range listDiff(was.Args, now.Args) {
		out = append(out, Change{Cause: ArgsChanged, Subject: d, Text: d})
	}
	out = append(out, envDiff(was.Env, now.Env)...)
	if was.Source != now.Source {
		out = append(out, Change{Cause: SourceChanged, Subject: now.Source, Text: fmt.Sprintf("source named %q (was %q)", now.Source, was.Source)})
	} else if was.SourceHash != now.SourceHash {
		out = append(out, Change{Cause: SourceChanged, Subject: now.Source, Text: fmt.Sprintf("%s: content changed (was %s, now %s)", now.Source, short(was.SourceHash), short(now.SourceHash))})
	}
	out = append(out, inputDiff(was.Inputs, now.Inputs)...)
	if was.Dir != now.Dir {
		out = append(out, Change{Cause: OtherChanged, Subject: "working directory", Text: fmt.Sprintf("working directory %q (was %q), which the object records", now.Dir, was.Dir)})
	}
	if was.Output != now.Output {
		out = append(out, Change{Cause: OtherChanged, Subject: "output", Text: fmt.Sprintf("output %q (was %q), which the object records", now.Output, was.Output)})
	}
	for _, d := range listDiff(was.Extra, now.Extra) {
		out = append(out, Change{Cause: OtherChanged, Subject: extraSubject(d), Text: d})
	}
	return out
}

// listDiff returns what now adds to was and what it lacks, as a multiset:
// "-DNDEBUG added", "-O2 removed". An argument moved elsewhere on the line
// is "moved". Values of two-part options (-I dir) are shown alone.
func listDiff(was, now []string) []string {
	count := map[string]int{}
	for _, a := range was {
		count[a]++
	}
	var out []string
	for _, a := range now {
		if count[a] > 0 {
			count[a]--
			continue
		}
		out = append(out, a+" added")
	}
	for _, a := range was {
		if count[a] > 0 {
			count[a]--
			out = append(out, a+" removed")
		}
	}
	if len(out) == 0 && strings.Join(was, "\x00") != strings.Join(now, "\x00") {
		out = append(out, "argument order changed")
	}
	return out
}

// envDiff compares "NAME=value" lists.
func envDiff(was, now []string) []Change {
	wasBy, nowBy := envMap(was), envMap(now)
	var out []Change
	for _, kv := range now {
		name, v, _ := strings.Cut(kv, "=")
		old, ok := wasBy[name]
		switch {
		case !ok:
			out = append(out, Change{Cause: EnvChanged, Subject: name, Text: fmt.Sprintf("%s set to %q", name, v)})
		case old != v:
			out = append(out, Change{Cause: EnvChanged, Subject: name, Text: fmt.Sprintf("%s changed (was %q, now %q)", name, old, v)})
		}
	}
	for _, kv := range was {
		name, v, _ := strings.Cut(kv, "=")
		if _, ok := nowBy[name]; !ok {
			out = append(out, Change{Cause: EnvChanged, Subject: name, Text: fmt.Sprintf("%s unset (was %q)", name, v)})
		}
	}
	return out
}

func envMap(list []string) map[string]string {
	m := map[string]string{}
	for _, kv := range list {
		name, v, _ := strings.Cut(kv, "=")
		m[name] = v
	}
	return m
}

// inputDiff compares the extra inputs by path.
func inputDiff(was, now []manifest.FileHash) []Change {
	wasBy := map[string]digest.Sum{}
	for _, f := range was {
		wasBy[f.Path] = f.Hash
	}
	nowBy := map[string]bool{}
	var out []Change
	for _, f := range now {
		nowBy[f.Path] = true
		old, ok := wasBy[f.Path]
		switch {
		case !ok:
			out = append(out, Change{Cause: InputChanged, Subject: f.Path, Text: f.Path + ": read now, not before"})
		case old != f.Hash:
			out = append(out, Change{Cause: InputChanged, Subject: f.Path, Text: fmt.Sprintf("%s: content changed (was %s, now %s)", f.Path, short(old), short(f.Hash))})
		}
	}
	for _, f := range was {
		if !nowBy[f.Path] {
			out = append(out, Change{Cause: InputChanged, Subject: f.Path, Text: f.Path + ": read before, not now"})
		}
	}
	return out
}

// extraSubject is what an Extra difference is counted under: its first
// words ("include dirs", "native"), without the state that follows.
func extraSubject(d string) string {
	d = strings.TrimSuffix(strings.TrimSuffix(d, " added"), " removed")
	for _, label := range []string{"include dirs", "source dir link"} {
		if strings.HasPrefix(d, label) {
			return label
		}
	}
	word, _, _ := strings.Cut(d, " ")
	return word
}

// IncludeChange describes an include file of the nearest earlier entry
// that no longer matches: now is its state (size and hash), or err when
// it cannot be read.
func IncludeChange(was manifest.Include, size int64, hash digest.Sum, err error) Change {
	c := Change{Cause: IncludeChanged, Subject: was.Path}
	if err != nil {
		c.Text = fmt.Sprintf("%s: gone or unreadable (%v)", was.Path, err)
		return c
	}
	c.Text = fmt.Sprintf("%s: content changed (was %s, size %d; now %s, size %d)", was.Path, short(was.Hash), was.Size, short(hash), size)
	return c
}

// short is a sum's first 8 hex digits, as git abbreviates.
func short(s digest.Sum) string { return s.String()[:8] + "…" }
