package launcher

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
	"github.com/objcache/objcache/remote"
)

// remoteMarkerSubdir holds remote storage's down markers, in the cache dir.
const remoteMarkerSubdir = "remote"

// remotes returns this invocation's remote storage, nil when none is
// configured. Connections are opened on first use.
func (inv *invocation) remotes() *remote.Set {
	if len(inv.Config.RemoteStorage) == 0 || inv.explaining() {
		return nil
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.remote == nil {
		inv.remote = remote.NewSet(inv.Config.RemoteStorage, filepath.Join(inv.Store.Dir(), remoteMarkerSubdir), inv.log.printf)
	}
	return inv.remote
}

// remoteStats adds what remote storage did to the invocation's counters
// and closes its connections.
func (inv *invocation) remoteStats() {
	inv.mu.Lock()
	rs := inv.remote
	inv.remote = nil
	inv.mu.Unlock()
	if rs == nil {
		return
	}
	st := rs.Stats()
	inv.add(StatRemoteError, st.Errors)
	inv.add(StatRemoteTimeout, st.Timeouts)
	inv.add(StatRemoteDown, st.BytesDown)
	inv.add(StatRemoteUp, st.BytesUp)
	rs.Close()
}

// lookupRemote looks the call up in remote storage after a local miss.
// want is the local manifest entry whose object is gone, if one matched;
// otherwise the remote manifest is fetched and matched. A remote object is
// verified (checksum, and the manifest it names) before it is used and
// stored locally; a bad one is a miss and is not copied.
func (u *unit) lookupRemote(ctx context.Context, want *manifest.Entry) *cache.Entry {
	rs := u.remotes()
	if rs == nil {
		return nil
	}
	if want == nil {
		data, err := rs.Get(ctx, remote.ManifestName(u.mkey))
		if err != nil {
			u.remoteMiss("manifest", err)
			return nil
		}
		m, err := manifest.Decode(data)
		if err != nil {
			u.remoteMiss("manifest", err)
			return nil
		}
		entry, ok := m.Lookup(u.includeMatches)
		if !ok {
			u.remoteMiss("manifest", fmt.Errorf("none of its %d entries matches the include files", len(m.Entries)))
			return nil
		}
		want = &entry
	}
	u.matched = want.Includes
	data, err := rs.Get(ctx, remote.ObjectName(want.Object))
	if err != nil {
		u.remoteMiss("object", err)
		return nil
	}
	e, err := u.Store.DecodeEntry(data)
	if err == nil && e.ManifestKey != u.mkey {
		err = fmt.Errorf("%w: the entry names another manifest", cache.ErrCorrupt)
	}
	if err != nil {
		u.remoteMiss("object "+want.Object.String(), err)
		return nil
	}
	u.log.printf("remote hit: object %s (%d bytes)", want.Object, len(data))
	u.count(StatRemoteHit)
	if !u.Config.ReadOnly {
		if _, err := u.publishEncoded(ctx, want.Object, data, want.Includes); err != nil && !errors.Is(err, cache.ErrNotFound) {
			u.cacheError("store remote hit", err)
		}
	}
	return e
}

// remoteMiss logs and counts a failed remote lookup; a damaged manifest or
// entry is counted as corrupt too.
func (u *unit) remoteMiss(what string, err error) {
	u.log.printf("remote miss: %s: %v", what, err)
	if errors.Is(err, manifest.ErrCorrupt) || errors.Is(err, cache.ErrCorrupt) {
		u.count(StatRemoteCorrupt)
	}
	u.count(StatRemoteMiss)
}

// upload sends a newly stored entry to remote storage: the object, then
// the remote manifest with this entry added (read, merged and written back;
// two machines adding at once may lose one entry, which costs a miss, never
// a wrong hit). No local lock is held meanwhile.
func (u *unit) upload(ctx context.Context, okey digest.Sum, data []byte, includes []manifest.Include) {
	rs := u.remotes()
	if rs == nil {
		return
	}
	if err := rs.Put(ctx, remote.ObjectName(okey), data); err != nil {
		if !errors.Is(err, remote.ErrDown) {
			u.log.printf("remote store: %v", err)
		}
		return
	}
	name := remote.ManifestName(u.mkey)
	current, err := rs.Get(ctx, name)
	if err != nil && !errors.Is(err, remote.ErrNotFound) {
		return
	}
	m, _ := manifest.AddTo(current, manifest.Entry{Includes: includes, Object: okey}, u.Config.ManifestEntries)
	if err := rs.Put(ctx, name, m.Encode()); err != nil {
		u.log.printf("remote store: %v", err)
		return
	}
	u.log.printf("remote store: object %s and its manifest", okey)
}
