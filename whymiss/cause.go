// Package whymiss names the cause of a cache miss: what changed since the
// nearest earlier compile of the same source (an argument, an include
// file, the compiler, an environment variable…), or that there was none,
// or that its entry was evicted.
//
// It keeps two small records in the cache for that (cache.KindKeyRecord,
// cache.KindHistory): beside each manifest, what its key was made of; and
// for each source, the keys and objects stored for it lately. Only a miss
// writes them and only a miss (or objcache explain) reads them, so a hit
// pays for neither.
package whymiss

// Causes of a miss, as counted (after the launcher's miss-cause prefix)
// and shown by objcache stats. Each miss has exactly one: the first that
// applies, in this order of the key's parts.
const (
	// NewSource: the cache knows no earlier compile of this source (in
	// this directory, with this compiler family).
	NewSource = "new-source"
	// CompilerChanged: the compiler's identity differs.
	CompilerChanged = "compiler-changed"
	// ArgsChanged: the arguments that make the key differ.
	ArgsChanged = "args-changed"
	// EnvChanged: an environment variable that makes the key differs.
	EnvChanged = "env-changed"
	// SourceChanged: the source's content differs.
	SourceChanged = "source-changed"
	// InputChanged: a file hashed into the key beside the source differs
	// (a profile, a -specs= file, a precompiled header…).
	InputChanged = "input-changed"
	// IncludeChanged: an include file's content differs, or it is gone.
	IncludeChanged = "include-changed"
	// OtherChanged: another part of the key differs (the state of an
	// include directory, what -march=native means here, the working
	// directory an object records…).
	OtherChanged = "other-changed"
	// Evicted: this very compile was stored before, and its entry has been
	// evicted (or its object is gone).
	Evicted = "evicted"
	// EarlierEvicted: the key differs from every earlier compile of the
	// source the cache had, and their records have been evicted, so there
	// is nothing left to compare with.
	EarlierEvicted = "earlier-evicted"
	// Corrupt: the manifest or the entry failed its checksum.
	Corrupt = "corrupt"
	// RemoteMiss: the local cache knows no earlier compile of the source
	// and remote storage had no entry either.
	RemoteMiss = "remote-miss"
	// LookupFailed: the cache could not be read (a lock not had in
	// time, an I/O error); the call compiled without it.
	LookupFailed = "lookup-failed"
)

// Order lists the causes in the order objcache stats shows them.
var Order = []string{NewSource, CompilerChanged, ArgsChanged, EnvChanged, SourceChanged, InputChanged, IncludeChanged, OtherChanged, Evicted, EarlierEvicted, Corrupt, RemoteMiss, LookupFailed}

// Cause is why one lookup missed.
type Cause struct {
	// Name is one of the constants above.
	Name string `json:"cause"`
	// Subject is what caused it, counted per cause so that stats can say
	// which file or argument caused most misses: an include file's or
	// input's path, an argument with "added"/"removed", a variable's name;
	// "" when the cause has none.
	Subject string `json:"subject,omitempty"`
	// Changes are every difference found, for the log and explain, the
	// one that decided Name first.
	Changes []Change `json:"changes"`
	// Against says what this compile was compared with ("the compile
	// stored 3h0m0s ago"), "" when with nothing.
	Against string `json:"against,omitempty"`
}

// Change is one difference between the earlier compile and this one.
type Change struct {
	// Cause is the cause this difference would be counted as.
	Cause string `json:"cause"`
	// Subject is as Cause.Subject.
	Subject string `json:"subject,omitempty"`
	// Text says what changed, for people: "-DNDEBUG added",
	// "include/config.h: content changed (was 3f2a…, size 1204; now 9c41…,
	// size 1210)".
	Text string `json:"text"`
}

// Text is the cause in one line, for the log: its name and the first
// change.
func (c *Cause) Text() string {
	if len(c.Changes) == 0 {
		return c.Name
	}
	line := c.Name + ": " + c.Changes[0].Text
	if n := len(c.Changes) - 1; n > 0 {
		line += " (and " + plural(n, "more change") + ")"
	}
	return line
}

// FromChanges returns the cause the first of changes decides, with all of
// them.
func FromChanges(changes []Change) *Cause {
	if len(changes) == 0 {
		return &Cause{Name: OtherChanged, Changes: []Change{{Cause: OtherChanged, Text: "the key differs in a part its record does not show"}}}
	}
	return &Cause{Name: changes[0].Cause, Subject: changes[0].Subject, Changes: changes}
}
