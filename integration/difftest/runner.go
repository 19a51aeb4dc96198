package difftest

import "time"

// Config says what a Runner runs and where.
type Config struct {
	// Objcache is the objcache binary under test.
	Objcache string
	// Root is a scratch directory; each scenario works in a subdirectory
	// that is removed afterwards (kept when Keep is set and it failed).
	Root string
	// Timeout bounds each command (default 30 s): a run that hangs
	// (a FIFO nobody reads, a lock never released) is a failure.
	Timeout time.Duration
	// Keep leaves a failing scenario's directory in place.
	Keep bool
}

// Result is what running one scenario found.
type Result struct {
	Scenario *Scenario
	// Failure is the first difference, nil if there was none.
	Failure *Failure
	// Steps and Compiles count what ran (compiles through objcache).
	Steps, Compiles int
	// ReferenceFailed counts the compiles that failed without objcache
	// (missing headers, syntax errors, -Werror…).
	ReferenceFailed int
	// Inconclusive counts compile steps of time-sensitive scenarios whose
	// two runs fell in different seconds: their objects were not compared.
	Inconclusive int
	// Stats are objcache's counters at the end (hits, misses, reasons).
	Stats map[string]int64
	// Dir is the scenario's directory when it was kept.
	Dir string
}
