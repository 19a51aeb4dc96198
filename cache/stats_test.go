package cache

import (
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	steps := []struct {
		name  string
		apply func() error
		want  Counters // zeroed_at aside
	}{
		{"empty", func() error { return nil }, Counters{}},
		{"add", func() error { return s.AddStats(ctx(t), Counters{"hits": 1, "misses": 2}) }, Counters{"hits": 1, "misses": 2}},
		{"add more", func() error { return s.AddStats(ctx(t), Counters{"hits": 2, "errors": 1}) }, Counters{"hits": 3, "misses": 2, "errors": 1}},
		{"add nothing", func() error { return s.AddStats(ctx(t), nil) }, Counters{"hits": 3, "misses": 2, "errors": 1}},
		{"garbage in another shard", func() error {
			return os.WriteFile(s.statsShard((os.Getpid()+1)%statShards), []byte("hits 5\nthis is not a counter"), 0o666)
		}, Counters{"hits": 3, "misses": 2, "errors": 1}},
		{"other shard", func() error {
			return os.WriteFile(s.statsShard((os.Getpid()+2)%statShards), []byte("hits 10\n"), 0o666)
		}, Counters{"hits": 13, "misses": 2, "errors": 1}},
		{"garbage in own shard", func() error {
			return os.WriteFile(s.statsShard(os.Getpid()%statShards), []byte("\x00\x01 garbage"), 0o666)
		}, Counters{"hits": 10}},
		{"add over garbage", func() error { return s.AddStats(ctx(t), Counters{"hits": 1}) }, Counters{"hits": 11}},
		{"negative", func() error { return s.AddStats(ctx(t), Counters{"hits": -1}) }, Counters{"hits": 10}},
		{"zero", func() error { return s.ZeroStats(ctx(t)) }, Counters{}},
		{"add after zero", func() error { return s.AddStats(ctx(t), Counters{"misses": 1, ZeroedAt: 5}) }, Counters{"misses": 1}},
	}
	start := time.Now().Unix()
	for _, st := range steps {
		if err := st.apply(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := s.Stats(ctx(t))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		zeroedAt, zeroed := got[ZeroedAt]
		delete(got, ZeroedAt)
		if len(got) != len(st.want) {
			t.Errorf("%s: Stats = %v, want %v", st.name, got, st.want)
		}
		for name, v := range st.want {
			if got[name] != v {
				t.Errorf("%s: Stats = %v, want %v", st.name, got, st.want)
				break
			}
		}
		if zeroed && (zeroedAt < start || zeroedAt > time.Now().Unix()) {
			t.Errorf("%s: zeroed_at = %d, not the time of ZeroStats", st.name, zeroedAt)
		}
	}
	if got, _ := s.Stats(ctx(t)); got[ZeroedAt] == 0 {
		t.Error("no zeroed_at after ZeroStats")
	}
}

func TestAddStatsBadName(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{})
	for _, name := range []string{"", "a b", "a\nb", "tab\t"} {
		if err := s.AddStats(ctx(t), Counters{name: 1}); err == nil {
			t.Errorf("AddStats(%q): no error", name)
		}
	}
}

// TestConcurrentAddStats: many goroutines on two stores add at once, and the
// sum is exact.
func TestConcurrentAddStats(t *testing.T) {
	t.Parallel()
	const goroutines, rounds = 32, 10
	dir := t.TempDir()
	stores := []*Store{openStore(t, dir, Options{}), openStore(t, dir, Options{})}
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				if err := stores[i%2].AddStats(ctx(t), Counters{"n": 1, "g" + strconv.Itoa(i%4): 2}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	got, err := stores[0].Stats(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got["n"] != goroutines*rounds {
		t.Errorf("n = %d, want %d", got["n"], goroutines*rounds)
	}
	for g := range 4 {
		if v := got["g"+strconv.Itoa(g)]; v != 2*rounds*goroutines/4 {
			t.Errorf("g%d = %d, want %d", g, v, 2*rounds*goroutines/4)
		}
	}
}

func TestCountersFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Counters // nil: malformed
	}{
		{"", Counters{}},
		{"a 1\nb -2\n", Counters{"a": 1, "b": -2}},
		{"a 1\na 2\n", Counters{"a": 3}},
		{"a 1", nil},
		{"a\n", nil},
		{"a x\n", nil},
		{" 1\n", nil},
		{"a 1 2\n", nil},
		{"a 99999999999999999999\n", nil},
		{"a 1\n\n\n", Counters{"a": 1}}, // padding
		{"\na 1\n", Counters{"a": 1}},
		{"a 1\n\n\nx", nil},
	}
	for _, tt := range tests {
		got, err := parseCounters([]byte(tt.in))
		if tt.want == nil {
			if err == nil {
				t.Errorf("parseCounters(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || len(got) != len(tt.want) {
			t.Errorf("parseCounters(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			continue
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("parseCounters(%q) = %v, want %v", tt.in, got, tt.want)
			}
		}
	}
	if got := string(formatCounters(Counters{"b": 2, "a": 1, "zero": 0})); got != "a 1\nb 2\n" {
		t.Errorf("formatCounters = %q", got)
	}
}

// TestRewriteCountersInPlace checks that a counter file is rewritten in
// place, padded rather than truncated when its content shrinks, and read
// back as written.
func TestRewriteCountersInPlace(t *testing.T) {
	t.Parallel()
	st := newStore(t, Options{})
	path := filepath.Join(t.TempDir(), "sub", "counters")
	steps := []struct {
		change func(Counters)
		want   Counters
		size   int
	}{
		{func(c Counters) { c["files"] = 12345 }, Counters{"files": 12345}, len("files 12345\n")},
		{func(c Counters) { c["bytes"] = 7 }, Counters{"bytes": 7, "files": 12345}, len("bytes 7\nfiles 12345\n")},
		{func(c Counters) { clear(c); c["files"] = 1 }, Counters{"files": 1}, len("bytes 7\nfiles 12345\n")},
	}
	for i, step := range steps {
		if err := st.rewriteCounters(path, step.change); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got, err := readCounters(path)
		if err != nil || !maps.Equal(got, step.want) {
			t.Errorf("step %d: read %v, %v; want %v", i, got, err, step.want)
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() != int64(step.size) {
			t.Errorf("step %d: size %v, %v; want %d", i, fi.Size(), err, step.size)
		}
	}
}
