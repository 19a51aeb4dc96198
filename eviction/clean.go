package eviction

import (
	"context"
	"errors"
	"time"

	"github.com/objcache/objcache/cache"
)

// CleanOptions say what Clean removes besides what the limits demand.
type CleanOptions struct {
	// Limits are the bounds to trim to (100% of each section pair's share).
	Limits Limits
	// OlderThan, if positive, also evicts every entry not used for that
	// long.
	OlderThan time.Duration
	// Now is the time ages are measured from; zero means time.Now().
	Now time.Time
}

// Clean trims every section within its share of the limits (and evicts
// entries older than OlderThan), then repairs the store as Check does
// without reading whole entries: prunes dangling manifest entries, removes
// orphans left by killed adders, recounts sections, sweeps tmp/ and the
// stat records of manifests that are gone. It is
// safe beside running builds: every removal is checked under the section's
// exclusive lock. The evictions are counted in the statistics.
func Clean(ctx context.Context, st *cache.Store, opts CleanOptions) (Result, *Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	var cutoff time.Time
	if opts.OlderThan > 0 {
		cutoff = opts.Now.Add(-opts.OlderThan)
	}
	var res Result
	var errs []error
	for i := range cache.Sections {
		r, err := trimSection(ctx, st, i, opts.Limits, 1, cutoff)
		res.Add(r)
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := st.AddStats(ctx, res.counters()); err != nil {
		errs = append(errs, err)
	}
	rep, err := Check(ctx, st, CheckOptions{Repair: true, Now: opts.Now})
	if err != nil {
		errs = append(errs, err)
	}
	if _, err := st.SweepStatRecords(); err != nil {
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

// Clear removes every entry and manifest, one section at a time (objects
// first, so that a cache in use is left at worst with an orphan, which the
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
			if a == cache.Objects {
				res.Entries += len(removed)
			} else {
				res.Manifests += len(removed)
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
	if _, err := st.SweepStatRecords(); err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}
