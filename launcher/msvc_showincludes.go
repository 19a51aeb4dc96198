package launcher

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
)

// splitShowIncludes separates the /showIncludes lines (prefix, then spaces
// for the depth, then the path) from the rest of cl's stdout, which is kept
// byte for byte, CR LF and all.
func splitShowIncludes(stdout []byte, prefix string) (includes []string, rest []byte) {
	rest = make([]byte, 0, len(stdout))
	pre := []byte(prefix)
	for len(stdout) > 0 {
		line := stdout
		if i := bytes.IndexByte(stdout, '\n'); i >= 0 {
			line = stdout[:i+1]
		}
		stdout = stdout[len(line):]
		if bytes.HasPrefix(line, pre) {
			path := strings.TrimLeft(strings.TrimRight(string(line[len(pre):]), "\r\n"), " ")
			if path != "" {
				includes = append(includes, path)
				continue
			}
		}
		rest = append(rest, line...)
	}
	return includes, rest
}

// probeHeader is the header the prefix probe includes.
const probeHeader = "objcache-probe-header.h"

// showIncludesPrefix returns the prefix of /showIncludes lines, which cl
// translates into its UI language ("Remarque : inclusion du fichier :"):
// the configured one, or the one learned by compiling a probe file with
// /showIncludes (as CMake does), remembered with the compiler's identity.
func (inv *invocation) showIncludesPrefix(p *compiler.MSVCInvocation) (string, error) {
	if inv.Config.ShowIncludesPrefix != "" {
		return inv.Config.ShowIncludesPrefix, nil
	}
	id, err := inv.compilerIdentity()
	if err != nil {
		return "", err
	}
	h := digest.New()
	h.String("show includes prefix")
	h.Sum(id)
	h.Strings(languageEnv(inv.Environ))
	record := inv.Config.Dir + string(os.PathSeparator) + "compilers" + string(os.PathSeparator) + h.Result().String() + ".prefix"
	if data, err := os.ReadFile(record); err == nil && len(data) > 0 {
		return strings.TrimSuffix(string(data), "\n"), nil
	}
	if inv.explaining() {
		// Only a miss's compile reads the prefix, and objcache explain
		// compiles nothing: no probe, no file (break-it round 18: the
		// probe's directory in the cache's tmp/).
		return "", nil
	}
	dir, err := os.MkdirTemp(inv.Store.Dir()+string(os.PathSeparator)+"tmp", "probe-")
	if err != nil {
		return "", fmt.Errorf("probe directory: %w", err)
	}
	defer os.RemoveAll(dir)
	header := dir + string(os.PathSeparator) + probeHeader
	source := dir + string(os.PathSeparator) + "probe.c"
	if err := os.WriteFile(header, []byte("/* objcache probe */\n"), 0o666); err != nil {
		return "", err
	}
	if err := os.WriteFile(source, []byte("#include \""+probeHeader+"\"\n"), 0o666); err != nil {
		return "", err
	}
	res, err := inv.runCapturedIn(dir, []string{"/nologo", "/c", "/Zs", "/showIncludes", source})
	if err != nil {
		return "", err
	}
	if prefix := probePrefix(res.stdout, probeHeader); prefix != "" {
		writeRecord(inv.Store, record, []byte(prefix+"\n")) // a read-only store writes nothing
		return prefix, nil
	}
	return "", fmt.Errorf("the probe compile printed no /showIncludes line (status %d); set show_includes_prefix", res.status)
}

// probePrefix finds the /showIncludes line naming header in a probe's
// stdout and returns what comes before the path and its depth's spaces:
// "Note: including file:", or "Remarque : inclusion du fichier :" in
// French. It returns "" when there is no such line.
func probePrefix(stdout []byte, header string) string {
	for _, line := range strings.Split(string(stdout), "\n") {
		i := strings.Index(line, header)
		if i < 0 {
			continue
		}
		// The prefix ends at the last colon followed by a space before the
		// path (a path may hold spaces, and a drive letter's colon is
		// followed by a backslash).
		if end := strings.LastIndex(line[:i], ": "); end >= 0 {
			return line[:end+1]
		}
		return ""
	}
	return ""
}

// languageEnv lists the variables that choose cl's UI language.
func languageEnv(env []string) []string {
	var out []string
	for _, name := range []string{"VSLANG", "LANG", "LC_ALL", "LC_MESSAGES"} {
		if v, ok := lookupEnv(env, name); ok {
			out = append(out, name+"="+v)
		}
	}
	return out
}
