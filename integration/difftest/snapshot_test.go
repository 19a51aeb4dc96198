package difftest

import (
	"crypto/sha256"
	"testing"
	"time"
)

func TestCompareTrees(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	file := func(data string, mtime time.Time) Entry {
		return Entry{Type: 'f', Perm: 0o644, Nlink: 1, Data: []byte(data), Mtime: mtime}
	}
	old, fresh := t0.Add(-time.Minute), t0.Add(time.Millisecond)
	coff := func(stamp byte) string {
		return string([]byte{0x64, 0x86, 1, 0, stamp, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'x'})
	}
	cases := []struct {
		name     string
		a, b     map[string]Entry
		opts     compareOptions
		wantKind string
	}{
		{"same", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": file("x", fresh)}, compareOptions{}, ""},
		{"missing", map[string]Entry{}, map[string]Entry{"a.o": file("x", fresh)}, compareOptions{}, "missing-file"},
		{"extra", map[string]Entry{"a.o": file("x", fresh), "b": file("", fresh)}, map[string]Entry{"a.o": file("x", fresh)}, compareOptions{}, "extra-file"},
		{"temporary", map[string]Entry{".a.o.objcache-1-2.o": file("", fresh)}, map[string]Entry{}, compareOptions{}, "stray-temporary"},
		{"type", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": {Type: 'c', Perm: 0o666, Rdev: 0x103}}, compareOptions{}, "file-type"},
		{"mode", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": {Type: 'f', Perm: 0o755, Nlink: 1, Data: []byte("x")}}, compareOptions{}, "file-mode"},
		{"link target", map[string]Entry{"a.o": {Type: 'l', Target: "x"}}, map[string]Entry{"a.o": {Type: 'l', Target: "y"}}, compareOptions{}, "link-target"},
		{"hard link", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": {Type: 'f', Perm: 0o644, Nlink: 2, Data: []byte("x")}}, compareOptions{}, "hard-link"},
		{"content", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": file("y", fresh)}, compareOptions{}, "content"},
		{"stale", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": file("y", fresh)},
			compareOptions{history: map[string][]historyEntry{"a.o": {{step: 0, sum: sha256.Sum256([]byte("x"))}}}}, "stale-output"},
		{"no content compare", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": file("y", fresh)}, compareOptions{noContent: true}, ""},
		{"not rewritten", map[string]Entry{"a.o": file("x", old)}, map[string]Entry{"a.o": file("x", fresh)}, compareOptions{startA: t0, startB: t0}, "not-rewritten"},
		{"rewritten", map[string]Entry{"a.o": file("x", fresh)}, map[string]Entry{"a.o": file("x", old)}, compareOptions{startA: t0, startB: t0}, "rewritten"},
		{"COFF time stamp ignored", map[string]Entry{"a.obj": file(coff(1), fresh)}, map[string]Entry{"a.obj": file(coff(2), fresh)}, compareOptions{coff: true}, ""},
		{"COFF time stamp seen without coff", map[string]Entry{"a.obj": file(coff(1), fresh)}, map[string]Entry{"a.obj": file(coff(2), fresh)}, compareOptions{}, "content"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := compareTrees(&Snapshot{Files: tc.a}, &Snapshot{Files: tc.b}, tc.opts)
			switch {
			case tc.wantKind == "" && f != nil:
				t.Errorf("difference %s: %s", f.Kind, f.Detail)
			case tc.wantKind != "" && (f == nil || f.Kind != tc.wantKind):
				t.Errorf("got %v, want %s", f, tc.wantKind)
			}
		})
	}
	// FIFO data.
	a := &Snapshot{Files: map[string]Entry{}, FIFO: map[string][]byte{"p": []byte("x")}}
	b := &Snapshot{Files: map[string]Entry{}, FIFO: map[string][]byte{"p": []byte("y")}}
	if f := compareTrees(a, b, compareOptions{}); f == nil || f.Kind != "fifo-data" {
		t.Errorf("FIFO data: got %v", f)
	}
	// Compiles in two seconds: the bytes may differ, not whether any came.
	if f := compareTrees(a, b, compareOptions{noContent: true}); f != nil {
		t.Errorf("FIFO data without content: got %v", f)
	}
	b.FIFO["p"] = nil
	if f := compareTrees(a, b, compareOptions{noContent: true}); f == nil || f.Kind != "fifo-data" {
		t.Errorf("FIFO data without content, one empty: got %v", f)
	}
}

func TestCauseOf(t *testing.T) {
	cases := []struct {
		note string
		want string
	}{
		{"edit inc/a/cfg.h", "edit header"},
		{"create inc/b/cfg.h", "create header"},
		{"touch src/main.c", "touch source"},
		{"edit data/blob.bin", "edit blob"},
		{"edit the response file", "edit response file"},
		{"make out/a.o a FIFO", "output made a FIFO"},
		{"make a.o a symlink to real/a.o", "output made a symlink"},
		{"chmod 755 a.d", "output's mode changed"},
		{"remove the precompiled header", "remove precompiled header"},
		{"create the directory inc/b with cfg.h", "include directory appeared"},
	}
	for _, tc := range cases {
		steps := []Step{{Kind: StepCompile}, {Kind: StepTree, Note: tc.note}, {Kind: StepCompile}}
		if got := causeOf(steps, 2); got != tc.want {
			t.Errorf("causeOf(%q) = %q, want %q", tc.note, got, tc.want)
		}
	}
	if got := causeOf([]Step{{Kind: StepCompile}, {Kind: StepCompile}}, 1); got != "" {
		t.Errorf("a repeated compile: cause %q", got)
	}
	if got := causeOf([]Step{{Kind: StepCompile}, {Kind: StepEnv, Env: []EnvVar{{"CPATH", ""}}}, {Kind: StepCompile}}, 2); got != "unset CPATH" {
		t.Errorf("unset: cause %q", got)
	}
}

func TestLineShape(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"w\nx\n", "w\n", "-extra"},
		{"w\n", "u\nw\n", "-missing"},
		{"x\nw\n", "w\nx\n", "-order"},
		{"a.c:1: warning: /tmp/.a.o.objcache-1.gcda\n", "a.c:1: warning: /tmp/a.gcda\n", "-changed"},
	}
	for _, tc := range cases {
		if got := lineShape([]byte(tc.a), []byte(tc.b)); got != tc.want {
			t.Errorf("lineShape(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}
