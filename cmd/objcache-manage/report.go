package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
	"github.com/objcache/objcache/eviction"
	"github.com/objcache/objcache/launcher"
	"github.com/objcache/objcache/whymiss"
)

// report is what `objcache stats` shows, and its JSON form.
type report struct {
	Dir     string  `json:"dir"`
	Hits    int64   `json:"hits"`
	Misses  int64   `json:"misses"`
	HitRate float64 `json:"hit_rate"`
	// MissCauses are the misses by cause (whymiss.Order), each with the
	// subjects that caused most of them.
	MissCauses  []causeCount     `json:"miss_causes"`
	Uncacheable map[string]int64 `json:"uncacheable"`
	Errors      map[string]int64 `json:"errors"`
	NotStored   map[string]int64 `json:"not_stored"`
	Other       map[string]int64 `json:"other"`
	SizeBytes   int64            `json:"size_bytes"`
	MaxBytes    int64            `json:"max_size_bytes"`
	Files       int64            `json:"files"`
	SizeError   string           `json:"size_error,omitempty"` // why the size could not be read

	ZeroedAt string `json:"zeroed_at,omitempty"`
}

func newReport(cfg *config.Config, c cache.Counters, usage cache.SectionUsage) *report {
	r := &report{
		Dir:         cfg.Dir,
		MissCauses:  []causeCount{},
		Uncacheable: map[string]int64{},
		Errors:      map[string]int64{},
		NotStored:   map[string]int64{},
		Other:       map[string]int64{},
		SizeBytes:   usage.Bytes,
		MaxBytes:    cfg.MaxSize,
		Files:       usage.Files,
	}
	for name, n := range c {
		switch {
		case name == launcher.StatHit:
			r.Hits = n
		case name == launcher.StatMiss:
			r.Misses = n
		case name == "zeroed_at":
			if n > 0 {
				r.ZeroedAt = time.Unix(n, 0).UTC().Format(time.RFC3339)
			}
		case strings.HasPrefix(name, launcher.PrefixUncacheable):
			r.Uncacheable[strings.TrimPrefix(name, launcher.PrefixUncacheable)] = n
		case strings.HasPrefix(name, launcher.PrefixError):
			r.Errors[strings.TrimPrefix(name, launcher.PrefixError)] = n
		case strings.HasPrefix(name, launcher.PrefixNotStored):
			r.NotStored[strings.TrimPrefix(name, launcher.PrefixNotStored)] = n
		case strings.HasPrefix(name, launcher.PrefixMissCause):
			r.MissCauses = append(r.MissCauses, causeCount{Cause: strings.TrimPrefix(name, launcher.PrefixMissCause), Count: n})
		default:
			r.Other[name] = n
		}
	}
	if r.Hits+r.Misses > 0 {
		r.HitRate = float64(r.Hits) / float64(r.Hits+r.Misses)
	}
	slices.SortFunc(r.MissCauses, func(a, b causeCount) int { return cmp.Compare(causeRank(a.Cause), causeRank(b.Cause)) })
	var explained int64
	for _, c := range r.MissCauses {
		explained += c.Count
	}
	if r.Misses > explained {
		// Misses counted by an objcache that recorded no causes, or whose
		// lookup failed before it could find one.
		r.MissCauses = append(r.MissCauses, causeCount{Cause: causeUnrecorded, Count: r.Misses - explained})
	}
	return r
}

// causeUnrecorded stands for the misses without a recorded cause.
const causeUnrecorded = "unrecorded"

// topSubjects is how many subjects a cause lists.
const topSubjects = 3

// causeCount is the misses of one cause and its top subjects.
type causeCount struct {
	Cause string         `json:"cause"`
	Count int64          `json:"count"`
	Top   []subjectCount `json:"top,omitempty"`
}

// subjectCount is how many misses one file, argument or variable caused.
type subjectCount struct {
	Subject string `json:"subject"`
	Count   int64  `json:"count"`
}

// causeRank orders causes as whymiss.Order does, unknown ones last.
func causeRank(cause string) int {
	if i := slices.Index(whymiss.Order, cause); i >= 0 {
		return i
	}
	return len(whymiss.Order)
}

// addMissDetails gives each cause its topSubjects largest subjects from
// the store's miss details.
func (r *report) addMissDetails(details cache.Counters) {
	by := map[string][]subjectCount{}
	for name, n := range details {
		if cause, subject, ok := launcher.ParseDetailName(name); ok && subject != "" {
			by[cause] = append(by[cause], subjectCount{subject, n})
		}
	}
	for i, c := range r.MissCauses {
		list := by[c.Cause]
		slices.SortFunc(list, func(a, b subjectCount) int {
			if d := cmp.Compare(b.Count, a.Count); d != 0 {
				return d
			}
			return strings.Compare(a.Subject, b.Subject)
		})
		r.MissCauses[i].Top = list[:min(len(list), topSubjects)]
	}
}

