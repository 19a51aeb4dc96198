package main

import "testing"

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
