package eviction

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// Kinds of problem Check finds. The first four are DESIGN.md §5's
// invariants, the last two the stat records' and the ledger's (cache
// package, records.go and ledger.go); the others are damage.
const (
	ProblemDangling    = "dangling manifest entries" // a manifest entry names a missing object
	ProblemOrphan      = "orphan entries"            // an object its manifest does not name
	ProblemOldTmp      = "old tmp files"             // a file in tmp/ older than an hour
	ProblemCounters    = "wrong section counters"    // a section's counters differ from its files
	ProblemCorrupt     = "corrupt entries"           // an object entry that fails its checksum or format
	ProblemBadManifest = "unreadable manifests"      // a manifest that fails its checksum or format
	ProblemStray       = "stray files"               // a name in a section that is no key
	ProblemRecord      = "orphan stat records"       // a manifest's stat record without its manifest
	ProblemLedger      = "wrong cache total"         // the ledger differs from the sum of the section counters
)

// Problems lists the kinds in the order reports print them.
var Problems = []string{ProblemDangling, ProblemOrphan, ProblemOldTmp, ProblemCounters, ProblemCorrupt, ProblemBadManifest, ProblemStray, ProblemRecord, ProblemLedger}

// TmpAge is how old a file in tmp/ must be before clean sweeps it and verify
// reports it: no process stages a file for that long.
const TmpAge = time.Hour

// CheckOptions say how thorough Check is and whether it repairs.
type CheckOptions struct {
	// Checksums reads every entry whole and verifies it; otherwise only
	// entry headers are read.
	Checksums bool
	// Repair fixes what is found: prunes dangling manifest entries, removes
	// orphans, corrupt entries, unreadable manifests, stray files and
	// orphan stat records, recounts sections and the ledger and sweeps
	// tmp/.
	Repair bool
	// Now is the time tmp/ ages are measured from; zero means time.Now().
	Now time.Time
}

// Report is what Check found (and, with Repair, fixed).
type Report struct {
	// Found counts problems by kind (Problem* constants).
	Found map[string]int
	// Repaired counts the problems fixed, by kind.
	Repaired map[string]int
	// Manifests and Entries are how many of each were looked at.
	Manifests, Entries int
	// Result is what the repairs removed.
	Result Result
}

// Total returns the number of problems found.
func (r *Report) Total() int {
	n := 0
	for _, c := range r.Found {
		n += c
	}
	return n
}

// Check walks the whole store: every manifest (each looked at with its
// objects under its section's shared lock), every entry (header or whole),
// every section's counters and tmp/. A cache in use may show a problem for a
// moment (an entry between its publication and its manifest update is an
// orphan); at rest, after a clean, there are none.
func Check(ctx context.Context, st *cache.Store, opts CheckOptions) (*Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	c := &checker{ctx: ctx, st: st, opts: opts, named: map[digest.Sum]digest.Sum{},
		rep: &Report{Found: map[string]int{}, Repaired: map[string]int{}}}
	for i := range cache.Sections {
		if err := c.manifestSection(i); err != nil {
			return c.rep, err
		}
	}
	for i := range cache.Sections {
		if err := c.objectSection(i); err != nil {
			return c.rep, err
		}
	}
	if err := c.tmp(); err != nil {
		return c.rep, err
	}
	if err := c.ledger(); err != nil {
		return c.rep, err
	}
	return c.rep, nil
}

// checker is one run of Check.
type checker struct {
	ctx  context.Context
	st   *cache.Store
	opts CheckOptions
	rep  *Report
	// named maps each object that a manifest named when it was read to
	// that manifest's key: an entry found there is no orphan without
	// looking at its manifest again.
	named map[digest.Sum]digest.Sum
}

func (c *checker) found(kind string, n int, repaired bool) {
	if n == 0 {
		return
	}
	c.rep.Found[kind] += n
	if repaired {
		c.rep.Repaired[kind] += n
	}
}

// section checks a listing's counters and stray names.
func (c *checker) section(a cache.Area, i int, l *cache.Listing) error {
	if l.Counted != l.OnDisk() {
		fixed := false
		if c.opts.Repair {
			if _, _, err := c.st.Recount(c.ctx, a, i); err != nil {
				return err
			}
			fixed = true
		}
		c.found(ProblemCounters, 1, fixed)
	}
	if len(l.Strays) > 0 {
		fixed := false
		if c.opts.Repair {
			if err := c.st.RemoveStrays(c.ctx, a, i, l.Strays); err != nil {
				return err
			}
			fixed = true
		}
		c.found(ProblemStray, len(l.Strays), fixed)
	}
	return nil
}