// print writes the report as a table like `ccache -s`.
func (r *report) print(w io.Writer) {
	line := func(indent int, label string, value string) {
		fmt.Fprintf(w, "%-*s%-*s %s\n", indent, "", 34-indent, label, value)
	}
	line(0, "Cache directory", r.Dir)
	if r.ZeroedAt != "" {
		line(0, "Statistics zeroed", r.ZeroedAt)
	}
	line(0, "Hits", fmt.Sprintf("%d / %d (%.2f %%)", r.Hits, r.Hits+r.Misses, 100*r.HitRate))
	line(2, "Direct", fmt.Sprint(r.Hits))
	line(0, "Misses", fmt.Sprint(r.Misses))
	for _, c := range r.MissCauses {
		line(2, c.Cause, fmt.Sprint(c.Count))
		for _, s := range c.Top {
			line(4, printable(s.Subject), fmt.Sprint(s.Count))
		}
	}
	group(w, line, "Not stored", r.NotStored)
	group(w, line, "Uncacheable calls", r.Uncacheable)
	group(w, line, "Errors", r.Errors)
	for _, name := range sortedKeys(r.Other) {
		label, ok := labels[name]
		if !ok {
			label = name
		}
		line(0, label, fmt.Sprint(r.Other[name]))
	}
	size := humanBytes(r.SizeBytes)
	if r.MaxBytes > 0 {
		size += fmt.Sprintf(" / %s (%.1f %%)", humanBytes(r.MaxBytes), 100*float64(r.SizeBytes)/float64(r.MaxBytes))
	}
	if r.SizeError != "" {
		line(0, "Cache size", "unknown: "+r.SizeError)
		return
	}
	line(0, "Cache size", size)
	line(0, "Files", fmt.Sprint(r.Files))
}

// printMarkdown writes the report as Markdown tables, for a CI job's
// summary ($GITHUB_STEP_SUMMARY).
func (r *report) printMarkdown(w io.Writer) {
	fmt.Fprintf(w, "### objcache\n\n| | |\n|---|---:|\n")
	fmt.Fprintf(w, "| Hits | %d / %d (%.2f %%) |\n", r.Hits, r.Hits+r.Misses, 100*r.HitRate)
	fmt.Fprintf(w, "| Misses | %d |\n", r.Misses)
	for _, g := range []struct {
		title string
		m     map[string]int64
	}{{"Not stored", r.NotStored}, {"Uncacheable calls", r.Uncacheable}, {"Errors", r.Errors}} {
		var total int64
		for _, n := range g.m {
			total += n
		}
		fmt.Fprintf(w, "| %s | %d |\n", g.title, total)
	}
	if r.SizeError == "" {
		fmt.Fprintf(w, "| Cache size | %s |\n", humanBytes(r.SizeBytes))
	}
	if len(r.MissCauses) == 0 {
		return
	}
	fmt.Fprintf(w, "\n#### Misses by cause\n\n| Cause | Misses | Most from |\n|---|---:|---|\n")
	for _, c := range r.MissCauses {
		var top []string
		for _, s := range c.Top {
			top = append(top, codeSpan(printable(s.Subject))+fmt.Sprintf(" (%d)", s.Count))
		}
		fmt.Fprintf(w, "| %s | %d | %s |\n", c.Cause, c.Count, strings.Join(top, ", "))
	}
}

// printable is s as it can be shown on one line: quoted, escapes and all,
// when it holds a character that is not printable (a newline in a -D
// value would break the table).
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// codeSpan is s as a Markdown code span in a table cell: fenced by one
// more backtick than its longest run of them, and its pipes escaped.
func codeSpan(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	s = strings.ReplaceAll(s, "|", `\|`)
	if longest > 0 {
		s = " " + s + " "
	}
	return fence + s + fence
}

// labels are the table's words for the explanatory counters.
var labels = map[string]string{
	launcher.StatStored:        "Entries stored",
	launcher.StatCorrupt:       "Corrupt entries removed",
	launcher.StatStaleManifest: "Manifest entries without object",
	launcher.StatLockTimeout:   "Lock timeouts",
	launcher.StatFailedRerun:   "Failed compiles re-run",
	launcher.StatRemoteHit:     "Remote hits",
	launcher.StatRemoteMiss:    "Remote misses",
	launcher.StatRemoteCorrupt: "Remote entries corrupt",
	launcher.StatRemoteError:   "Remote errors",
	launcher.StatRemoteTimeout: "Remote timeouts",
	launcher.StatRemoteDown:    "Remote bytes read",
	launcher.StatRemoteUp:      "Remote bytes written",
	eviction.StatEvicted:       "Entries evicted",
	eviction.StatTrims:         "Trims",
}

// group prints a total line and one indented line per reason.
func group(w io.Writer, line func(int, string, string), title string, m map[string]int64) {
	var total int64
	for _, n := range m {
		total += n
	}
	line(0, title, fmt.Sprint(total))
	for _, k := range sortedKeys(m) {
		v := fmt.Sprint(m[k])
		if hint, ok := reasonHints[k]; ok {
			v += "  (" + hint + ")"
		}
		line(2, k, v)
	}
}

// reasonHints say, beside a reason calls were not cached for, what would
// cache them.
var reasonHints = map[string]string{
	"pdb": `cl's /Zi and /ZI; msvc_zi = "z7" caches /Zi`,
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// humanBytes formats n with a binary unit, like "1.2 GiB".
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
