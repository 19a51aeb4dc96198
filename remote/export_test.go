package remote

// NewSetWithFinder is NewSet with the helper's executable found by find,
// for tests that run a helper of their own.
func NewSetWithFinder(specs []Spec, markerDir string, logf func(string, ...any), find func() (string, error)) *Set {
	s := NewSet(specs, markerDir, logf)
	s.findHelper = find
	return s
}

// LocateHelper is locateHelper, for tests of a missing helper.
var LocateHelper = locateHelper

// HelpersExited reports whether every helper the Set started has exited
// (and been waited for).
func HelpersExited(s *Set) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.members {
		h, ok := m.b.(*helper)
		if !ok {
			continue
		}
		h.mu.Lock()
		running := h.cmd != nil && h.cmd.ProcessState == nil
		h.mu.Unlock()
		if running {
			return false
		}
	}
	return true
}
