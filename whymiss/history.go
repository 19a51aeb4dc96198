package whymiss

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/objcache/objcache/digest"
)

// HistoryLimit is how many stored compiles a source's history keeps, the
// latest first: enough to tell "this exact compile was evicted" from
// "something changed" across a few configurations and edits, small
// enough (about 2 KB) to rewrite on each miss.
const HistoryLimit = 16

// historyHeader starts every history file; another header reads as none.
const historyHeader = "objcache history 1"

// SourceID is the key a source's history is kept under: the compiler
// family, the working directory's place (basedir.Mapper.Place, so that
// two checkouts share it) and the source as the compiler sees it.
func SourceID(family, place, source string) digest.Sum {
	h := digest.New()
	h.String("objcache source history")
	h.String(family)
	h.String(place)
	h.String(source)
	return h.Result()
}

// Stored is one compile a history remembers: its manifest key, the object
// it stored and when.
type Stored struct {
	ManifestKey digest.Sum
	Object      digest.Sum
	Time        time.Time
}

// History is a source's stored compiles, the latest first.
type History []Stored

// DecodeHistory reads a history; damaged or foreign data reads as an
// empty history (it is a diagnostic: the next miss writes it anew).
func DecodeHistory(data []byte) History {
	sc := bufio.NewScanner(bytes.NewReader(data))
	if !sc.Scan() || sc.Text() != historyHeader {
		return nil
	}
	var h History
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			return nil
		}
		mkey, err1 := digest.Parse(f[0])
		okey, err2 := digest.Parse(f[1])
		t, err3 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return nil
		}
		h = append(h, Stored{mkey, okey, time.Unix(0, t)})
	}
	return h
}

// Encode returns the history's file.
func (h History) Encode() []byte {
	var b bytes.Buffer
	b.WriteString(historyHeader + "\n")
	for _, s := range h {
		fmt.Fprintf(&b, "%s %s %d\n", s.ManifestKey, s.Object, s.Time.UnixNano())
	}
	return b.Bytes()
}

// With returns h with s first, an older record of the same object
// dropped, cut to HistoryLimit.
func (h History) With(s Stored) History {
	out := History{s}
	for _, old := range h {
		if old.Object != s.Object && len(out) < HistoryLimit {
			out = append(out, old)
		}
	}
	return out
}

// Knows reports whether h holds the manifest key mkey, and when it was
// last stored.
func (h History) Knows(mkey digest.Sum) (time.Time, bool) {
	for _, s := range h {
		if s.ManifestKey == mkey {
			return s.Time, true
		}
	}
	return time.Time{}, false
}

// HasObject reports whether h holds the object okey, and when it was
// stored.
func (h History) HasObject(okey digest.Sum) (time.Time, bool) {
	for _, s := range h {
		if s.Object == okey {
			return s.Time, true
		}
	}
	return time.Time{}, false
}

// Keys returns the distinct manifest keys of h, the latest first.
func (h History) Keys() []digest.Sum {
	var keys []digest.Sum
	seen := map[digest.Sum]bool{}
	for _, s := range h {
		if !seen[s.ManifestKey] {
			seen[s.ManifestKey] = true
			keys = append(keys, s.ManifestKey)
		}
	}
	return keys
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
