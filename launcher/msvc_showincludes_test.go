package launcher

import (
	"reflect"
	"testing"
)

func TestProbePrefix(t *testing.T) {
	tests := []struct{ stdout, want string }{
		{"probe.c\r\nNote: including file: C:\\tmp\\probe-1\\objcache-probe-header.h\r\n", "Note: including file:"},
		{"Remarque : inclusion du fichier :  C:\\Users\\x\\AppData\\objcache-probe-header.h\r\n", "Remarque : inclusion du fichier :"},
		{"Hinweis: Einlesen der Datei: /tmp/p/objcache-probe-header.h\n", "Hinweis: Einlesen der Datei:"},
		{"Note: including file: C:\\Users\\John Smith\\tmp\\objcache-probe-header.h\r\n", "Note: including file:"},
		{"Note: including file: ./objcache-probe-header.h\n", "Note: including file:"},
		{"probe.c\r\n", ""},
	}
	for _, tt := range tests {
		if got := probePrefix([]byte(tt.stdout), probeHeader); got != tt.want {
			t.Errorf("probePrefix(%q) = %q, want %q", tt.stdout, got, tt.want)
		}
	}
}

func TestSplitShowIncludes(t *testing.T) {
	stdout := "foo.cpp\r\n" +
		"Remarque : inclusion du fichier :  C:\\inc\\a.h\r\n" +
		"Remarque : inclusion du fichier :   C:\\inc\\nested b.h\r\n" +
		"foo.cpp(3): warning C4101: 'x' : variable locale non référencée\r\n"
	includes, rest := splitShowIncludes([]byte(stdout), "Remarque : inclusion du fichier :")
	if want := []string{`C:\inc\a.h`, `C:\inc\nested b.h`}; !reflect.DeepEqual(includes, want) {
		t.Errorf("includes = %q, want %q", includes, want)
	}
	if want := "foo.cpp\r\nfoo.cpp(3): warning C4101: 'x' : variable locale non référencée\r\n"; string(rest) != want {
		t.Errorf("rest = %q, want %q", rest, want)
	}
}
