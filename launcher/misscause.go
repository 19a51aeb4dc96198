package launcher

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
	"github.com/objcache/objcache/whymiss"
)

// Every miss is counted with its cause (package whymiss), found when the
// lookup misses from the records only misses write (storeRecords): the
// nearest earlier compile of the same source, and what of its key or
// include files differs now. A hit reads none of them.
const (
	// PrefixMissCause counts misses by cause: the name follows the dot.
	// They add up to the misses (StatMiss) counted since they were.
	PrefixMissCause = "miss_cause."
	// PrefixMissDetail counts, in the store's miss details, what caused
	// misses: "<cause>/<subject>" follows the dot, the subject (a file,
	// an argument, a variable) query-escaped.
	PrefixMissDetail = "miss_detail."
)

// maxComparedEntries bounds how many manifest entries a miss compares
// include by include, the most recent first.
const maxComparedEntries = 8

// DetailName returns the miss-detail counter of cause and subject.
func DetailName(cause, subject string) string {
	return PrefixMissDetail + cause + "/" + url.QueryEscape(subject)
}

// ParseDetailName splits a miss-detail counter name; ok is false for
// other names.
func ParseDetailName(name string) (cause, subject string, ok bool) {
	rest, ok := strings.CutPrefix(name, PrefixMissDetail)
	if !ok {
		return "", "", false
	}
	cause, escaped, ok := strings.Cut(rest, "/")
	if !ok {
		return "", "", false
	}
	subject, err := url.QueryUnescape(escaped)
	return cause, subject, err == nil
}

// sourceID is the key of this unit's source history.
func (u *unit) sourceID() digest.Sum {
	return whymiss.SourceID(u.keyIn.Family, u.base.Place(u.Dir), u.keyIn.Source)
}

// history is this unit's source history (none for a unit whose key is
// not a compile's: a PCH's identity record).
func (u *unit) history() whymiss.History {
	if u.keyIn == nil {
		return nil
	}
	return whymiss.DecodeHistory(u.Store.History(u.sourceID()))
}

// causeWithoutManifest finds why a key has no manifest: the source is new
// to the cache, this compile's manifest was evicted, or the key differs
// from the latest earlier one still recorded, and how.
func (u *unit) causeWithoutManifest() *whymiss.Cause {
	hist := u.history()
	if len(hist) == 0 {
		return &whymiss.Cause{Name: whymiss.NewSource, Changes: []whymiss.Change{{Cause: whymiss.NewSource,
			Text: fmt.Sprintf("no earlier compile of %s here is cached", u.source)}}}
	}
	if t, ok := hist.Knows(u.mkey); ok {
		return &whymiss.Cause{Name: whymiss.Evicted, Changes: []whymiss.Change{{Cause: whymiss.Evicted,
			Text: fmt.Sprintf("this compile was stored %s ago; its manifest has been evicted since", ago(t))}}}
	}
	for _, key := range hist.Keys() {
		rec, err := whymiss.DecodeKeyRecord(u.Store.KeyRecord(key))
		if err != nil {
			continue // evicted with its manifest, or unreadable
		}
		c := whymiss.FromChanges(whymiss.Diff(&rec.Inputs, u.keyIn))
		c.Against = fmt.Sprintf("the compile stored %s ago", ago(rec.Stored))
		return c
	}
	return &whymiss.Cause{Name: whymiss.EarlierEvicted, Changes: []whymiss.Change{{Cause: whymiss.EarlierEvicted,
		Text: fmt.Sprintf("the key differs from the %s stored for %s before, which have been evicted", plural(len(hist.Keys()), "compile"), u.source)}}}
}

