package launcher

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