func (c *checker) manifestSection(i int) error {
	l, err := c.st.List(c.ctx, cache.Manifests, i)
	if err != nil {
		return err
	}
	if err := c.section(cache.Manifests, i, l); err != nil {
		return err
	}
	if err := c.orphanRecords(i, l); err != nil {
		return err
	}
	for _, f := range l.Files {
		if f.Kind != cache.KindKeyed {
			continue
		}
		var dangling int
		var unreadable bool
		err := c.st.InspectManifest(c.ctx, f.Key, func(current []byte, exists func(digest.Sum) (bool, error)) error {
			if current == nil {
				return nil // removed since the listing
			}
			c.rep.Manifests++
			m, err := manifest.Decode(current)
			if err != nil {
				unreadable = true
				return nil
			}
			for _, e := range m.Entries {
				c.named[e.Object] = f.Key
				ok, err := exists(e.Object)
				if err != nil {
					return err
				}
				if !ok {
					dangling++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if (dangling > 0 || unreadable) && c.opts.Repair {
			res, err := pruneManifest(c.ctx, c.st, f.Key)
			if err != nil {
				return err
			}
			c.rep.Result.Add(res)
		}
		c.found(ProblemDangling, dangling, c.opts.Repair)
		if unreadable {
			c.found(ProblemBadManifest, 1, c.opts.Repair)
		}
	}
	return nil
}

func (c *checker) objectSection(i int) error {
	l, err := c.st.List(c.ctx, cache.Objects, i)
	if err != nil {
		return err
	}
	if err := c.section(cache.Objects, i, l); err != nil {
		return err
	}
	for _, f := range l.Files {
		var mkey digest.Sum
		if c.opts.Checksums {
			mkey, err = c.st.CheckEntry(c.ctx, f.Key)
		} else {
			mkey, err = c.st.EntryManifestKey(c.ctx, f.Key)
		}
		switch {
		case errors.Is(err, cache.ErrNotFound):
			continue // evicted since the listing
		case errors.Is(err, cache.ErrCorrupt):
			removed := false
			if c.opts.Repair {
				if removed, err = c.st.RemoveCorrupt(c.ctx, f); err != nil {
					return err
				}
				// Its manifest, if one named it, is pruned now: the
				// manifests were checked before the entries.
				if mkey, ok := c.named[f.Key]; ok && removed {
					res, err := pruneManifest(c.ctx, c.st, mkey)
					if err != nil {
						return err
					}
					c.rep.Result.Add(res)
				}
			}
			c.found(ProblemCorrupt, 1, removed)
			continue
		case err != nil:
			return err
		}
		c.rep.Entries++
		if m, ok := c.named[f.Key]; ok && m == mkey {
			continue
		}
		// Added since its manifest was read, or an orphan: look again.
		if c.opts.Repair {
			removed, err := c.st.RemoveOrphan(c.ctx, mkey, f.Key, func(current []byte) bool { return names(current, f.Key) })
			if err != nil {
				return err
			}
			c.found(ProblemOrphan, b2i(removed), true)
			continue
		}
		orphan := false
		err := c.st.InspectManifest(c.ctx, mkey, func(current []byte, exists func(digest.Sum) (bool, error)) error {
			if names(current, f.Key) {
				return nil
			}
			// Still there? (It may have been evicted meanwhile.)
			ok, err := exists(f.Key)
			orphan = ok
			return err
		})
		if err != nil {
			return err
		}
		c.found(ProblemOrphan, b2i(orphan), false)
	}
	return nil
}

// orphanRecords finds the manifest stat records of manifest section i whose
// manifest is not in the listing l (removing one that is still an orphan,
// under the section's lock, with Repair).
func (c *checker) orphanRecords(i int, l *cache.Listing) error {
	manifests := map[digest.Sum]bool{}
	for _, f := range l.Files {
		if f.Kind == cache.KindKeyed {
			manifests[f.Key] = true
		}
	}
	var orphans []cache.StoredFile
	for _, f := range l.Files {
		if f.Kind.OfManifest() && !manifests[f.Key] {
			orphans = append(orphans, f)
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	if !c.opts.Repair {
		c.found(ProblemRecord, len(orphans), false)
		return nil
	}
	n, err := c.st.RemoveRecords(c.ctx, i, orphans)
	c.rep.Result.RemovedRecords += n
	c.found(ProblemRecord, n, true)
	return err
}

// ledger compares the cache's total with the sum of the section counters,
// read after every repair above, and, with Repair, reconciles it (a
// difference that adds running beside made is no fault, and is left).
func (c *checker) ledger() error {
	sum, err := c.st.Usage(c.ctx)
	if err != nil {
		return err
	}
	u, counted, err := c.st.Ledger(c.ctx)
	if err != nil {
		return err
	}
	if counted && u == sum {
		return nil
	}
	if c.opts.Repair {
		if _, err := c.st.Reconcile(c.ctx); err != nil {
			return err
		}
	}
	// A ledger not yet counted (a cache made before it) is no fault: the
	// first add counts it.
	if counted {
		c.found(ProblemLedger, 1, c.opts.Repair)
	}
	return nil
}

// names reports whether the encoded manifest names object key.
func names(encoded []byte, key digest.Sum) bool {
	if encoded == nil {
		return false
	}
	m, err := manifest.Decode(encoded)
	if err != nil {
		return false
	}
	for _, e := range m.Entries {
		if e.Object == key {
			return true
		}
	}
	return false
}

func (c *checker) tmp() error {
	cutoff := c.opts.Now.Add(-TmpAge)
	if c.opts.Repair {
		n, err := c.st.SweepTmp(cutoff)
		c.found(ProblemOldTmp, n, true)
		if err != nil {
			return fmt.Errorf("sweep tmp: %w", err)
		}
		return nil
	}
	old, err := c.st.OldTmp(cutoff)
	c.found(ProblemOldTmp, len(old), false)
	return err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
