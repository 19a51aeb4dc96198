package launcher

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/eviction"
	"github.com/objcache/objcache/manifest"
)

// storablePaths rewrites the absolute paths under base dirs in e's text
// (console output, depfile) to the location-free form, so that a hit in
// another checkout names that checkout's files (basedir.Mapper.Encode).
func (u *unit) storablePaths(e *cache.Entry) {
	if u.base == nil {
		return
	}
	e.Stdout, e.Stderr = u.base.Encode(e.Stdout), u.base.Encode(e.Stderr)
	for i, o := range e.Outputs {
		if pathTextKinds[o.Kind] {
			e.Outputs[i].Data = u.base.Encode(o.Data)
		}
	}
}

// checkedIncludes hashes the include files a compile reported (lists in
// order, each file once, the source left out) and checks every input for
// the hazards that forbid storing. A non-empty reason (after
// PrefixNotStored, for the caller to count) says why the result must not
// be stored.
func (u *unit) checkedIncludes(lists ...[]string) (includes []manifest.Include, reason string) {
	if reason := u.checkoutNamedAbsolutely(lists); reason != "" {
		return nil, reason
	}
	var paths []string
	seen := map[string]bool{u.source: true}
	for _, list := range lists {
		for _, p := range list {
			// Under a base dir, the manifest records the path relative to
			// the working directory: another checkout looks it up there.
			p, _ = u.base.Rel(p)
			if !seen[p] {
				seen[p] = true
				paths = append(paths, p)
			}
		}
	}
	includes, reason = u.hashIncludes(paths)
	if reason == "" {
		reason = u.checkInputs(includes)
	}
	if reason != "" {
		return nil, reason
	}
	if inc, ok := u.sourceDateEpochInclude(includes); ok {
		includes = append(includes, inc)
	}
	return includes, ""
}

// reasonAbsoluteInclude counts a compile under base dirs that read a file of
// the checkout by its absolute name.
const reasonAbsoluteInclude = "absolute-include"

// checkoutNamedAbsolutely refuses, under base dirs, an include list that
// names a file under a base dir absolutely: the rewritten command names
// every file it reaches through a rewritten path relative, so the compile
// read this one by a name no base dir rewrote (#include "/ci/job1/inc/y.h"
// in the source, an absolute CPATH, the headers of a compiler installed
// under a base dir, the inputs a PCH records), and the manifest records it
// relative: another checkout's hit would check its own copy and get this
// one's object (break-it round 14: a stale object). Nothing in the key ties
// such a file to this checkout: exempting a compiler's installation or
// calls with a PCH let stale objects through (break-it round 16), so these
// calls are not stored. A name under the real path of a base dir reached
// through a link is one too: gcc names a system header by its real path
// when that is shorter (break-it round 17: the manifest named checkout A's
// header, and B got A's object). Both families: clang-cl's /showIncludes
// lists an absolute #include as gcc's depfile does (round 17 too).
func (u *unit) checkoutNamedAbsolutely(lists [][]string) string {
	if u.base == nil || u.userKeyed {
		return ""
	}
	for _, list := range lists {
		for _, p := range list {
			if !filepath.IsAbs(p) {
				continue
			}
			if _, under := u.base.Rel(p); under || u.base.UnderResolved(p) {
				u.log.printf("not stored: %s is named absolutely, which base dirs would not share", p)
				return reasonAbsoluteInclude
			}
		}
	}
	return ""
}

// hashIncludes hashes the include files of a finished compile, in order.
func (u *unit) hashIncludes(paths []string) ([]manifest.Include, string) {
	// Files are read afresh: what the lookup hashed before the compile
	// may have changed while the compiler ran.
	fresh := u.hashes.withRecordOf(u.start)
	u.hashes = fresh
	includes := make([]manifest.Include, 0, len(paths))
	for _, p := range paths {
		st := fresh.file(u.absPath(p))
		if errors.Is(st.err, errNotRegular) {
			u.log.printf("not stored: include %s: %v", p, st.err)
			return nil, reasonUnhashable
		}
		if st.err != nil {
			u.log.printf("not stored: include %s: %v", p, st.err)
			return nil, reasonBadDepfile
		}
		if st.timeMacro.Unstable(u.dateSet) {
			u.log.printf("not stored: %s uses a time macro", p)
			return nil, reasonTimeMacro
		}
		if reason := u.hiddenReadReason(st); reason != "" {
			u.log.printf("not stored: %s has directives that read files no depfile names (.incbin, .include, #pragma GCC dependency)", p)
			return nil, reason
		}
		includes = append(includes, manifest.Include{Path: p, Size: st.size, Hash: st.hash})
	}
	return includes, ""
}

// checkInputs returns a reason not to store when an input (the source, an
// extra input or an include) may have changed while the compiler ran, or no
// longer has the content the key was made from.
func (u *unit) checkInputs(includes []manifest.Include) string {
	paths := append([]string{u.source}, u.inputs...)
	for _, inc := range includes {
		paths = append(paths, inc.Path)
	}
	for _, p := range paths {
		st := u.hashes.file(u.absPath(p))
		if st.err != nil || st.tooNew(u.compileStart) {
			u.log.printf("not stored: %s changed at or after the compile's start", p)
			return reasonModified
		}
		// The source and extra inputs were hashed for the key before the
		// compile: they must still have that content.
		if keyed, ok := u.keyed[p]; ok && keyed != st.hash {
			u.log.printf("not stored: %s changed during the compile", p)
			return reasonModified
		}
	}
	if p, changed := u.statelessChanged(); changed {
		u.log.printf("not stored: %s appeared or changed kind during the compile", p)
		return reasonModified
	}
	return ""
}

