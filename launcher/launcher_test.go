package launcher

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestStripColor(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text\n", "plain text\n"},
		{"\x1b[01m\x1b[Kwarn.c:1:1:\x1b[m\x1b[K \x1b[01;35m\x1b[Kwarning: \x1b[m\x1b[Kx\n", "warn.c:1:1: warning: x\n"},
		{"\x1b[0;1;35mwarning:\x1b[0m", "warning:"},
		{"lone escape \x1b and \x1b[ unterminated", "lone escape \x1b and \x1b[ unterminated"},
		{"\x1b[2J is not colour", "\x1b[2J is not colour"},
	}
	for _, tt := range tests {
		if got := string(stripColor([]byte(tt.in))); got != tt.want {
			t.Errorf("stripColor(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTooNew(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	precise := compileStart{at: start}
	stamp := compileStart{at: start, fsClock: true}
	tests := []struct {
		name         string
		start        compileStart
		mtime, ctime time.Time
		want         bool
	}{
		{"old file", precise, start.Add(-time.Hour), start.Add(-time.Hour), false},
		{"written after start", precise, start.Add(-time.Hour), start.Add(time.Millisecond), true},
		{"mtime after start", precise, start.Add(time.Second), start.Add(-time.Hour), true},
		{"within the clock slack", precise, start.Add(-time.Hour), start.Add(-10 * time.Millisecond), true},
		{"coarse times in the same two seconds", precise, start.Add(-time.Hour).Truncate(time.Second), start.Truncate(time.Second), true},
		{"coarse times well before", precise, start.Add(-time.Hour).Truncate(time.Second), start.Add(-3 * time.Second).Truncate(time.Second), false},
		{"stamp: a tick before", stamp, start.Add(-4 * time.Millisecond), start.Add(-4 * time.Millisecond), false},
		{"stamp: the same tick", stamp, start, start, true},
		{"stamp: after", stamp, start.Add(time.Nanosecond), start.Add(-time.Hour), true},
		{"stamp: a coarser clock truncated below", stamp, start.Add(-time.Hour), start.Truncate(time.Microsecond), true},
		{"stamp: whole seconds in the same two", stamp, start.Add(-time.Hour).Truncate(time.Second), start.Truncate(time.Second), true},
	}
	for _, tt := range tests {
		st := &fileState{mtime: tt.mtime, ctime: tt.ctime}
		if got := st.tooNew(tt.start); got != tt.want {
			t.Errorf("%s: tooNew = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEnv(t *testing.T) {
	env := []string{"A=1", "B=2", "A=3"}
	if v, ok := lookupEnv(env, "A"); !ok || v != "3" {
		t.Errorf("lookupEnv A = %q, %v; want the last value 3", v, ok)
	}
	if _, ok := lookupEnv(env, "C"); ok {
		t.Error("lookupEnv found an unset variable")
	}
	got := setEnv(env, "A", "9")
	if v, _ := lookupEnv(got, "A"); v != "9" || len(got) != 2 {
		t.Errorf("setEnv = %q", got)
	}
}

func TestFindCompilerSkipsSelf(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks and exec bits")
	}
	dir := t.TempDir()
	self := filepath.Join(dir, "objcache")
	masq, real := filepath.Join(dir, "masq"), filepath.Join(dir, "real")
	for _, d := range []string{masq, real} {
		os.Mkdir(d, 0o777)
	}
	os.WriteFile(self, []byte("#!/bin/sh\n"), 0o755)
	os.Symlink(self, filepath.Join(masq, "gcc"))
	os.WriteFile(filepath.Join(real, "gcc"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(real, "notexec"), []byte(""), 0o644)

	path := masq + string(os.PathListSeparator) + real
	if got, err := findCompiler("gcc", path, dir, self); err != nil || got != filepath.Join(real, "gcc") {
		t.Errorf("findCompiler(gcc) = %q, %v; want the real gcc", got, err)
	}
	if _, err := findCompiler("gcc", masq, dir, self); err != errOnlySelf {
		t.Errorf("findCompiler with only objcache in PATH: err = %v, want errOnlySelf", err)
	}
	if _, err := findCompiler("notexec", path, dir, self); err == nil {
		t.Error("findCompiler found a file that is not executable")
	}
	if got, err := findCompiler("real/gcc", "", dir, self); err != nil || got != filepath.Join(real, "gcc") {
		t.Errorf("findCompiler(real/gcc) = %q, %v", got, err)
	}
}

func TestSkipSelf(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	dir := t.TempDir()
	self := filepath.Join(dir, "objcache")
	os.WriteFile(self, []byte("#!/bin/sh\n"), 0o755)
	os.Symlink(self, filepath.Join(dir, "gcc"))
	os.Symlink(self, filepath.Join(dir, "oc"))
	cases := []struct {
		name     string
		args     []string
		wantName string
		wantArgs []string
		ok       bool
	}{
		{"gcc", []string{"-c", "a.c"}, "gcc", []string{"-c", "a.c"}, true},
		{"objcache", []string{"gcc", "-c", "a.c"}, "gcc", []string{"-c", "a.c"}, true},
		{"objcache", []string{"objcache", "clang", "-c"}, "clang", []string{"-c"}, true},
		{self, []string{"gcc", "-c"}, "gcc", []string{"-c"}, true},
		{"/elsewhere/objcache.exe", []string{"cl", "/c"}, "cl", []string{"/c"}, true},
		// objcache by a path under a compiler's name: a masquerade, found in PATH past objcache.
		{filepath.Join(dir, "gcc"), []string{"-c"}, "gcc", []string{"-c"}, true},
		// objcache under a name that says nothing: it names the compiler next.
		{filepath.Join(dir, "oc"), []string{"gcc", "-c"}, "gcc", []string{"-c"}, true},
		{"./oc", []string{"g++"}, "g++", []string{}, true},
		{"objcache", nil, "", nil, false},
		{"objcache", []string{"objcache"}, "", nil, false},
	}
	for _, tc := range cases {
		name, args, ok := skipSelf(tc.name, tc.args, dir, self)
		if ok != tc.ok || (ok && (name != tc.wantName || strings.Join(args, " ") != strings.Join(tc.wantArgs, " "))) {
			t.Errorf("skipSelf(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.name, tc.args, name, args, ok, tc.wantName, tc.wantArgs, tc.ok)
		}
	}
}
