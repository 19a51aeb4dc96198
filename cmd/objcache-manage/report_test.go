package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
)

func TestHumanBytes(t *testing.T) {
	tests := map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 5 << 30: "5.0 GiB", 1536 << 20: "1.5 GiB"}
	for in, want := range tests {
		if got := humanBytes(in); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestReport(t *testing.T) {
	cfg := &config.Config{Dir: "/c", MaxSize: 1 << 30}
	r := newReport(cfg, cache.Counters{
		"direct_hit": 3, "miss": 1, "uncacheable.linking": 2, "error.lock-timeout": 1,
		"not_stored.compile-failed": 1, "stored": 1, "corrupt_entry": 4,
	}, cache.SectionUsage{Bytes: 1 << 20, Files: 7})
	if r.HitRate != 0.75 || r.Uncacheable["linking"] != 2 || r.Errors["lock-timeout"] != 1 || r.NotStored["compile-failed"] != 1 {
		t.Errorf("report: %+v", r)
	}
	var b bytes.Buffer
	r.print(&b)
	for _, want := range []string{"Hits                               3 / 4 (75.00 %)", "  linking", "Corrupt entries removed            4", "1.0 MiB / 1.0 GiB (0.1 %)", "Files                              7"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("stats output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSubjectsStayOnOneLine(t *testing.T) {
	tests := []struct{ subject, text, markdown string }{
		{"lundump.h", "lundump.h", "`lundump.h`"},
		{"-DY=l1\nl2 added", `"-DY=l1\nl2 added"`, "`\"-DY=l1\\nl2 added\"`"},
		{"-DX=a`b added", "-DX=a`b added", "`` -DX=a`b added ``"},
		{"-DP=a|b added", "-DP=a|b added", "`-DP=a\\|b added`"},
	}
	for _, tt := range tests {
		if got := printable(tt.subject); got != tt.text {
			t.Errorf("printable(%q) = %q, want %q", tt.subject, got, tt.text)
		}
		if got := codeSpan(printable(tt.subject)); got != tt.markdown {
			t.Errorf("codeSpan(%q) = %q, want %q", tt.subject, got, tt.markdown)
		}
	}
}
