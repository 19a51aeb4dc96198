package launcher

// Statistics counters. Every invocation that finishes ends in exactly one
// outcome counter (StatHit, StatMiss, or a name under PrefixUncacheable or
// PrefixError), so that the outcomes add up to the invocations that
// finished; the other counters explain them.
const (
	StatHit           = "direct_hit"   // outcome: served from the cache
	StatMiss          = "miss"         // outcome: compiled; stored unless a PrefixNotStored counter says why
	PrefixUncacheable = "uncacheable." // outcome: passed through untouched; the reason follows the dot
	PrefixError       = "error."       // outcome: the cache failed and the call ran uncached
	PrefixNotStored   = "not_stored."  // a miss whose result was not stored, and why

	StatStored        = "stored"                 // entries added to the cache
	StatCorrupt       = "corrupt_entry"          // entries or manifests that failed their checksum
	StatStaleManifest = "manifest_entry_missing" // a manifest entry matched but its object was gone
	StatLockTimeout   = "lock_timeout"           // locks not had within lock_timeout
	StatFailedRerun   = "failed_compile_rerun"   // failed misses re-run as the user wrote them
)

// Statistics counters of remote storage: they explain hits and misses.
const (
	StatRemoteHit     = "remote_hits"          // hits served by remote storage (and stored locally)
	StatRemoteMiss    = "remote_misses"        // local misses that remote storage could not serve either
	StatRemoteCorrupt = "remote_corrupt"       // remote entries or manifests that failed their checksum
	StatRemoteError   = "remote_errors"        // failed remote requests (the remote is then marked down)
	StatRemoteTimeout = "remote_timeouts"      // remote requests that timed out (also counted as errors)
	StatRemoteDown    = "remote_bytes_read"    // bytes read from remote storage
	StatRemoteUp      = "remote_bytes_written" // bytes written to remote storage
)

// Shorter names for use in this package.
const (
	statHit            = StatHit
	statMiss           = StatMiss
	prefixUncacheable  = PrefixUncacheable
	prefixNotStored    = PrefixNotStored
	statStored         = StatStored
	statCorrupt        = StatCorrupt
	statStaleManifest  = StatStaleManifest
	statLockTimeout    = StatLockTimeout
	statFailedRerun    = StatFailedRerun
	errorLockTimeout   = PrefixError + "lock-timeout"
	errorCache         = PrefixError + "cache-unusable"
	errorOutput        = PrefixError + "output-write"
	errorCompilerIdent = PrefixError + "compiler-identity"
)

// Reasons for not storing a miss (after PrefixNotStored) and for passing a
// call through (after PrefixUncacheable).
const (
	reasonTimeMacro  = "time-macro"              // __DATE__/__TIME__/__TIMESTAMP__ in an input
	reasonModified   = "input-modified"          // an input changed while the compiler ran
	reasonFailed     = "compile-failed"          // the compiler exited non-zero
	reasonNoOutput   = "missing-output"          // the compiler succeeded but its output could not be read or put in place
	reasonCacheWrite = "cache-write-failed"      // the store refused the entry (full disk, read-only…)
	reasonEvicted    = "evicted-while-storing"   // the entry was evicted before its manifest named it
	reasonReadOnly   = "read-only"               // read_only is set
	reasonBadDepfile = "unreadable-include-list" // the include list could not be read
	reasonUnhashable = "unhashable-input"        // an include is no regular file (a FIFO): nothing to hash
)
