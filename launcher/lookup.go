package launcher

import (
	"context"
	"errors"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/manifest"
)

// lookup returns the stored entry for this call, or nil on a miss: from
// the local store, else from remote storage (which then fills the local
// store).
func (u *unit) lookup(ctx context.Context) *cache.Entry {
	u.hashes.loadRecord(u.mkey, nil) // lookupLocal reads it with the manifest
	e, want := u.lookupLocal(ctx)
	if e == nil && !u.offline() {
		e = u.lookupRemote(ctx, want)
	}
	if e == nil {
		// A miss records its include files once, after the compile
		// (storeEntry), with what the compile read.
		return nil
	}
	u.hashes.saveRecord(u.records())
	u.trimAfterRecords(ctx)
	expandPaths(e, u.Dir)
	if u.Config.TrackIncludes {
		u.openInputs()
	}
	return e
}

// lookupLocal looks the call up in the local store. On a miss, want is the
// manifest entry that matched but whose object is gone, if any: remote
// storage may still have that object.
func (u *unit) lookupLocal(ctx context.Context) (e *cache.Entry, want *manifest.Entry) {
	lctx, cancel := u.lockCtx(ctx)
	defer cancel()
	data, record, err := u.Store.LookupManifest(lctx, u.mkey)
	switch {
	case errors.Is(err, cache.ErrNotFound):
		u.log.printf("miss: no manifest")
		return nil, nil
	case err != nil:
		u.cacheError("read manifest", err)
		return nil, nil
	}
	u.hashes.loadRecord(u.mkey, record)
	m, err := manifest.Decode(data)
	if err != nil {
		u.log.printf("miss: %v (it will be replaced)", err)
		u.count(statCorrupt)
		return nil, nil
	}
	entry, ok := m.Lookup(u.includeMatches)
	if !ok {
		u.log.printf("miss: none of the manifest's %d entries matches the include files", len(m.Entries))
		return nil, nil
	}
	u.matched = entry.Includes
	e, err = u.Store.GetEntry(lctx, entry.Object, u.Config.LRURefresh)
	switch {
	case errors.Is(err, cache.ErrNotFound):
		u.log.printf("miss: manifest entry names object %s, which is gone", entry.Object)
		u.count(statStaleManifest)
		return nil, &entry
	case errors.Is(err, cache.ErrCorrupt):
		u.log.printf("miss: %v", err)
		u.count(statCorrupt)
		return nil, &entry
	case err != nil:
		u.cacheError("read entry", err)
		return nil, nil
	}
	u.log.printf("hit: object %s", entry.Object)
	return e, nil
}

// includeMatches reports whether an include file of a manifest entry has
// the recorded size and content now.
func (u *unit) includeMatches(inc manifest.Include) bool {
	if inc.Path == sourceDateEpochPath {
		return inc == u.sourceDateEpochValue()
	}
	st := u.hashes.file(u.absPath(inc.Path))
	return st.err == nil && st.size == inc.Size && st.hash == inc.Hash
}
