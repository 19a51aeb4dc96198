package manifest

import (
	"errors"
	"reflect"
	"testing"

	"github.com/objcache/objcache/digest"
)

func sum(s string) digest.Sum { return digest.Of([]byte(s)) }

func entry(obj string, paths ...string) Entry {
	e := Entry{Object: sum(obj)}
	for _, p := range paths {
		e.Includes = append(e.Includes, Include{Path: p, Size: int64(len(p)), Hash: sum("content of " + p)})
	}
	return e
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    Manifest
	}{
		{"empty", Manifest{Entries: []Entry{}}},
		{"one entry without includes", Manifest{Entries: []Entry{{Object: sum("a"), Includes: []Include{}}}}},
		{"shared paths", Manifest{Entries: []Entry{
			entry("a", "x.h", "/usr/include/stdio.h"),
			entry("b", "/usr/include/stdio.h", "y.h", "dir with space/z.h"),
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.m.Encode())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.m) {
				t.Errorf("round trip: got %+v, want %+v", *got, tt.m)
			}
		})
	}
}

func TestDecodeRejectsDamage(t *testing.T) {
	good := (&Manifest{Entries: []Entry{entry("a", "x.h"), entry("b", "y.h")}}).Encode()
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x40
		if _, err := Decode(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("flipped byte %d: err = %v, want ErrCorrupt", i, err)
		}
	}
	for n := 0; n < len(good); n++ {
		if _, err := Decode(good[:n]); !errors.Is(err, ErrCorrupt) {
			t.Errorf("truncated to %d: err = %v, want ErrCorrupt", n, err)
		}
	}
}

func TestAddOrdersCapsAndDedupes(t *testing.T) {
	var m Manifest
	for _, obj := range []string{"a", "b", "c"} {
		if dropped := m.Add(entry(obj, obj+".h"), 3); len(dropped) != 0 {
			t.Fatalf("add %s dropped %v", obj, dropped)
		}
	}
	dropped := m.Add(entry("d", "d.h"), 3)
	if want := []digest.Sum{sum("a")}; !reflect.DeepEqual(dropped, want) {
		t.Errorf("dropped = %v, want the oldest entry a", dropped)
	}
	m.Add(entry("c", "c2.h"), 3) // re-adding c moves it first, no duplicate
	var order []digest.Sum
	for _, e := range m.Entries {
		order = append(order, e.Object)
	}
	if want := []digest.Sum{sum("c"), sum("d"), sum("b")}; !reflect.DeepEqual(order, want) {
		t.Errorf("order = %v, want c d b", order)
	}
	if m.Entries[0].Includes[0].Path != "c2.h" {
		t.Errorf("re-added entry kept its old includes")
	}
}

func TestLookupTakesFirstFullMatch(t *testing.T) {
	m := Manifest{Entries: []Entry{entry("new", "a.h", "b.h"), entry("old", "a.h", "c.h")}}
	present := map[string]bool{"a.h": true, "c.h": true}
	e, ok := m.Lookup(func(inc Include) bool { return present[inc.Path] })
	if !ok || e.Object != sum("old") {
		t.Fatalf("Lookup = %v, %v; want the entry for old", e.Object, ok)
	}
	present["b.h"] = true
	if e, _ := m.Lookup(func(inc Include) bool { return present[inc.Path] }); e.Object != sum("new") {
		t.Errorf("Lookup did not prefer the first matching entry")
	}
	if _, ok := m.Lookup(func(Include) bool { return false }); ok {
		t.Errorf("Lookup matched with no include matching")
	}
}

func TestRemove(t *testing.T) {
	m := Manifest{Entries: []Entry{entry("a"), entry("b"), entry("c")}}
	if !m.Remove(map[digest.Sum]bool{sum("b"): true}) {
		t.Fatal("Remove reported no change")
	}
	if len(m.Entries) != 2 || m.Entries[0].Object != sum("a") || m.Entries[1].Object != sum("c") {
		t.Errorf("after Remove: %+v", m.Entries)
	}
	if m.Remove(map[digest.Sum]bool{sum("zz"): true}) {
		t.Errorf("Remove of an absent object reported a change")
	}
}

func TestKeysSeparateFields(t *testing.T) {
	base := KeyInputs{Family: "gcc", Args: []string{"-DA", "B"}, Source: "f.c"}
	joined := base
	joined.Args = []string{"-DAB"}
	if base.Key() == joined.Key() {
		t.Error("argument boundaries do not change the key")
	}
	moved := base
	moved.Source, moved.Args = "B", []string{"-DA", "f.c"}
	if base.Key() == moved.Key() {
		t.Error("moving text between fields does not change the key")
	}
	inc := []Include{{Path: "a.h", Hash: sum("1")}}
	inc2 := []Include{{Path: "a.h", Hash: sum("2")}}
	if ObjectKey(base.Key(), inc) == ObjectKey(base.Key(), inc2) {
		t.Error("include content does not change the object key")
	}
}

func TestAddTo(t *testing.T) {
	two := &Manifest{}
	two.Add(entry("a", "x.h"), 32)
	two.Add(entry("b", "y.h"), 32)
	tests := []struct {
		name        string
		current     []byte
		limit       int
		wantObjects []string
		wantDropped int
	}{
		{"no manifest", nil, 32, []string{"c"}, 0},
		{"unreadable manifest", []byte("garbage"), 32, []string{"c"}, 0},
		{"existing manifest", two.Encode(), 32, []string{"c", "b", "a"}, 0},
		{"over the limit", two.Encode(), 2, []string{"c", "b"}, 1},
	}
	for _, tt := range tests {
		m, dropped := AddTo(tt.current, entry("c", "z.h"), tt.limit)
		if len(m.Entries) != len(tt.wantObjects) || len(dropped) != tt.wantDropped {
			t.Errorf("%s: %d entries, %d dropped; want %d, %d", tt.name, len(m.Entries), len(dropped), len(tt.wantObjects), tt.wantDropped)
			continue
		}
		for i, o := range tt.wantObjects {
			if m.Entries[i].Object != sum(o) {
				t.Errorf("%s: entry %d is not %s", tt.name, i, o)
			}
		}
	}
}
