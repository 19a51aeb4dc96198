// Package eviction keeps a cache within its size and file-count limits,
// least recently used first, without ever leaving a manifest entry that
// names a missing object at rest (DESIGN.md §5); and it checks and repairs
// the store's invariants (`objcache clean`, `clear`, `verify`).
//
// The limits hold for the cache as a whole. The store keeps its total in
// one small ledger file (cache.Store.Total) beside the per-section
// counters, so an add learns whether the cache is over from one read, never
// a walk of the tree. When it is, one process (a try-lock: the others go
// on) trims it to 95% of the limit: it lists sections, starting with the one
// the add went to, until the files it has seen are four times what must go
// (or it has seen them all), and evicts the least recently used of those.
// The sections are a uniform sample of the cache (keys are hashes), so the
// victims are close to the cache's least recently used, and a small cache
// is listed whole: with 256 sections each held to 1/256 of the limit, as
// before, a 200K cache of 25 KiB entries held 1.6 MB.
//
// Evicted are object entries and source stat records (cache.KindSourceRecord);
// a manifest shrinks when its entries' objects go, and is deleted, with its
// stat record, when it has none left.
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
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/lockfile"
	"github.com/objcache/objcache/manifest"
)

// Statistics counters that eviction adds to the store's.
const (
	// StatEvicted counts object entries removed to keep the cache within
	// its limits (or older than `clean --older-than`).
	StatEvicted = "evicted"
	// StatTrims counts trims made inline, after an add took the cache over
	// its limits.
	StatTrims = "trims"
)

// Limits are the cache's bounds. Zero means no bound.
type Limits struct {
	MaxBytes int64
	MaxFiles int64
}

// inlineGoal is the fraction of the limits a trim brings the cache to: a
// little below the limit, so that the next few adds do not trim again, and
// within 10% of it for any max_size of at least 16 times the largest entry
// (the last victim may take up to 1/16 of the limit with it).
const inlineGoal = 0.95

// ceiling is how far over its limits the cache may go while another
// process holds the trim lock: past it, an adder trims beside the holder,
// which may be stopped or stuck (the section locks keep two trimmers
// correct; the trim lock only spares the work).
const ceiling = 1.05

// sampleFactor is how much more than it must free a trim lists before it
// chooses: the least recently used quarter of a uniform sample.
const sampleFactor = 4

// trimRounds bounds how often MaybeTrim trims again when adds that ran
// during its trim took the cache over once more.
const trimRounds = 3

// reconcileEvery is how many adds, on average, check the ledger against the
// section counters once (cache.Store.Reconcile, 512 small reads), so that
// its drift (an older objcache sharing the cache, a killed process) is
// healed without waiting for a clean.
const reconcileEvery = 256

// listWait bounds the wait for one section's lock while a trim lists: a
// section whose lock is stuck is left out of the sample rather than making
// every add wait, and fail, on it.
const listWait = 100 * time.Millisecond

// over reports whether a cache holding u exceeds frac of l.
func (l Limits) over(u cache.SectionUsage, frac float64) bool {
	return (l.MaxBytes > 0 && float64(u.Bytes) > frac*float64(l.MaxBytes)) ||
		(l.MaxFiles > 0 && float64(u.Files) > frac*float64(l.MaxFiles))
}

// excess returns how much a cache holding u must free to be within frac
// of l (zero in each dimension that has no bound or is within it).
func (l Limits) excess(u cache.SectionUsage, frac float64) cache.SectionUsage {
	var e cache.SectionUsage
	if l.MaxBytes > 0 {
		e.Bytes = max(0, u.Bytes-int64(frac*float64(l.MaxBytes)))
	}
	if l.MaxFiles > 0 {
		e.Files = max(0, u.Files-int64(frac*float64(l.MaxFiles)))
	}
	return e
}

// Result counts what a trim, clean, clear or repair did.
type Result struct {
	Evicted          int   // object entries removed for size, count or age
	EvictedBytes     int64 // their size
	PrunedEntries    int   // manifest entries removed because their object was gone
	RemovedManifests int   // manifests removed because no entry was left or they were unreadable
	RemovedRecords   int   // source stat records evicted, and stat records whose manifest was gone
	Trims            int   // trims made inline, after an add took the cache over

}

