package launcher

import (
	"bytes"

	"github.com/objcache/objcache/compiler"
)

// stripCompilerColor removes from b the escape sequences that the
// compiler of flavor emits when it colours its diagnostics, and only
// those: a diagnostic may quote the user's own text (#warning, a string in
// the source) with escape bytes of its own, which the compiler alone
// prints as they are.
//
//   - gcc ends every colour change with "erase in line": ESC [ params m
//     ESC [ K, the pair and nothing else (diagnostic-color.cc).
//   - clang (LLVM's Process::OutputColor, OutputBold, ResetColor) emits
//     ESC[0;3Xm, ESC[0;1;3Xm (and 4X for backgrounds), ESC[1m, ESC[7m and
//     ESC[0m.
//
// Any other flavor gets stripColor's wider rule.
func stripCompilerColor(b []byte, flavor compiler.Flavor) []byte {
	var seq func([]byte) int
	switch flavor {
	case compiler.FlavorGCC:
		seq = gccColorSeq
	case compiler.FlavorClang:
		seq = llvmColorSeq
	default:
		return stripColor(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == 0x1b {
			if n := seq(b[i:]); n > 0 {
				i += n - 1
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

// sgrLen returns the length of the SGR sequence ESC [ digits-and-; m at
// the start of b, 0 if there is none.
func sgrLen(b []byte) int {
	if len(b) < 3 || b[0] != 0x1b || b[1] != '[' {
		return 0
	}
	j := 2
	for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == ';') {
		j++
	}
	if j < len(b) && b[j] == 'm' {
		return j + 1
	}
	return 0
}

// gccColorSeq returns the length of gcc's colour sequence (an SGR and ESC
// [ K) at the start of b, 0 if there is none.
func gccColorSeq(b []byte) int {
	n := sgrLen(b)
	if n > 0 && bytes.HasPrefix(b[n:], []byte("\x1b[K")) {
		return n + 3
	}
	return 0
}

// llvmColorSeq returns the length of one of LLVM's colour sequences at the
// start of b, 0 if there is none.
func llvmColorSeq(b []byte) int {
	n := sgrLen(b)
	if n == 0 {
		return 0
	}
	switch p := string(b[2 : n-1]); {
	case p == "0", p == "1", p == "7":
		return n
	case len(p) == 4 && p[:2] == "0;" && (p[2] == '3' || p[2] == '4') && p[3] >= '0' && p[3] <= '7',
		len(p) == 6 && p[:4] == "0;1;" && (p[4] == '3' || p[4] == '4') && p[5] >= '0' && p[5] <= '7':
		return n
	}
	return 0
}
