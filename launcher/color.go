package launcher

import "bytes"

// colorKind is the Output kind of an entry whose stderr was produced with
// colour requested by objcache (not by the user): its escape sequences are
// removed when the user's stderr is not a terminal.
const colorKind = "stderr-color"

// stripColor removes the ANSI escape sequences compilers use for colour
// (CSI … m and CSI … K), leaving the bytes a compiler prints without colour.
func stripColor(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '[' {
			j := i + 2
			for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == ';') {
				j++
			}
			if j < len(b) && (b[j] == 'm' || b[j] == 'K') {
				i = j
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

// urlsKind is the Output kind of an entry whose stderr was produced with
// hyperlinks requested by objcache (urlsFlag, not the user's): gcc's OSC 8
// sequences are removed when this call's user would not see them
// (stripCompilerURLs).
const urlsKind = "stderr-urls"

// urlsFlag asks gcc (10 and later) for hyperlinks whatever its stderr is;
// the form, or none, still follows GCC_URLS and TERM_URLS, which the
// compile inherits and the key hashes (compiler.HashedEnv).
const urlsFlag = "-fdiagnostics-urls=always"

// stripCompilerURLs removes gcc's hyperlinks from b: an OSC 8 start (ESC ]
// 8 ; ; URL, ended by ESC \ or by BEL), the linked text, and the OSC 8 end
// (ESC ] 8 ; ; with the same terminator), on one line, leaving the text
// (pretty-print.cc pp_begin_url, pp_end_url). Only such whole pairs are
// removed: escape bytes of the user's own that a diagnostic quotes
// (#warning text) stay as the compiler alone prints them.
func stripCompilerURLs(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if text, n := oscLink(b[i:]); n > 0 {
			out = append(out, text...)
			i += n
			continue
		}
		out = append(out, b[i])
		i++
	}
	return out
}

// oscLink matches one of gcc's hyperlinks at the start of b, returning the
// linked text and the length of the whole link (0 when there is none).
func oscLink(b []byte) (text []byte, n int) {
	const open = "\x1b]8;;"
	if !bytes.HasPrefix(b, []byte(open)) {
		return nil, 0
	}
	url := len(open)
	j := url
	for j < len(b) && b[j] > ' ' && b[j] < 0x7f {
		j++
	}
	if j == url || j >= len(b) {
		return nil, 0
	}
	var term string
	switch {
	case b[j] == '\a':
		term = "\a"
	case bytes.HasPrefix(b[j:], []byte("\x1b\\")):
		term = "\x1b\\"
	default:
		return nil, 0
	}
	rest := b[j+len(term):]
	if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[:nl]
	}
	end := bytes.Index(rest, []byte(open+term))
	if end < 0 || bytes.Contains(rest[:end], []byte("\x1b]")) {
		return nil, 0
	}
	return rest[:end], j + len(term) + end + len(open) + len(term)
}
