package launcher

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/objcache/objcache/compiler"
)

func TestLinkTarget(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "d", "inner"), 0o777))
	must(os.Symlink("d/inner", filepath.Join(dir, "lnk")))
	must(os.Symlink("lnk/../target", filepath.Join(dir, "through-dotdot")))
	must(os.Symlink("sub/hop", filepath.Join(dir, "chain")))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o777))
	must(os.Symlink("../real", filepath.Join(dir, "sub", "hop")))
	must(os.Symlink("loop2", filepath.Join(dir, "loop1")))
	must(os.Symlink("loop1", filepath.Join(dir, "loop2")))
	tests := []struct {
		path string
		want string // the file the kernel creates when it opens path (O_CREAT)
		loop bool
	}{
		{"plain", "plain", false},
		{"chain", "real", false},
		{"through-dotdot", "d/target", false},
		{"loop1", "", true},
	}
	for _, tt := range tests {
		got, err := linkTarget(filepath.Join(dir, tt.path))
		if tt.loop {
			if err == nil {
				t.Errorf("linkTarget(%s) = %q, want an error", tt.path, got)
			}
			continue
		}
		if err != nil {
			t.Fatalf("linkTarget(%s): %v", tt.path, err)
		}
		// Creating through the result and through the path must make the
		// same file.
		must(os.WriteFile(got, []byte("x"), 0o666))
		a, err1 := os.Stat(filepath.Join(dir, tt.path))
		b, err2 := os.Stat(filepath.Join(dir, tt.want))
		if err1 != nil || err2 != nil || !os.SameFile(a, b) {
			t.Errorf("linkTarget(%s) = %q, which is not %s (%v, %v)", tt.path, got, tt.want, err1, err2)
		}
		os.Remove(got)
	}
}

// TestPlanOutput checks the plans for what an output path can name, for
// each way a compiler opens its output.
func TestPlanOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	type want struct {
		dest   string // relative to the directory
		into   bool
		keep   bool // the replacement keeps the old file's mode
		reason string
	}
	setups := map[string]func(dir string){
		"missing":    func(string) {},
		"full file":  func(dir string) { os.WriteFile(filepath.Join(dir, "out"), []byte("old"), 0o600) },
		"empty file": func(dir string) { os.WriteFile(filepath.Join(dir, "out"), nil, 0o600) },
		"link to full file": func(dir string) {
			os.WriteFile(filepath.Join(dir, "real"), []byte("old"), 0o600)
			os.Symlink("real", filepath.Join(dir, "out"))
		},
		"dangling link": func(dir string) { os.Symlink("real", filepath.Join(dir, "out")) },
		"directory":     func(dir string) { os.Mkdir(filepath.Join(dir, "out"), 0o777) },
		"missing dir":   func(string) {},
	}
	tests := []struct {
		setup  string
		writer compiler.Writer
		want   want
	}{
		{"missing", compiler.WriteThrough, want{dest: "out"}},
		{"full file", compiler.WriteThrough, want{dest: "out", keep: true}},
		{"full file", compiler.WriteUnlinkNonEmpty, want{dest: "out"}},
		{"empty file", compiler.WriteUnlinkNonEmpty, want{dest: "out", keep: true}},
		{"full file", compiler.WriteReplace, want{dest: "out"}},
		{"link to full file", compiler.WriteThrough, want{dest: "real", keep: true}},
		{"link to full file", compiler.WriteUnlinkNonEmpty, want{dest: "out"}},
		{"link to full file", compiler.WriteReplace, want{dest: "out"}},
		{"dangling link", compiler.WriteThrough, want{dest: "real"}},
		{"dangling link", compiler.WriteUnlinkNonEmpty, want{dest: "real"}},
		{"dangling link", compiler.WriteReplace, want{dest: "out"}},
		{"directory", compiler.WriteReplace, want{reason: outcomeUnwritableOutput}},
		{"missing dir", compiler.WriteThrough, want{reason: outcomeUnwritableOutput}},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		setups[tt.setup](dir)
		path := filepath.Join(dir, "out")
		if tt.setup == "missing dir" {
			path = filepath.Join(dir, "nodir", "out")
		}
		p, err := planOutput(path, tt.writer, 0o022)
		name := tt.setup + "/" + []string{"through", "unlink-non-empty", "replace"}[tt.writer]
		if tt.want.reason != "" {
			if err == nil || unplaceableOutcome(err) != tt.want.reason {
				t.Errorf("%s: plan %+v, error %v; want reason %s", name, p, err, tt.want.reason)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		wantPerm := os.FileMode(0o644)
		if tt.want.keep {
			wantPerm = 0o600
		}
		if p.dest != filepath.Join(dir, tt.want.dest) || p.into != tt.want.into || p.perm != wantPerm {
			t.Errorf("%s: dest %s into %v perm %v; want dest %s into %v perm %v", name, p.dest, p.into, p.perm, tt.want.dest, tt.want.into, wantPerm)
		}
	}
}

func TestWrittenSince(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	tests := []struct {
		name  string
		mtime time.Time
		want  bool
	}{
		{"written during the compile", start.Add(time.Second), true},
		{"within the clock slack", start.Add(-10 * time.Millisecond), true},
		{"older: another build's object renamed over it", start.Add(-time.Minute), false},
	}
	for _, tt := range tests {
		w := written{ok: true, st: statEntry{mtime: tt.mtime.UnixNano(), ctime: start.Add(time.Second).UnixNano()}}
		if got := w.writtenSince(start); got != tt.want {
			t.Errorf("%s: writtenSince = %v, want %v", tt.name, got, tt.want)
		}
	}
}
