package launcher

import (
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
	"github.com/objcache/objcache/whymiss"
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
	// compileStart is when a miss's compile started (markCompileStart).
	compileStart compileStart
	// recordWritten is the key of the last stat record this call wrote,
	// nil if none: records count toward max_size (trimAfterRecords).
	recordWritten *digest.Sum
	// matched holds the include files of the manifest entry a lookup
	// matched, for track_includes.
	matched []manifest.Include
	// keyIn is what the manifest key was made of, kept for a later miss
	// to compare with (storeRecords); cause is why the lookup missed,
	// counted with the miss (misscause.go).
	keyIn *manifest.KeyInputs
	cause *whymiss.Cause
	// userKeyed says the key holds the user's own arguments, not those
	// base dirs rewrote (a cl /Z7 object records its command): the
	// absolute names its compile reads are the user's, shared with no
	// other checkout (checkoutNamedAbsolutely).
	userKeyed bool
}

func newUnit(inv *invocation, source string, inputs []string) *unit {
	_, dateSet := lookupEnv(inv.Environ, "SOURCE_DATE_EPOCH")
	return &unit{invocation: inv, source: source, inputs: inputs, hashes: newInputHasher(inv.start), keyed: map[string]digest.Sum{}, dateSet: dateSet}
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
	return u.hashes.recordedFile(u.absPath(path), u.records(), mode)
}

// records returns where this call reads and writes stat records.
func (u *unit) records() recordStore {
	return recordStore{store: u.Store, lockTimeout: u.Config.LockTimeout, refresh: u.Config.LRURefresh,
		readOnly: u.Config.ReadOnly, off: u.offline, fail: u.cacheError,
		wrote: func(key digest.Sum) { u.recordWritten = &key }}
}

// Output kinds whose text names files, and is stored location-free with
// base dirs (besides stdout and stderr).
var pathTextKinds = map[string]bool{depfileKind: true}
