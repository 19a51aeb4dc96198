package difftest

import (
	"slices"
	"time"
)

// Shrink looks for a smaller scenario that still fails with the same
// signature as f: steps after the failing one dropped, then single steps,
// command-line groups, environment variables, setup actions and the
// launch form, one at a time, keeping each removal that still fails. It
// stops when nothing more can go or at deadline. run executes a candidate
// and returns its failure (nil when it passes or could not run).
//
// The cause in a signature (the last change before the failing compile)
// is not kept: a change that does not matter goes too, and the shrunk
// failure names the cause that remains.
func Shrink(s *Scenario, f *Failure, deadline time.Time, run func(*Scenario) *Failure) (*Scenario, *Failure) {
	sig := f.baseSignature(s)
	best, bestF := s, f
	try := func(c *Scenario) bool {
		if time.Now().After(deadline) {
			return false
		}
		if cf := run(c); cf != nil && cf.baseSignature(c) == sig {
			best, bestF = c, cf
			return true
		}
		return false
	}
	// Nothing after the failing step matters: drop it without a trial
	// (a race's failure may not come again).
	if bestF.Step+1 < len(best.Steps) {
		best = best.Clone()
		best.Steps = best.Steps[:bestF.Step+1]
	}
	for progress := true; progress && time.Now().Before(deadline); {
		progress = false
		// Steps before the failing one, last first.
		for i := bestF.Step - 1; i >= 0; i-- {
			if i >= len(best.Steps) {
				continue
			}
			c := best.Clone()
			c.Steps = slices.Delete(c.Steps, i, i+1)
			if try(c) {
				progress = true
			}
		}
		// Command-line groups (the last, the source, stays).
		for ci := range best.Commands {
			for gi := len(best.Commands[ci].Groups) - 2; gi >= 0; gi-- {
				if ci >= len(best.Commands) || gi >= len(best.Commands[ci].Groups)-1 {
					continue
				}
				c := best.Clone()
				c.Commands[ci].Groups = slices.Delete(c.Commands[ci].Groups, gi, gi+1)
				if try(c) {
					progress = true
				}
			}
		}
		// Environment variables.
		for i := len(best.Env) - 1; i >= 0; i-- {
			if i >= len(best.Env) {
				continue
			}
			c := best.Clone()
			c.Env = slices.Delete(c.Env, i, i+1)
			if try(c) {
				progress = true
			}
		}
		for i := len(best.ObjcacheEnv) - 1; i >= 0; i-- {
			if i >= len(best.ObjcacheEnv) {
				continue
			}
			c := best.Clone()
			c.ObjcacheEnv = slices.Delete(c.ObjcacheEnv, i, i+1)
			if try(c) {
				progress = true
			}
		}
		// Setup actions (files nothing needs).
		for i := len(best.Setup) - 1; i >= 0; i-- {
			if i >= len(best.Setup) {
				continue
			}
			c := best.Clone()
			c.Setup = slices.Delete(c.Setup, i, i+1)
			if try(c) {
				progress = true
			}
		}
		if best.Launch != LaunchPlain && best.Launch != LaunchAbsolute {
			c := best.Clone()
			c.Launch = LaunchPlain
			if try(c) {
				progress = true
			}
		}
	}
	return best, bestF
}
