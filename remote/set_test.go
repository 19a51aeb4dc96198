package remote

import (
	"fmt"
	"testing"
)

func specs(t *testing.T, urls ...string) []Spec {
	t.Helper()
	var list []Spec
	for _, u := range urls {
		s, err := ParseSpec(u)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, s)
	}
	return list
}

// TestRendezvousSharding: keys spread over the remotes, each key always on
// the same one, and removing a remote moves only its keys.
func TestRendezvousSharding(t *testing.T) {
	a, b, c := "http://a.example:8080", "http://b.example:8080", "redis://c.example"
	three := NewSet(specs(t, a, b, c), "", t.Logf)
	owner := map[string]string{}
	count := map[string]int{}
	for i := range 300 {
		k := fmt.Sprintf("key%d", i)
		m := three.shard(k)
		owner[k] = m.spec.URL.String()
		count[owner[k]]++
		if three.shard(k) != m {
			t.Fatal("shard is not stable")
		}
	}
	for _, u := range []string{a, b, c} {
		if n := count[u]; n < 60 {
			t.Errorf("%s holds %d of 300 keys", u, n)
		}
	}
	two := NewSet(specs(t, a, b), "", t.Logf)
	for k, o := range owner {
		if o != c && two.shard(k).spec.URL.String() != o {
			t.Errorf("key %s moved from %s though its remote stayed", k, o)
		}
	}
}
