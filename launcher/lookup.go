package launcher

import (
	"context"
	"errors"
	"fmt"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/manifest"
	"github.com/objcache/objcache/whymiss"
)

// lookup returns the stored entry for this call, or nil on a miss: from
// the local store, else from remote storage (which then fills the local
// store).
func (u *unit) lookup(ctx context.Context) *cache.Entry {
	u.hashes.loadRecord(u.mkey, nil) // lookupLocal reads it with the manifest
	e, want := u.lookupLocal(ctx)
	if e == nil && !u.offline() && u.remotes() != nil {
		if e = u.lookupRemote(ctx, want); e == nil && u.cause != nil && u.cause.Name == whymiss.NewSource {
			u.missed("remote storage has no entry either", &whymiss.Cause{Name: whymiss.RemoteMiss, Changes: []whymiss.Change{{Cause: whymiss.RemoteMiss,
				Text: "no earlier compile of " + u.source + " is cached here, and remote storage has none either"}}})
		}
	}
	if e == nil {
		// A miss records its include files once, after the compile
		// (storeEntry), with what the compile read.
		return nil
	}
	u.hashes.saveRecord(u.records())
	if e.Refreshed && u.keyIn != nil {
		u.Store.TouchHistory(u.sourceID(), u.Config.LRURefresh)
	}
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
		u.missed("no manifest", u.causeWithoutManifest())
		return nil, nil
	case err != nil:
		u.cacheError("read manifest", err)
		u.cause = lookupFailedCause(err)
		return nil, nil
	}
	u.hashes.loadRecord(u.mkey, record)
	m, err := manifest.Decode(data)
	if err != nil {
		u.missed(fmt.Sprintf("%v (it will be replaced)", err), corruptCause("the manifest"))
		u.count(statCorrupt)
		return nil, nil
	}
	entry, ok := m.Lookup(u.includeMatches)
	if !ok {
		u.missed(fmt.Sprintf("none of the manifest's %d entries matches the include files", len(m.Entries)), u.causeInManifest(m))
		return nil, nil
	}
	u.matched = entry.Includes
	e, err = u.Store.GetEntry(lctx, entry.Object, u.Config.LRURefresh)
	switch {
	case errors.Is(err, cache.ErrNotFound):
		u.missed(fmt.Sprintf("manifest entry names object %s, which is gone", entry.Object), &whymiss.Cause{Name: whymiss.Evicted,
			Changes: []whymiss.Change{{Cause: whymiss.Evicted, Text: "the entry this compile matches has been evicted"}}})
		u.count(statStaleManifest)
		return nil, &entry
	case errors.Is(err, cache.ErrCorrupt):
		u.missed(err.Error(), corruptCause("the entry"))
		u.count(statCorrupt)
		return nil, &entry
	case err != nil:
		u.cacheError("read entry", err)
		u.cause = lookupFailedCause(err)
		return nil, nil
	}
	u.log.printf("hit: object %s", entry.Object)
	return e, nil
}

// corruptCause is the cause of a miss on a damaged manifest or entry.
func corruptCause(what string) *whymiss.Cause {
	return &whymiss.Cause{Name: whymiss.Corrupt, Changes: []whymiss.Change{{Cause: whymiss.Corrupt, Text: what + " failed its checksum and will be replaced"}}}
}

// lookupFailedCause is the cause of a miss whose lookup could not read the
// cache.
func lookupFailedCause(err error) *whymiss.Cause {
	return &whymiss.Cause{Name: whymiss.LookupFailed, Changes: []whymiss.Change{{Cause: whymiss.LookupFailed, Text: "the cache could not be read: " + err.Error()}}}
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