// causeInManifest finds why none of m's entries matched: the entry with
// the fewest include files that differ now is the nearest; if this
// compile's object under it was stored before, it was evicted.
func (u *unit) causeInManifest(m *manifest.Manifest) *whymiss.Cause {
	var best []whymiss.Change
	var bestEntry *manifest.Entry
	for i := range m.Entries[:min(len(m.Entries), maxComparedEntries)] {
		e := &m.Entries[i]
		var changes []whymiss.Change
		for _, inc := range e.Includes {
			if u.includeMatches(inc) {
				continue
			}
			st := u.hashes.file(u.absPath(inc.Path))
			changes = append(changes, whymiss.IncludeChange(inc, st.size, st.hash, st.err))
		}
		if bestEntry == nil || len(changes) < len(best) {
			best, bestEntry = changes, e
		}
	}
	if bestEntry == nil || len(best) == 0 {
		return whymiss.FromChanges(nil)
	}
	hist := u.history()
	if okey, ok := u.objectKeyNow(bestEntry); ok {
		if t, ok := hist.HasObject(okey); ok {
			return &whymiss.Cause{Name: whymiss.Evicted, Changes: []whymiss.Change{{Cause: whymiss.Evicted,
				Text: fmt.Sprintf("this compile was stored %s ago; its entry has been evicted since", ago(t))}}}
		}
	}
	c := whymiss.FromChanges(best)
	c.Against = "the nearest cached entry"
	if t, ok := hist.HasObject(bestEntry.Object); ok {
		c.Against = fmt.Sprintf("the entry stored %s ago", ago(t))
	}
	return c
}

// objectKeyNow is the object key a compile reading e's include files as
// they are now would have; ok is false when one cannot be read.
func (u *unit) objectKeyNow(e *manifest.Entry) (digest.Sum, bool) {
	now := make([]manifest.Include, 0, len(e.Includes))
	for _, inc := range e.Includes {
		if inc.Path == sourceDateEpochPath {
			now = append(now, u.sourceDateEpochValue())
			continue
		}
		st := u.hashes.file(u.absPath(inc.Path))
		if st.err != nil {
			return digest.Sum{}, false
		}
		now = append(now, manifest.Include{Path: inc.Path, Size: st.size, Hash: st.hash})
	}
	return manifest.ObjectKey(u.mkey, now), true
}

// missed logs a lookup's miss with its cause, kept to be counted with the
// miss (countCause).
func (u *unit) missed(what string, c *whymiss.Cause) {
	u.cause = c
	u.log.printf("miss: %s; cause %s", what, c.Text())
}

// count counts name; a miss's outcome counts its cause with it.
func (u *unit) count(name string) {
	u.countCause(name)
	u.invocation.count(name)
}

// passThrough is invocation.passThrough, counting a miss's cause with it.
func (u *unit) passThrough(outcome string) int {
	u.countCause(outcome)
	return u.invocation.passThrough(outcome)
}

// countCause counts the cause of this unit's miss, and its subject in the
// miss details, when outcome is the miss.
func (u *unit) countCause(outcome string) {
	if outcome != statMiss || u.cause == nil {
		return
	}
	u.invocation.count(PrefixMissCause + u.cause.Name)
	if u.cause.Subject != "" {
		u.invocation.count(DetailName(u.cause.Name, u.cause.Subject))
	}
	u.cause = nil
}

// storeRecords keeps what a later miss compares with: the key record of
// this key's manifest (once: the key's inputs do not change) and this
// compile in its source's history. They are written after the entry and
// its manifest, each under its own section's lock: no two at once.
func (u *unit) storeRecords(ctx context.Context, okey digest.Sum) {
	if u.keyIn == nil {
		return
	}
	lctx, cancel := u.lockCtx(ctx)
	defer cancel()
	if u.Store.KeyRecord(u.mkey) == nil {
		if err := u.Store.PutKeyRecord(lctx, u.mkey, whymiss.EncodeKeyRecord(u.keyIn, time.Now())); err != nil {
			u.cacheError("key record", err)
			return
		}
	}
	stored := whymiss.Stored{ManifestKey: u.mkey, Object: okey, Time: time.Now()}
	err := u.Store.UpdateHistory(lctx, u.sourceID(), func(current []byte) []byte {
		return whymiss.DecodeHistory(current).With(stored).Encode()
	})
	if err != nil {
		u.cacheError("source history", err)
	}
}

// ago is d rounded for people: "3h0m0s", "2m10s", "4s".
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	case d >= time.Minute:
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// plural is n and word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
