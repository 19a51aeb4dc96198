package launcher

import (
	"context"
	"errors"
	"fmt"

	"github.com/objcache/objcache/basedir"
	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/eviction"
	"github.com/objcache/objcache/manifest"
)

// unit is one cached compilation of one source, whatever the compiler
// family: the key it is looked up by, the inputs that made the key, and
// the steps every family shares (lookup, hashing the include files,
// checking for hazards, publishing the entry).
type unit struct {
	*invocation
	// source is the source as the compiler sees it; inputs are the extra
	// files hashed into the key.
	source string
	inputs []string
	mkey   digest.Sum
	hashes *inputHasher
	// keyed holds the content hashes of the source and extra inputs that
	// went into the manifest key, by path as given.
	keyed   map[string]digest.Sum
	dateSet bool // SOURCE_DATE_EPOCH makes __DATE__ and __TIME__ reproducible (see honoursSourceDateEpoch)

	// stateless maps the extra inputs that were absent (or directories)
	// when the key was made to that state: the result is stored only if
	// they still are (checkInputs).
	stateless map[string]string
	// assembler is set when the source is assembler (.s, .S), where an
	// ".include" is the assembler's whatever follows it.
	assembler bool
}

func newUnit(inv *invocation, source string, inputs []string) *unit {
	_, dateSet := lookupEnv(inv.Environ, "SOURCE_DATE_EPOCH")
	return &unit{invocation: inv, source: source, inputs: inputs, hashes: newInputHasher(inv.start), keyed: map[string]digest.Sum{}, dateSet: dateSet}
}

// lookup returns the stored entry for this call, or nil on a miss: from
// the local store, else from remote storage (which then fills the local
// store).
func (u *unit) lookup(ctx context.Context) *cache.Entry {
	u.hashes.loadRecord(u.Store.StatRecordPath(u.mkey))
	e, want := u.lookupLocal(ctx)
	if e == nil && !u.offline() {
		e = u.lookupRemote(ctx, want)
	}
	if e == nil {
		// A miss records its include files once, after the compile
		// (storeEntry), with what the compile read.
		return nil
	}
	if !u.Config.ReadOnly {
		u.hashes.saveRecord(u.Store)
	}
	expandPaths(e, u.Dir)
	return e
}

// lookupLocal looks the call up in the local store. On a miss, want is the
// manifest entry that matched but whose object is gone, if any: remote
// storage may still have that object.
func (u *unit) lookupLocal(ctx context.Context) (e *cache.Entry, want *manifest.Entry) {
	lctx, cancel := u.lockCtx(ctx)
	defer cancel()
	data, err := u.Store.GetManifest(lctx, u.mkey)
	switch {
	case errors.Is(err, cache.ErrNotFound):
		u.log.printf("miss: no manifest")
		return nil, nil
	case err != nil:
		u.cacheError("read manifest", err)
		return nil, nil
	}
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

// sourceState hashes the source (as given), through its stat record,
// which a read-only store only reads.
func (u *unit) sourceState(source string) *fileState {
	return u.keyedFile(source, scanSource)
}

// keyedFile hashes a file whose content goes into the manifest key (the
// source, a precompiled header), through its own stat record, which a
// read-only store only reads.
func (u *unit) keyedFile(path string, mode scanMode) *fileState {
	abs := u.absPath(path)
	store := u.Store
	if u.Config.ReadOnly {
		store = nil
	}
	return u.hashes.recordedFile(abs, u.Store.SourceRecordPath(abs), store, mode)
}

// includeMatches reports whether an include file of a manifest entry has
// the recorded size and content now.
func (u *unit) includeMatches(inc manifest.Include) bool {
	st := u.hashes.file(u.absPath(inc.Path))
	return st.err == nil && st.size == inc.Size && st.hash == inc.Hash
}

// Output kinds whose text names files, and is stored location-free with
// base dirs (besides stdout and stderr).
var pathTextKinds = map[string]bool{depfileKind: true}

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

// expandPaths undoes storablePaths for the working directory cwd. It runs
// on every hit, base dirs or not: the entry may come from a call with them.
func expandPaths(e *cache.Entry, cwd string) {
	e.Stdout, e.Stderr = basedir.Decode(e.Stdout, cwd), basedir.Decode(e.Stderr, cwd)
	for i, o := range e.Outputs {
		if pathTextKinds[o.Kind] {
			e.Outputs[i].Data = basedir.Decode(o.Data, cwd)
		}
	}
}

// checkedIncludes hashes the include files a compile reported (lists in
// order, each file once, the source left out) and checks every input for
// the hazards that forbid storing. ok is false, with the reason counted,
// when the result must not be stored.
func (u *unit) checkedIncludes(lists ...[]string) (includes []manifest.Include, ok bool) {
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
	includes, reason := u.hashIncludes(paths)
	if reason == "" {
		reason = u.checkInputs(includes)
	}
	if reason != "" {
		u.count(prefixNotStored + reason)
		return nil, false
	}
	return includes, true
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
		if st.err != nil {
			u.log.printf("not stored: include %s: %v", p, st.err)
			return nil, reasonBadDepfile
		}
		if st.timeMacro.Unstable(u.dateSet) {
			u.log.printf("not stored: %s uses a time macro", p)
			return nil, reasonTimeMacro
		}
		if u.asmHazard(st) {
			u.log.printf("not stored: %s has assembler directives that read files (.incbin, .include)", p)
			return nil, reasonAsmInclude
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
		if st.err != nil || st.tooNew(u.start) {
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
	u.log.phase("store")
	if added {
		u.trim(ctx, okey)
	}
	u.hashes.saveRecord(u.Store)
}

// trim keeps the section that just took okey within its share of the
// limits (DESIGN.md §5). One process trims a section at a time; the others
// go on at once.
func (u *unit) trim(ctx context.Context, okey digest.Sum) {
	lctx, cancel := u.lockCtx(ctx)
	defer cancel()
	limits := eviction.Limits{MaxBytes: u.Config.MaxSize, MaxFiles: u.Config.MaxFiles}
	res, err := eviction.MaybeTrim(lctx, u.Store, cache.SectionOf(okey), limits)
	u.add(eviction.StatEvicted, int64(res.Evicted))
	u.add(eviction.StatTrims, int64(res.Trims))
	if res.Trims > 0 {
		u.log.printf("trimmed section %02x: evicted %d entries (%d bytes), pruned %d manifest entries, removed %d manifests",
			cache.SectionOf(okey), res.Evicted, res.EvictedBytes, res.PrunedEntries, res.RemovedManifests)
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
