package eviction

import (
	"context"
	"errors"
	"time"

	"github.com/objcache/objcache/cache"
)

// CleanOptions say what Clean removes besides what the limits demand.
type CleanOptions struct {
	// Limits are the bounds to trim the cache to (100% of each).
	Limits Limits
	// OlderThan, if positive, also evicts every entry not used for that
	// long.
	OlderThan time.Duration
	// Now is the time ages are measured from; zero means time.Now().
	Now time.Time
}

// sourceRecordAge is how long a source's stat record may go unused before
// clean removes it: a source deleted or moved leaves its record, which no
// manifest owns, and an old one costs one read of the source to rewrite.
const sourceRecordAge = 7 * 24 * time.Hour

// Clean repairs the store as Check does without reading whole entries
// (prunes dangling manifest entries, removes orphans left by killed adders
// and stat records whose manifest is gone, recounts sections and the
// ledger, sweeps tmp/), then trims the whole cache within the limits, least
// recently used first over every section, evicting entries older than
// OlderThan and source records unused for sourceRecordAge. It is safe
// beside running builds: every removal is checked under the section's
// exclusive lock. The evictions are counted in the statistics.
func Clean(ctx context.Context, st *cache.Store, opts CleanOptions) (Result, *Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	var errs []error
	if err := st.RemoveOldStatRecords(); err != nil {
		errs = append(errs, err)
	}
	rep, err := Check(ctx, st, CheckOptions{Repair: true, Now: opts.Now})
	if err != nil {
		return Result{}, rep, errors.Join(append(errs, err)...)
	}
	topts := trimOptions{all: true, sourceCutoff: opts.Now.Add(-sourceRecordAge)}
	if opts.OlderThan > 0 {
		topts.cutoff = opts.Now.Add(-opts.OlderThan)
	}
	res, err := trim(ctx, st, opts.Limits, 1, 0, topts)
	if err != nil {
		errs = append(errs, err)
	}
	if err := st.AddStats(ctx, res.counters()); err != nil {
		errs = append(errs, err)
	}
	return res, rep, errors.Join(errs...)
}

// ClearResult counts what Clear removed.
type ClearResult struct {
	Entries, Manifests int
	Bytes              int64
	Tmp                int
}

// Clear removes every entry, manifest and stat record, one section at a
// time (objects first, so that a cache in use is left at worst with an orphan, which the
// next clean removes, never with a manifest entry naming a missing object
// for longer than a moment), and sweeps tmp/ of files older than an hour.
// Statistics are kept.
func Clear(ctx context.Context, st *cache.Store, now time.Time) (ClearResult, error) {
	if now.IsZero() {
		now = time.Now()
	}
	var res ClearResult
	var errs []error
	for _, a := range []cache.Area{cache.Objects, cache.Manifests} {
		for i := range cache.Sections {
			removed, err := st.Clear(ctx, a, i)
			for _, r := range removed {
				res.Bytes += r.Size
			}
			for _, r := range removed {
				switch {
				case a == cache.Objects:
					res.Entries++
				case r.Kind == cache.KindKeyed:
					res.Manifests++
				}
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	n, err := st.SweepTmp(now.Add(-TmpAge))
	res.Tmp = n
	if err != nil {
		errs = append(errs, err)
	}
	if err := st.RemoveOldStatRecords(); err != nil {
		errs = append(errs, err)
	}
	// Counters that were damaged made the ledger miss what was cleared.
	if _, err := st.Reconcile(ctx); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}
