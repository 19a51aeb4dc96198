package launcher

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/objcache/objcache/digest"
)

// reasonNativeUnknown counts calls passed through because the driver
// would not say what -march=native means here.
const reasonNativeUnknown = "native-unknown"

// -march=native (and -mtune=native, -mcpu=native) means the CPU of the
// host that compiles, so its spelling says nothing to a cache shared by
// several hosts. What joins the key is what the driver expands it to,
// asked as ccache does: COMPILER -### -E - OPTIONS, where gcc's driver
// prints the compiler proper's command line with -march=native replaced
// by the host's CPU and features, and clang's prints -target-cpu and
// -target-feature.
//
// Asking costs a driver run on every call (4 ms for gcc, 24 ms for clang
// here, against a 2 ms hit), so the answer is remembered in a record in
// <dir>/compilers/, machine-local like the stat records. The record is
// named after everything that can change the answer for real compilers:
// the compiler's identity and path, the options asked about, and the host
// CPU (on Linux the first processor's block of /proc/cpuinfo without its
// clock speed, which a cache directory shared between hosts over NFS then
// keeps apart); and it holds a hash of the whole environment besides, so
// that a wrapper whose answer depends on a variable (ccache's test
// compilers read CC1_ARGS) is asked again when the environment changes. A
// change of environment overwrites the record rather than adding one, so
// records do not pile up with CI jobs' ever-new variables. Where no CPU
// fingerprint is known (other systems), the driver is asked every time.

// nativeExpansion returns a digest of what the driver makes of args (the
// native options and those that change them) on this host; id is the
// compiler's identity.
func (inv *invocation) nativeExpansion(id digest.Sum, args []string) (string, error) {
	envHash := environmentHash(inv.Environ)
	record := ""
	if cpu := hostCPU(); cpu != "" {
		h := digest.New()
		h.String("native expansion")
		h.Sum(id)
		h.String(inv.compilerPath)
		h.Strings(args)
		h.String(runtime.GOOS + "/" + runtime.GOARCH)
		h.String(cpu)
		record = filepath.Join(inv.Config.Dir, "compilers", h.Result().String()+".native")
		if data, err := os.ReadFile(record); err == nil {
			if env, exp, ok := strings.Cut(strings.TrimSuffix(string(data), "\n"), "\n"); ok && env == envHash && exp != "" {
				return exp, nil
			}
		}
	}
	exp, err := inv.queryNative(args)
	if err != nil {
		return "", err
	}
	if record != "" {
		writeRecord(inv.Store, record, []byte(envHash+"\n"+exp+"\n"))
	}
	return exp, nil
}

// queryNative runs the driver with -### and returns a digest of the part
// of its answer that the native options decide.
func (inv *invocation) queryNative(args []string) (string, error) {
	cmd := exec.Command(inv.compilerPath, append([]string{"-###", "-E", "-"}, args...)...)
	cmd.Dir, cmd.Env = inv.Dir, inv.childEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s -### %s: %w", inv.compilerPath, strings.Join(args, " "), err)
	}
	expansion, ok := nativeLine(out.String())
	if !ok {
		return "", fmt.Errorf("%s -### %s: no compiler command in its answer", inv.compilerPath, strings.Join(args, " "))
	}
	inv.log.printf("native options %q: %s", args, expansion)
	return digest.Of([]byte(expansion)).String(), nil
}

// nativeLine finds the compiler proper's command line in a driver's -###
// answer and returns what of it the native options decide: gcc's cc1
// line whole (it names no working directory), or clang's -cc1 line's
// -target-cpu, -tune-cpu, -target-feature and -target-abi values (the rest
// names the working directory).
func nativeLine(answer string) (string, bool) {
	for _, line := range strings.Split(answer, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.Contains(line, `"-cc1"`):
			var b strings.Builder
			fields := strings.Fields(line)
			for i := 0; i+1 < len(fields); i++ {
				switch fields[i] {
				case `"-target-cpu"`, `"-tune-cpu"`, `"-target-feature"`, `"-target-abi"`:
					b.WriteString(fields[i] + " " + fields[i+1] + " ")
					i++
				}
			}
			return b.String(), true
		case strings.Contains(line, "/cc1 -E"), strings.Contains(line, `/cc1.exe" -E`):
			return strings.TrimSpace(line), true
		}
	}
	return "", false
}

// environmentHash returns a digest of the environment, in sorted order.
func environmentHash(env []string) string {
	sorted := slices.Clone(env)
	slices.Sort(sorted)
	h := digest.New()
	h.Strings(sorted)
	return h.Result().String()
}
