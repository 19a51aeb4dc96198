package launcher

import (
	"bufio"
	"os"
	"strings"

	"github.com/objcache/objcache/digest"
)

// hostCPU returns a fingerprint of the host's CPU: a digest of the first
// processor's block of /proc/cpuinfo (model, stepping, microcode, feature
// flags, cache sizes: what cpuid tells the compiler's driver), without its
// "cpu MHz" line, which changes from one read to the next. Only that block
// is read: on a big machine the whole file is long, and slow to generate.
// It returns "" when the block cannot be read.
func hostCPU() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" && b.Len() > 0 {
			break
		}
		if strings.HasPrefix(line, "cpu MHz") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return ""
	}
	return digest.Of([]byte(b.String())).String()
}