// Add adds o's counts to r.
func (r *Result) Add(o Result) {
	r.Evicted += o.Evicted
	r.EvictedBytes += o.EvictedBytes
	r.PrunedEntries += o.PrunedEntries
	r.RemovedManifests += o.RemovedManifests
	r.RemovedRecords += o.RemovedRecords
	r.Trims += o.Trims
}

// counters returns what r adds to the statistics.
func (r *Result) counters() cache.Counters {
	return cache.Counters{StatEvicted: int64(r.Evicted), StatTrims: int64(r.Trims)}
}

// MaybeTrim is called after an add to object section i (or a stat record
// written in manifest section i). If the cache is over l (the ledger says
// so: one small read), and no other process is trimming it (try-lock: the
// others go on, so there is no cleanup stampede, unless the cache is past
// the ceiling), it trims the cache to 95% of l, least recently used first,
// sampling sections from i on. When adds made meanwhile took the cache over
// again it trims again, a few times at most: those adders found the trim
// lock taken and left the work to it. The caller counts the result in its
// statistics (StatEvicted, StatTrims).
func MaybeTrim(ctx context.Context, st *cache.Store, i int, l Limits) (Result, error) {
	if l.MaxBytes <= 0 && l.MaxFiles <= 0 {
		return Result{}, nil
	}
	if rand.IntN(reconcileEvery) == 0 {
		if _, err := st.ReconcileWithin(ctx, listWait); err != nil {
			return Result{}, skipBusy(err)
		}
	}
	var res Result
	for range trimRounds {
		u, err := st.TotalWithin(ctx, listWait)
		if err != nil || !l.over(u, 1) {
			return res, skipBusy(err)
		}
		unlock, ok, err := st.TryTrim()
		if err != nil {
			return res, err
		}
		if !ok {
			if !l.over(u, ceiling) {
				return res, nil // the holder trims
			}
			unlock = func() {}
		}
		r, err := trim(ctx, st, l, inlineGoal, i, trimOptions{})
		unlock()
		r.Trims = 1
		res.Add(r)
		if err != nil || r.Evicted+r.RemovedRecords == 0 {
			return res, skipBusy(err)
		}
	}
	return res, nil
}

