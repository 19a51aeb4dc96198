// Package eviction keeps a cache within its size and file-count limits,
// least recently used first, without ever leaving a manifest entry that
// names a missing object at rest (DESIGN.md §5); and it checks and repairs
// the store's invariants (`objcache clean`, `clear`, `verify`).
//
// Limits are kept per section pair: object section i and manifest section i
// share 1/256 of max_size and of max_files. Keys are uniform, so the pairs
// fill evenly, and a trimmer needs the counters of two sections only, never
// a walk of the tree. Only object entries are evicted; a manifest shrinks
// when its entries' objects go, and is deleted when it has none left.
//
// Eviction deletes objects first, under the object section's exclusive lock,
// and releases it; then, for each manifest the deleted objects named (an
// entry's header names its manifest, so no scan is needed), it takes that
// manifest section's exclusive lock and removes the entries whose objects are
// gone, each checked under the object section's shared lock (manifest, then
// object: the one lock order). An adder, under the same manifest lock,
// checks that its object still exists before it records it. So a manifest
// entry that names a missing object exists only for a moment, and a reader
// that meets one misses, recompiles and stores again.
package eviction

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// Statistics counters that eviction adds to the store's.
const (
	// StatEvicted counts object entries removed to keep the cache within
	// its limits (or older than `clean --older-than`).
	StatEvicted = "evicted"
	// StatTrims counts sections trimmed inline, after an add took them over
	// their share.
	StatTrims = "trims"
)

// Limits are the cache's bounds. Zero means no bound.
type Limits struct {
	MaxBytes int64
	MaxFiles int64
}

// inlineGoal is the fraction of its share a section is trimmed to when an
// add takes it over: trimming a little more than needed means the next few
// adds do not trim again.
const inlineGoal = 0.9

// over reports whether a section pair whose object and manifest sections
// hold u exceeds frac of its share of l.
func (l Limits) over(u cache.SectionUsage, frac float64) bool {
	return (l.MaxBytes > 0 && float64(u.Bytes) > frac*float64(l.MaxBytes)/cache.Sections) ||
		(l.MaxFiles > 0 && float64(u.Files) > frac*float64(l.MaxFiles)/cache.Sections)
}

// Result counts what a trim, clean, clear or repair did.
type Result struct {
	Evicted          int   // object entries removed for size, count or age
	EvictedBytes     int64 // their size
	PrunedEntries    int   // manifest entries removed because their object was gone
	RemovedManifests int   // manifests removed because no entry was left or they were unreadable
	Trims            int   // sections trimmed inline
}

// Add adds o's counts to r.
func (r *Result) Add(o Result) {
	r.Evicted += o.Evicted
	r.EvictedBytes += o.EvictedBytes
	r.PrunedEntries += o.PrunedEntries
	r.RemovedManifests += o.RemovedManifests
	r.Trims += o.Trims
}

// counters returns what r adds to the statistics.
func (r *Result) counters() cache.Counters {
	return cache.Counters{StatEvicted: int64(r.Evicted), StatTrims: int64(r.Trims)}
}

// MaybeTrim is called after an add to object section i. If the section pair
// is over its share of l, and no other process is trimming it (try-lock:
// the others skip, so there is no cleanup stampede), it trims the section to
// 90% of its share, least recently used first. The caller counts the
// result in its statistics (StatEvicted, StatTrims).
func MaybeTrim(ctx context.Context, st *cache.Store, i int, l Limits) (Result, error) {
	if l.MaxBytes <= 0 && l.MaxFiles <= 0 {
		return Result{}, nil
	}
	u, err := pairUsage(ctx, st, i)
	if err != nil || !l.over(u, 1) {
		return Result{}, err
	}
	unlock, ok, err := st.TryTrim(i)
	if err != nil || !ok {
		return Result{}, err
	}
	defer unlock()
	res, err := trimSection(ctx, st, i, l, inlineGoal, time.Time{})
	res.Trims = 1
	return res, err
}