// storeEntry adds e, the result of a compile that read includes, and its
// manifest entry, and counts what it did.
func (u *unit) storeEntry(ctx context.Context, e *cache.Entry, includes []manifest.Include) {
	okey := manifest.ObjectKey(u.mkey, includes)
	u.storablePaths(e)
	u.log.phase("check inputs")
	added, err := u.publishEntry(ctx, okey, e, includes)
	if errors.Is(err, cache.ErrNotFound) {
		// Evicted between its publication and the manifest update: the
		// manifest must not name it, and the next compile stores it again.
		u.log.printf("not stored: object %s was evicted before its manifest entry was written", okey)
		u.count(prefixNotStored + reasonEvicted)
		return
	}
	if err != nil {
		u.cacheError("store", err)
		u.count(prefixNotStored + reasonCacheWrite)
		return
	}
	if added {
		u.count(statStored)
	}
	u.log.printf("stored object %s with %d include files (new entry: %v)", okey, len(includes), added)
	u.storeRecords(ctx, okey)
	u.log.phase("store")
	u.hashes.saveRecord(u.records())
	if added {
		u.recordWritten = nil
		u.trim(ctx, cache.SectionOf(okey))
	}
	u.trimAfterRecords(ctx)
}

// trimAfterRecords keeps the cache within its limits after this call wrote
// stat records, which count toward them (a hit in a new checkout writes a
// source record per file, and hits in fresh CI workspaces only ever write
// records).
func (u *unit) trimAfterRecords(ctx context.Context) {
	if u.recordWritten != nil {
		key := *u.recordWritten
		u.recordWritten = nil
		u.trim(ctx, cache.SectionOf(key))
	}
}

// trim keeps the cache within its limits after this call added to section
// (eviction.MaybeTrim: the ledger says whether the cache is over; one
// process trims at a time, the others go on at once).
func (u *unit) trim(ctx context.Context, section int) {
	if u.offline() {
		return
	}
	lctx, cancel := u.lockCtx(ctx)
	defer cancel()
	limits := eviction.Limits{MaxBytes: u.Config.MaxSize, MaxFiles: u.Config.MaxFiles}
	res, err := eviction.MaybeTrim(lctx, u.Store, section, limits)
	u.add(eviction.StatEvicted, int64(res.Evicted))
	u.add(eviction.StatTrims, int64(res.Trims))
	if res.Trims > 0 {
		u.log.printf("trimmed the cache from section %02x on: evicted %d entries (%d bytes) and %d source records, pruned %d manifest entries, removed %d manifests",
			section, res.Evicted, res.EvictedBytes, res.RemovedRecords, res.PrunedEntries, res.RemovedManifests)
		u.log.phase("trim")
	}
	if err != nil {
		u.cacheError("trim", err)
	}
}

// publishEntry stores the entry, then records it in the manifest (in that
// order, so that a manifest never names an object not yet there). added
// reports whether this call added the entry (another process may have
// stored the same one first).
func (u *unit) publishEntry(ctx context.Context, okey digest.Sum, e *cache.Entry, includes []manifest.Include) (added bool, err error) {
	data, err := u.Store.EncodeEntry(e)
	if err != nil {
		return false, err
	}
	if added, err = u.publishEncoded(ctx, okey, data, includes); err != nil || !added {
		return added, err
	}
	u.upload(ctx, okey, data, includes)
	return true, nil
}

// publishEncoded stores an encoded entry and records it in the manifest.
func (u *unit) publishEncoded(ctx context.Context, okey digest.Sum, data []byte, includes []manifest.Include) (added bool, err error) {
	lctx, cancel := u.lockCtx(ctx)
	defer cancel()
	if added, err = u.Store.PutEncodedEntry(lctx, okey, data); err != nil {
		return false, err
	}
	limit := u.Config.ManifestEntries
	return added, u.Store.UpdateManifest(lctx, u.mkey, okey, func(current []byte, tx *cache.ManifestTx) ([]byte, error) {
		m, dropped := manifest.AddTo(current, manifest.Entry{Includes: includes, Object: okey}, limit)
		// An entry that falls off the cap takes its object with it.
		for _, gone := range dropped {
			tx.DropObject(gone)
		}
		return m.Encode(), nil
	})
}

// stageTemp stages a file in the store's tmp/ for the compiler to write its
// include list into, and returns its path. Creating it before the compiler
// runs is the check that the cache takes new files: on a read-only or full
// cache the compiler would otherwise fail to write the list, and the call
// would cost two compiles instead of one. The file gets one byte, so that a
// disk with inodes but no free block fails here too. It is also the only new
// file: the compiler rewrites it in place (a new file costs 0.1-0.2 ms on
// ext4 here). A list the compiler failed to write reads as "no rule", which
// is never stored.
func (u *unit) stageTemp() (string, error) {
	path, err := u.Store.Stage([]byte{'\n'})
	if err != nil {
		return "", fmt.Errorf("staging directory: %w", err)
	}
	return path, nil
}
