package compiler

import "bytes"

// guardsHeading opens the block gcc prints after a -H listing for headers
// without include guards; the lines after it are paths already listed.
var guardsHeading = []byte("Multiple include guards may be useful for:")

// SplitIncludeList separates the -H include listing from a compiler's stderr:
// it returns the headers listed (in order, duplicates left out) and stderr
// without the listing (and without gcc's "Multiple include guards may be
// useful for:" block), byte-identical to what the compiler prints without -H.
func SplitIncludeList(stderr []byte) (headers []string, rest []byte) {
	seen := map[string]bool{}
	rest = make([]byte, 0, len(stderr))
	inGuards := false
	for len(stderr) > 0 {
		line := stderr
		if i := bytes.IndexByte(stderr, '\n'); i >= 0 {
			line = stderr[:i+1]
		}
		stderr = stderr[len(line):]
		text := bytes.TrimRight(line, "\r\n")
		if path, ok := listedPath(text); ok {
			if p := string(path); !seen[p] {
				seen[p] = true
				headers = append(headers, p)
			}
			continue
		}
		if bytes.Equal(text, guardsHeading) {
			inGuards = true
			continue
		}
		if inGuards && seen[string(text)] {
			continue
		}
		inGuards = false
		rest = append(rest, line...)
	}
	return headers, rest
}
