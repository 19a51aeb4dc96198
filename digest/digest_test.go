package digest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFramingSeparatesFields(t *testing.T) {
	a, b := New(), New()
	a.Strings([]string{"-DA", "B"})
	b.Strings([]string{"-DAB"})
	if a.Result() == b.Result() {
		t.Error("field boundaries do not change the sum")
	}
}

func TestFileEqualsOf(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	data := make([]byte, 3<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	os.WriteFile(p, data, 0o666)
	s, err := File(p)
	if err != nil || s != Of(data) {
		t.Errorf("File = %v, %v; want Of(content)", s, err)
	}
	if _, err := File(p + ".missing"); err == nil {
		t.Error("File of a missing file succeeded")
	}
}

func TestParseRoundTrip(t *testing.T) {
	s := Of([]byte("x"))
	got, err := Parse(s.String())
	if err != nil || got != s {
		t.Errorf("Parse(String()) = %v, %v", got, err)
	}
	for _, bad := range []string{"", "zz", s.String()[:63] + "g"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}
