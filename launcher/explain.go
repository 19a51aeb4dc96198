package launcher

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/objcache/objcache/whymiss"
)

// Explanation is what objcache explain reports of one compile command: for
// each source, whether it would hit, and on a miss its cause; or why the
// call would not be cached at all.
type Explanation struct {
	// Uncached is the outcome of a call that would run uncached (the
	// counter it would count: "uncacheable.time-macro", "error.…"), ""
	// when it would be looked up.
	Uncached string `json:"uncached,omitempty"`
	// Sources are the sources looked up, in the command's order.
	Sources []SourceExplanation `json:"sources,omitempty"`
}

// SourceExplanation is the lookup of one source.
type SourceExplanation struct {
	Source      string `json:"source"`
	ManifestKey string `json:"manifest_key,omitempty"`
	// Hit says the cache has this compile's result now.
	Hit bool `json:"hit"`
	// Uncached is as Explanation.Uncached, for this source alone.
	Uncached string `json:"uncached,omitempty"`
	// Cause is why it would miss (nil on a hit).
	Cause *whymiss.Cause `json:"cause,omitempty"`
}

// Explain looks compilerName and args up as Run would, and reports what
// it found, without compiling, writing an output, or changing the cache
// (open Store read-only; no statistics are counted). Remote storage is not
// consulted: the answer is the local cache's. A call that cannot be looked
// up at all (no such compiler) is an error, with Run's message.
func (l *Launcher) Explain(ctx context.Context, compilerName string, args []string) (*Explanation, error) {
	ex := &Explanation{}
	var stderr bytes.Buffer
	l2 := *l
	l2.explanation, l2.Stderr = ex, &stderr
	if status := l2.Run(ctx, compilerName, args); status != 0 {
		msg := strings.TrimPrefix(strings.TrimSpace(stderr.String()), "objcache: ")
		return nil, fmt.Errorf("%s (exit %d)", msg, status)
	}
	l.Stderr.Write(stderr.Bytes())
	return ex, nil
}

// explaining reports whether this call only explains itself (Explain).
func (inv *invocation) explaining() bool { return inv.explanation != nil }

// explainUncached records that the call would run uncached with outcome.
func (inv *invocation) explainUncached(outcome string) {
	if outcome == "" {
		outcome = "pass-through"
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.explanation.Uncached == "" {
		inv.explanation.Uncached = outcome
	}
}

// explainFound records what the call would do after its lookup found an
// entry (found) or none: a hit whose output is one of its inputs runs as
// given (break-it round 18), and a miss after a lock timeout runs uncached.
func (u *unit) explainFound(found bool, outputIsInput func() string) {
	outcome := ""
	switch {
	case found:
		outcome = outputIsInput()
	case u.offline():
		outcome = errorLockTimeout
	}
	u.explainLookup(found && outcome == "", outcome)
}

// explainLookup records this unit's lookup: a hit, or a miss and its
// cause, or (outcome not empty) that it would run uncached.
func (u *unit) explainLookup(hit bool, outcome string) {
	s := SourceExplanation{Source: u.source, Hit: hit, Uncached: outcome}
	if !u.mkey.IsZero() {
		s.ManifestKey = u.mkey.String()
	}
	if !hit && outcome == "" {
		s.Cause = u.cause
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.explanation.Sources = append(u.explanation.Sources, s)
}

// Text is the explanation for people, one block per source.
func (ex *Explanation) Text() string {
	var b strings.Builder
	if ex.Uncached != "" && len(ex.Sources) == 0 {
		b.WriteString("not cached: " + ex.Uncached + " (the compiler runs as given)\n")
	}
	for _, s := range ex.Sources {
		switch {
		case s.Uncached != "":
			b.WriteString(s.Source + ": not cached: " + s.Uncached + "\n")
		case s.Hit:
			b.WriteString(s.Source + ": hit\n")
		case s.Cause == nil:
			b.WriteString(s.Source + ": miss\n")
		default:
			b.WriteString(s.Source + ": miss (" + s.Cause.Name + ")\n")
			if s.Cause.Against != "" {
				b.WriteString("  compared with " + s.Cause.Against + ":\n")
			}
			for _, c := range s.Cause.Changes {
				b.WriteString("  " + c.Text + "\n")
			}
		}
	}
	return b.String()
}
