package main

import (
	"strings"
	"testing"
)

func TestProgramName(t *testing.T) {
	tests := map[string]string{
		"/usr/local/bin/objcache":   "objcache",
		"gcc":                       "gcc",
		`C:\tools\objcache\cl.exe`:  "cl",
		"/home/u/masq/clang++-14":   "clang++-14",
		`C:\tools\OBJCACHE.EXE`:     "OBJCACHE",
		"./x86_64-linux-gnu-gcc-12": "x86_64-linux-gnu-gcc-12",
	}
	for in, want := range tests {
		if got := programName(in); got != want {
			t.Errorf("programName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExecuteWithoutManage: without objcache-manage beside objcache or in
// PATH, a management command says what to install, on one line, and exits 2.
func TestExecuteWithoutManage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stderr strings.Builder
	if code := execute([]string{"stats", "--json"}, &stderr); code != 2 || !strings.Contains(stderr.String(), "cannot run stats: objcache-manage not found") || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want 2 and one line naming objcache-manage", code, stderr.String())
	}
}
