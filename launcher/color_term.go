package launcher

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"

	"github.com/objcache/objcache/compiler"
)

// compilerColors reports whether the compiler, run alone with its stderr
// a terminal and no colour option, would colour its diagnostics, by each
// compiler's own rule: asking for colour where it would print none puts
// escape sequences on a terminal that cannot show them.
//
//   - gcc 12 (diagnostic-color.cc): TERM set and not "dumb"; then
//     GCC_COLORS set to "" turns colour off (it does even for
//     -fdiagnostics-color=always, so asking cannot help).
//   - clang 14 (llvm::sys::Process::StandardErrHasColors, built with
//     terminfo on Debian): setupterm for TERM succeeds and the entry's
//     "colors" capability is above zero; TERM unset or unknown: none.
func compilerColors(flavor compiler.Flavor, getenv func(string) (string, bool)) bool {
	term, ok := getenv("TERM")
	if flavor == compiler.FlavorClang {
		return ok && term != "" && terminfoColors(term, getenv) > 0
	}
	if !ok || term == "dumb" {
		return false
	}
	if v, set := getenv("GCC_COLORS"); set && v == "" {
		return false
	}
	return true
}

// terminfoColors returns the "colors" number of terminal term's terminfo
// entry, found as ncurses finds it, and -1 when there is no entry or no
// such capability. Only called for a terminal: a build whose stderr is a
// pipe never reads terminfo.
func terminfoColors(term string, getenv func(string) (string, bool)) int {
	if strings.ContainsAny(term, `/\`) || term == "." || term == ".." {
		return -1
	}
	var dirs []string
	if d, ok := getenv("TERMINFO"); ok && d != "" {
		dirs = append(dirs, d)
	}
	if home, ok := getenv("HOME"); ok && home != "" {
		dirs = append(dirs, filepath.Join(home, ".terminfo"))
	}
	if list, ok := getenv("TERMINFO_DIRS"); ok {
		for _, d := range strings.Split(list, ":") {
			if d == "" {
				d = "/usr/share/terminfo"
			}
			dirs = append(dirs, d)
		}
	}
	dirs = append(dirs, "/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo")
	for _, d := range dirs {
		for _, sub := range []string{term[:1], strings.ToLower(hexByte(term[0]))} {
			data, err := os.ReadFile(filepath.Join(d, sub, term))
			if err == nil {
				return terminfoNumber(data, maxColorsIndex)
			}
		}
	}
	return -1
}

// maxColorsIndex is the position of "colors" (max_colors) among the
// numeric capabilities of the compiled terminfo format (term(5)).
const maxColorsIndex = 13

// terminfoNumber returns numeric capability i of a compiled terminfo
// entry (term(5): the legacy format with 16-bit numbers, magic 0432, or
// the extended one with 32-bit numbers, magic 01036), -1 when it is
// absent or the data are not such an entry.
func terminfoNumber(data []byte, i int) int {
	if len(data) < 12 {
		return -1
	}
	u16 := func(off int) int { return int(binary.LittleEndian.Uint16(data[off:])) }
	width := 2
	switch u16(0) {
	case 0o432:
	case 0o1036:
		width = 4
	default:
		return -1
	}
	names, bools, nums := u16(2), u16(4), u16(6)
	off := 12 + names + bools
	if off%2 == 1 {
		off++ // numbers start on an even byte
	}
	if i >= nums || off+(i+1)*width > len(data) {
		return -1
	}
	var n int
	if width == 2 {
		n = int(int16(binary.LittleEndian.Uint16(data[off+i*2:])))
	} else {
		n = int(int32(binary.LittleEndian.Uint32(data[off+i*4:])))
	}
	if n < 0 {
		return -1
	}
	return n
}

// hexByte is the hexadecimal name of the directory some systems (macOS)
// file entries under: "78" for "x".
func hexByte(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}
