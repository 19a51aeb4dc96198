package difftest

import (
	"reflect"
	"strings"
	"testing"
)

// TestGenerateDeterministic: a seed and an index always give the same
// scenario, which is what lets OBJCACHE_DIFFTEST_ONLY reproduce one.
func TestGenerateDeterministic(t *testing.T) {
	for i := range 200 {
		a, b := Generate(7, i, Options{}), Generate(7, i, Options{})
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("scenario %d differs between two generations", i)
		}
		if Script(a, nil) != Script(b, nil) {
			t.Fatalf("scenario %d: scripts differ", i)
		}
	}
	if reflect.DeepEqual(Generate(7, 0, Options{}), Generate(8, 0, Options{})) {
		t.Error("seeds 7 and 8 give the same scenario 0")
	}
}

// TestGenerateReachesEveryFeature: within the scenarios CI runs (its two
// minutes run 140-odd scenarios on two cores), every feature of the grammar
// is used, and a skipped feature never is. The invariants of checkScenario
// hold for many more.
func TestGenerateReachesEveryFeature(t *testing.T) {
	const ci = 140
	for i := ci; i < 3000; i++ {
		checkScenario(t, Generate(defaultSeed, i, Options{}))
	}
	const n = ci
	seen := map[string]int{}
	for i := range n {
		s := Generate(defaultSeed, i, Options{})
		for _, f := range s.Tags {
			seen[f]++
		}
		checkScenario(t, s)
	}
	for f := range Features {
		if seen[f] == 0 {
			t.Errorf("feature %q is not used by any of %d scenarios", f, n)
		}
	}
	for _, skipped := range []string{"clang-cl", "pch", "output-device", "time-macro-arg", "kill"} {
		skip := map[string]bool{skipped: true}
		for i := range 300 {
			if s := Generate(defaultSeed, i, Options{Skip: skip}); s.hasTag(skipped) {
				t.Errorf("scenario %d uses %q although it is skipped", i, skipped)
			}
		}
	}
}

// checkScenario checks a scenario's invariants: tree paths stay in the
// tree, commands exist, every compile names a command.
func checkScenario(t *testing.T, s *Scenario) {
	t.Helper()
	inTree := func(p string) {
		if p == "" || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "..") || strings.Contains(p, "/../") {
			t.Errorf("%s: path %q leaves the tree", s.ID(), p)
		}
	}
	actions := append([]Action(nil), s.Setup...)
	for _, st := range s.Steps {
		actions = append(actions, st.Actions...)
		for _, p := range st.Copy {
			inTree(p)
		}
		switch st.Kind {
		case StepCompile, StepKill, StepRace:
			if st.Cmd >= len(s.Commands) || st.Cmd2 >= len(s.Commands) {
				t.Errorf("%s: a step names command %d of %d", s.ID(), st.Cmd, len(s.Commands))
			}
		}
	}
	for _, a := range actions {
		inTree(a.Path)
		if a.Op == OpSymlink && strings.HasPrefix(a.Target, "/") {
			t.Errorf("%s: symlink %s leaves the tree: %q", s.ID(), a.Path, a.Target)
		}
	}
	if len(s.Commands) == 0 || len(s.Steps) == 0 || s.Steps[len(s.Steps)-1].Kind != StepCompile {
		t.Errorf("%s: no commands, or the last step is not a compile", s.ID())
	}
}

// TestGenerateFocus: a focused feature shows up in most scenarios.
func TestGenerateFocus(t *testing.T) {
	n := 0
	for i := range 200 {
		if Generate(defaultSeed, i, Options{Focus: map[string]bool{"pch": true}}).hasTag("pch") {
			n++
		}
	}
	if n < 40 {
		t.Errorf("pch focused: in %d of 200 scenarios, want at least 40", n)
	}
}

func TestParseSkip(t *testing.T) {
	cases := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", 0, false},
		{"pch", 1, false},
		{"pch, kill,race", 3, false},
		{"no-such-feature", 0, true},
		{"gcc,clang,clang-cl", 3, false},
	}
	for _, tc := range cases {
		got, err := parseFeatures(tc.in)
		if (err != nil) != tc.wantErr || err == nil && len(got) != tc.want {
			t.Errorf("parseSkip(%q) = %v, %v; want %d features, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