// skipBusy returns nil for a lock not had in time (the ledger's, or a
// section's while the sections are summed), err otherwise: a trim that
// cannot be made now is left to the next add, and the call that tried
// goes on with the cache, which a lock timeout would turn off.
func skipBusy(err error) error {
	if errors.Is(err, lockfile.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	return err
}

// trimOptions say what a trim evicts besides what the limits demand.
type trimOptions struct {
	// all lists every section, as clean does, rather than a sample.
	all bool
	// cutoff evicts every entry and source record last used before it.
	cutoff time.Time
	// sourceCutoff evicts every source record last used before it.
	sourceCutoff time.Time
}

// candidate is a file a trim may evict: an object entry of section i, or a
// source record of manifest section i.
type candidate struct {
	section int
	file    cache.StoredFile
}

// sample is what a trim listed.
type sample struct {
	cands []candidate
	// seen is the size of the candidates.
	seen cache.SectionUsage
	// onDisk and counted are the size of every file of the listed
	// sections and what their counters said; whole is set when every
	// section was listed, so that they are the cache's.
	onDisk, counted cache.SectionUsage
	whole           bool
}

// trim brings the cache within frac of l, least recently used first, from
// a sample of the sections that starts at section start and holds
// sampleFactor times what must go (every section, with opts.all), and
// evicts what opts' cutoffs name; the manifests that the evicted entries
// named are pruned.
//
// An evicted entry takes more with it than its own file: its share of its
// manifest, and, with its manifest's last entry, the manifest and its stat
// record (in a header-heavy build, more than the entry). So a trim evicts
// in rounds, each aiming at half of what is still to go, counting each
// candidate byte as the sample's bytes per candidate byte (then as the
// rounds so far freed per candidate byte); after each round what is still
// to go goes down by what the ledger went down by (its absolute value may
// be off, its changes are the cache's).
func trim(ctx context.Context, st *cache.Store, l Limits, frac float64, start int, opts trimOptions) (Result, error) {
	// An inline trim reads the total as the add did (a stuck ledger lock
	// gives the section sum); clean waits as long as any call.
	wait := listWait
	if opts.all {
		wait = 0
	}
	u, err := st.TotalWithin(ctx, wait)
	if err != nil {
		return Result{}, err
	}
	need := l.excess(u, frac)
	smp, err := listSample(ctx, st, need, start, opts.all)
	if err != nil {
		return Result{}, err
	}
	if smp.whole {
		// The whole cache was seen: what must go is measured on the
		// files themselves, and a ledger that differs from the counters
		// (an older objcache changed them alone) is reconciled.
		need = l.excess(smp.onDisk, frac)
		if smp.counted != u {
			r, err := st.ReconcileWithin(ctx, listWait)
			if err != nil && skipBusy(err) != nil {
				return Result{}, err
			}
			if err == nil {
				u = r
			}
		}
	}
	cands := sortedByUse(smp.cands)
	var res Result
	var errs []error
	// First what the cutoffs name, then rounds of the least recently used.
	var old, rest []candidate
	for _, c := range cands {
		if c.file.ModTime.Before(opts.cutoff) || (c.file.Kind == cache.KindSourceRecord && c.file.ModTime.Before(opts.sourceCutoff)) {
			old = append(old, c)
		} else {
			rest = append(rest, c)
		}
	}
	w := smp.weight()
	for round := 0; len(old) > 0 || len(rest) > 0 && (need.Bytes > 0 || need.Files > 0); round++ {
		var victims []candidate
		if round == 0 && len(old) > 0 {
			victims = old
		} else {
			n := chunk(rest, need, w)
			victims, rest = rest[:n], rest[n:]
		}
		old = nil
		r, err := evict(ctx, st, victims)
		res.Add(r)
		errs = append(errs, err)
		after, err := st.TotalWithin(ctx, wait)
		if err != nil {
			errs = append(errs, err)
			break
		}
		freed := cache.SectionUsage{Bytes: u.Bytes - after.Bytes, Files: u.Files - after.Files}
		need = cache.SectionUsage{Bytes: max(0, need.Bytes-freed.Bytes), Files: max(0, need.Files-freed.Files)}
		w = w.learn(victims, freed)
		u = after
	}
	return res, errors.Join(errs...)
}

// weight is how much the cache loses per candidate byte and per candidate
// file evicted: the entry, its share of its manifest, maybe the manifest
// and its record.
type weight struct{ bytes, files float64 }

// weight returns the sample's own: all it listed per candidate.
func (smp *sample) weight() weight {
	w := weight{1, 1}
	if smp.seen.Bytes > 0 {
		w.bytes = max(1, float64(smp.onDisk.Bytes)/float64(smp.seen.Bytes))
	}
	if smp.seen.Files > 0 {
		w.files = max(1, float64(smp.onDisk.Files)/float64(smp.seen.Files))
	}
	return w
}

// learn returns the weight a round showed: what the cache lost (freed) per
// byte and file of its victims, where it lost something.
func (w weight) learn(victims []candidate, freed cache.SectionUsage) weight {
	var size, files int64
	for _, c := range victims {
		size += c.file.Size
		files += c.counts()
	}
	if size > 0 && freed.Bytes > 0 {
		w.bytes = max(1, float64(freed.Bytes)/float64(size))
	}
	if files > 0 && freed.Files > 0 {
		w.files = max(1, float64(freed.Files)/float64(files))
	}
	return w
}

// chunk returns how many of cands (least recently used first) a round
// evicts: about half of need, each candidate counted at weight w, at least
// one.
func chunk(cands []candidate, need cache.SectionUsage, w weight) int {
	var freed weight
	for n, c := range cands {
		if n > 0 && freed.bytes >= float64((need.Bytes+1)/2) && freed.files >= float64((need.Files+1)/2) {
			return n
		}
		freed.bytes += w.bytes * float64(c.file.Size)
		freed.files += w.files * float64(c.counts())
	}
	return len(cands)
}

// listSample lists object and manifest sections from start on until the
// candidates hold sampleFactor times need (or every section, with all). A
// section whose lock is not had within listWait is left out.
func listSample(ctx context.Context, st *cache.Store, need cache.SectionUsage, start int, all bool) (sample, error) {
	var smp sample
	listed := 0
	for k := range cache.Sections {
		if !all && (need.Bytes <= 0 && need.Files <= 0 ||
			smp.seen.Bytes >= sampleFactor*need.Bytes && smp.seen.Files >= sampleFactor*need.Files) {
			break
		}
		i := (start + k) % cache.Sections
		objs, mans, err := listPair(ctx, st, i)
		if errors.Is(err, lockfile.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		if err != nil {
			return smp, err
		}
		listed++
		for _, l := range []*cache.Listing{objs, mans} {
			d := l.OnDisk()
			smp.onDisk.Bytes += d.Bytes
			smp.onDisk.Files += d.Files
			smp.counted.Bytes += l.Counted.Bytes
			smp.counted.Files += l.Counted.Files
		}
		for _, f := range objs.Files {
			smp.add(i, f)
		}
		for _, f := range mans.Files {
			if f.Kind.Evictable() {
				smp.add(i, f)
			}
		}
	}
	smp.whole = listed == cache.Sections
	return smp, nil
}

// add makes f, of section i, a candidate.
func (smp *sample) add(i int, f cache.StoredFile) {
	smp.cands = append(smp.cands, candidate{i, f})
	smp.seen.Bytes += f.Size
	smp.seen.Files += candidate{i, f}.counts()
}

// listPair lists object section i and manifest section i, each lock waited
// for at most listWait.
func listPair(ctx context.Context, st *cache.Store, i int) (objs, mans *cache.Listing, err error) {
	lctx, cancel := context.WithTimeout(ctx, listWait)
	defer cancel()
	if objs, err = st.List(lctx, cache.Objects, i); err != nil {
		return nil, nil, err
	}
	if mans, err = st.List(lctx, cache.Manifests, i); err != nil {
		return nil, nil, err
	}
	return objs, mans, nil
}

// counts returns how much c counts toward max_files: an entry 1, a stat
// record nothing.
func (c candidate) counts() int64 {
	if c.file.Kind == cache.KindKeyed {
		return 1
	}
	return 0
}

// sortedByUse returns cands least recently used first.
func sortedByUse(cands []candidate) []candidate {
	cands = slices.Clone(cands)
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := a.file.ModTime.Compare(b.file.ModTime); c != 0 {
			return c
		}
		return cmp.Compare(a.file.Key.String(), b.file.Key.String())
	})
	return cands
}

// evict removes victims, one section at a time (objects under their
// section's exclusive lock, source records under their manifest section's),
// then prunes the manifests that the removed objects named.
func evict(ctx context.Context, st *cache.Store, victims []candidate) (Result, error) {
	objs := map[int][]cache.StoredFile{}
	recs := map[int][]cache.StoredFile{}
	for _, v := range victims {
		if v.file.Kind == cache.KindKeyed {
			objs[v.section] = append(objs[v.section], v.file)
		} else {
			recs[v.section] = append(recs[v.section], v.file)
		}
	}
	var res Result
	var errs []error
	var removed []cache.Removed
	for _, i := range slices.Sorted(maps.Keys(objs)) {
		r, err := st.RemoveObjects(ctx, i, objs[i])
		removed = append(removed, r...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	res.Evicted = len(removed)
	for _, r := range removed {
		res.EvictedBytes += r.Size
	}
	for _, i := range slices.Sorted(maps.Keys(recs)) {
		n, err := st.RemoveRecords(ctx, i, recs[i])
		res.RemovedRecords += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	pruned, err := pruneAfterRemoval(ctx, st, removed)
	res.Add(pruned)
	return res, errors.Join(append(errs, err)...)
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