// pairUsage returns the counters of object section i and manifest section
// i, added.
func pairUsage(ctx context.Context, st *cache.Store, i int) (cache.SectionUsage, error) {
	obj, err := st.SectionUsage(ctx, cache.Objects, i)
	if err != nil {
		return obj, err
	}
	man, err := st.SectionUsage(ctx, cache.Manifests, i)
	return cache.SectionUsage{Bytes: obj.Bytes + man.Bytes, Files: obj.Files + man.Files}, err
}

// trimSection removes from object section i the entries last used before
// cutoff, then, least recently used first, as many as it takes to bring the
// pair within frac of its share of l; then it prunes the manifests that
// named them.
func trimSection(ctx context.Context, st *cache.Store, i int, l Limits, frac float64, cutoff time.Time) (Result, error) {
	list, err := st.List(ctx, cache.Objects, i)
	if err != nil {
		return Result{}, err
	}
	man, err := st.SectionUsage(ctx, cache.Manifests, i)
	if err != nil {
		return Result{}, err
	}
	victims := chooseVictims(list.Files, man, l, frac, cutoff)
	if len(victims) == 0 {
		return Result{}, nil
	}
	removed, err := st.RemoveObjects(ctx, i, victims)
	res := Result{Evicted: len(removed)}
	for _, r := range removed {
		res.EvictedBytes += r.Size
	}
	pruned, perr := pruneAfterRemoval(ctx, st, removed)
	res.Add(pruned)
	return res, errors.Join(err, perr)
}

// chooseVictims returns the files to evict from an object section whose
// manifest partner holds man: those modified before cutoff, then the least
// recently used until the pair is within frac of its share.
func chooseVictims(files []cache.StoredFile, man cache.SectionUsage, l Limits, frac float64, cutoff time.Time) []cache.StoredFile {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b cache.StoredFile) int {
		if c := a.ModTime.Compare(b.ModTime); c != 0 {
			return c
		}
		return cmp.Compare(a.Key.String(), b.Key.String())
	})
	u := man
	for _, f := range files {
		u.Bytes += f.Size
		u.Files++
	}
	n := 0
	for n < len(files) && (files[n].ModTime.Before(cutoff) || l.over(u, frac)) {
		u.Bytes -= files[n].Size
		u.Files--
		n++
	}
	return files[:n]
}

// pruneAfterRemoval prunes, one manifest at a time, the manifests that
// removed objects named in their headers.
func pruneAfterRemoval(ctx context.Context, st *cache.Store, removed []cache.Removed) (Result, error) {
	seen := map[digest.Sum]bool{}
	var res Result
	var errs []error
	for _, r := range removed {
		if r.ManifestKey.IsZero() || seen[r.ManifestKey] {
			continue
		}
		seen[r.ManifestKey] = true
		p, err := pruneManifest(ctx, st, r.ManifestKey)
		res.Add(p)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// pruneManifest removes from the manifest under key the entries whose
// objects are missing, checked under the object sections' shared locks while
// the manifest section's exclusive lock is held, and deletes the manifest
// when no entry is left or it cannot be decoded.
func pruneManifest(ctx context.Context, st *cache.Store, key digest.Sum) (Result, error) {
	var res Result
	err := st.UpdateManifest(ctx, key, digest.Sum{}, func(current []byte, tx *cache.ManifestTx) ([]byte, error) {
		res = Result{}
		if current == nil {
			return nil, nil
		}
		m, err := manifest.Decode(current)
		if err != nil {
			res.RemovedManifests = 1
			return nil, nil
		}
		gone := map[digest.Sum]bool{}
		for _, e := range m.Entries {
			ok, err := tx.ObjectExists(e.Object)
			if err != nil {
				return nil, err
			}
			if !ok {
				gone[e.Object] = true
			}
		}
		if len(gone) == 0 {
			return current, nil
		}
		before := len(m.Entries)
		m.Remove(gone)
		res.PrunedEntries = before - len(m.Entries)
		if len(m.Entries) == 0 {
			res.RemovedManifests = 1
			return nil, nil
		}
		return m.Encode(), nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("prune manifest %s: %w", key, err)
	}
	return res, nil
}
