package whymiss

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

func TestDiff(t *testing.T) {
	base := func() *manifest.KeyInputs {
		return &manifest.KeyInputs{
			CompilerID: digest.Of([]byte("gcc")), Family: "gcc/gcc",
			Args: []string{"-O2", "-Iinc", "-c"}, Env: []string{"CPATH=/a"},
			Source: "a.c", SourceHash: digest.Of([]byte("a")),
			Inputs: []manifest.FileHash{{Path: "p.gcda", Hash: digest.Of([]byte("p"))}},
			Extra:  []string{"include dirs d"},
		}
	}
	tests := []struct {
		name   string
		change func(in *manifest.KeyInputs)
		want   []string // Cause: Text of each change
	}{
		{"same", func(*manifest.KeyInputs) {}, nil},
		{"define added", func(in *manifest.KeyInputs) { in.Args = append(in.Args, "-DNDEBUG") }, []string{"args-changed: -DNDEBUG added"}},
		{"option removed", func(in *manifest.KeyInputs) { in.Args = in.Args[1:] }, []string{"args-changed: -O2 removed"}},
		{"order", func(in *manifest.KeyInputs) { in.Args = []string{"-Iinc", "-O2", "-c"} }, []string{"args-changed: argument order changed"}},
		{"compiler first", func(in *manifest.KeyInputs) {
			in.CompilerID = digest.Of([]byte("gcc-13"))
			in.Args = append(in.Args, "-g")
		}, []string{"compiler-changed: compiler identity changed (was ", "args-changed: -g added"}},
		{"env set and unset", func(in *manifest.KeyInputs) { in.Env = []string{"C_INCLUDE_PATH=/b"} },
			[]string{`env-changed: C_INCLUDE_PATH set to "/b"`, `env-changed: CPATH unset (was "/a")`}},
		{"env changed", func(in *manifest.KeyInputs) { in.Env = []string{"CPATH=/b"} }, []string{`env-changed: CPATH changed (was "/a", now "/b")`}},
		{"source", func(in *manifest.KeyInputs) { in.SourceHash = digest.Of([]byte("b")) }, []string{"source-changed: a.c: content changed (was "}},
		{"input", func(in *manifest.KeyInputs) { in.Inputs[0].Hash = digest.Of([]byte("q")) }, []string{"input-changed: p.gcda: content changed"}},
		{"extra", func(in *manifest.KeyInputs) { in.Extra = []string{"include dirs -"} }, []string{"other-changed: include dirs - added", "other-changed: include dirs d removed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := base()
			tt.change(now)
			got := Diff(base(), now)
			if len(got) != len(tt.want) {
				t.Fatalf("Diff = %v, want %d changes %q", got, len(tt.want), tt.want)
			}
			for i, c := range got {
				if line := c.Cause + ": " + c.Text; !strings.HasPrefix(line, tt.want[i]) {
					t.Errorf("change %d = %q, want it to start with %q", i, line, tt.want[i])
				}
			}
		})
	}
}

func TestKeyRecordRoundTrip(t *testing.T) {
	in := &manifest.KeyInputs{
		CompilerID: digest.Of([]byte("c")), Family: "msvc/clang", Args: []string{"/O2"}, Env: []string{"INCLUDE=x"},
		Source: `src\a.c`, SourceHash: digest.Of([]byte("s")), Dir: "/w", Output: "a.obj",
		Inputs: []manifest.FileHash{{Path: "x", Hash: digest.Of([]byte("x"))}}, Extra: []string{"e"},
	}
	stored := time.Unix(1700000000, 5)
	rec, err := DecodeKeyRecord(EncodeKeyRecord(in, stored))
	if err != nil || !reflect.DeepEqual(&rec.Inputs, in) || !rec.Stored.Equal(stored) || rec.Inputs.Key() != in.Key() {
		t.Errorf("round trip: %+v, %v; want %+v", rec, err, in)
	}
	for _, bad := range []string{"", "{", `{"v":2}`, `{"v":1,"compiler":"zz"}`} {
		if _, err := DecodeKeyRecord([]byte(bad)); err == nil {
			t.Errorf("DecodeKeyRecord(%q) succeeded", bad)
		}
	}
}

func TestHistory(t *testing.T) {
	key := func(s string) digest.Sum { return digest.Of([]byte(s)) }
	var h History
	for i := range HistoryLimit + 3 {
		h = h.With(Stored{ManifestKey: key("m"), Object: key(string(rune('a' + i))), Time: time.Unix(int64(i), 0)})
	}
	h = h.With(Stored{ManifestKey: key("m2"), Object: key("c"), Time: time.Unix(100, 0)})
	if len(h) != HistoryLimit || h[0].Object != key("c") {
		t.Fatalf("history of %d, first %v; want %d, the latest first", len(h), h[0], HistoryLimit)
	}
	back := DecodeHistory(h.Encode())
	if !reflect.DeepEqual(back, h) {
		t.Errorf("round trip:\n%v\nwant\n%v", back, h)
	}
	if _, ok := back.Knows(key("m2")); !ok {
		t.Error("Knows(m2) = false")
	}
	if _, ok := back.HasObject(key("a")); ok {
		t.Error("the oldest object was kept past the limit")
	}
	if keys := back.Keys(); len(keys) != 2 || keys[0] != key("m2") {
		t.Errorf("Keys = %v", keys)
	}
	for _, bad := range []string{"", "objcache history 2\n", historyHeader + "\nx y z\n"} {
		if DecodeHistory([]byte(bad)) != nil {
			t.Errorf("DecodeHistory(%q) is not empty", bad)
		}
	}
}

func TestCauseText(t *testing.T) {
	c := FromChanges([]Change{{Cause: ArgsChanged, Subject: "-DX added", Text: "-DX added"}, {Cause: OtherChanged, Text: "y"}})
	if c.Name != ArgsChanged || c.Subject != "-DX added" || c.Text() != "args-changed: -DX added (and 1 more change)" {
		t.Errorf("cause %+v, text %q", c, c.Text())
	}
	if c := FromChanges(nil); c.Name != OtherChanged {
		t.Errorf("no changes: %+v", c)
	}
}
