//go:build race

package eviction

// raceEnabled is set under the race detector, which makes the biggest
// fills too slow to run twice in CI (the run without it keeps them).
const raceEnabled = true
