package launcher

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
)

// checkPCHMacros returns a reason not to store a gcc compile that may have
// loaded a precompiled header defining a macro that expands to __DATE__,
// __TIME__ or __TIMESTAMP__ (#define STAMP __TIME__ in the header, STAMP in
// the source): the source's text does not show it, the header may be gone,
// and every .gch holds those names in its identifier table, so only gcc
// can tell. A probe run that loads the PCH and dumps its macros
// (compiler.Invocation.PCHProbeArgs) decides, once per PCH content and
// options (remembered in a machine-local record). lists are the include
// files the compile reported: a PCH that the probe does not load is fine
// when the compile read its header's text instead (which the include list
// then holds, and the store scans).
//
// clang needs no probe: its dependency file names the headers a PCH was
// built from, and clang refuses a PCH whose headers changed.
//
// The probe runs with SOURCE_DATE_EPOCH set too: the variable is keyed only
// where a source, argument or header names a time macro (input_epoch.go),
// not for a PCH's macros, and __TIMESTAMP__ ignores it anyway.
func (c *gccCall) checkPCHMacros(lists [][]string) string {
	if c.flavor != compiler.FlavorGCC {
		return ""
	}
	for _, f := range c.pch.files {
		if f.header == "" {
			continue // a .i's pragma: its text is expanded already
		}
		verdict, err := c.pchMacros(f)
		switch {
		case err != nil:
			c.log.printf("not stored: macros of %s: %v", f.path, err)
			return reasonPCHUnchecked
		case verdict == pchMacrosTimeMacro:
			c.log.printf("not stored: %s defines a macro that expands to a time macro", f.path)
			return reasonTimeMacro
		case verdict == pchMacrosNotLoaded && !c.listed(lists, f.header):
			c.log.printf("not stored: the probe did not load %s and the compile did not read %s", f.path, f.header)
			return reasonPCHUnchecked
		}
	}
	return ""
}

// listed reports whether the include lists name the file at path.
func (c *gccCall) listed(lists [][]string, path string) bool {
	want := filepath.Clean(c.absPath(path))
	for _, list := range lists {
		for _, p := range list {
			if filepath.Clean(c.absPath(p)) == want {
				return true
			}
		}
	}
	return false
}

// pchMacros returns what the probes found for the PCH f: pchMacrosClean,
// pchMacrosTimeMacro, pchMacrosInvalid or pchMacrosNotLoaded, from its
// record or by running them.
func (c *gccCall) pchMacros(f pchFile) (string, error) {
	args := c.p.PCHProbeArgs(f.header)
	h := digest.New()
	h.String("pch macros")
	h.Sum(c.pch.compilerID)
	h.String(c.Dir)
	h.Strings(args)
	h.Sum(c.keyed[f.path])
	record := filepath.Join(c.Config.Dir, "compilers", h.Result().String()+pchMacrosRecordSuffix)
	if data, err := os.ReadFile(record); err == nil {
		switch v := strings.TrimSuffix(string(data), "\n"); v {
		case pchMacrosClean, pchMacrosTimeMacro, pchMacrosInvalid, pchMacrosNotLoaded:
			return v, nil
		}
	}
	env := setEnv(c.childEnv(), "LC_ALL", "C")
	res, err := c.runProbe(args, env)
	if err != nil {
		return "", err
	}
	verdict := pchMacrosNotLoaded
	if res.status == 0 {
		verdict = probeVerdict(res.stdout)
	}
	if verdict == pchMacrosNotLoaded {
		// -dM keeps -Winvalid-pch quiet: a run without it says why the
		// PCH was not loaded.
		res, err := c.runProbe(c.p.PCHWarningArgs(f.header), env)
		if err != nil {
			return "", err
		}
		verdict = invalidVerdict(res.stderr)
	}
	c.log.printf("precompiled header %s: %s", f.path, verdict)
	writeRecord(c.Store, record, []byte(verdict+"\n"))
	return verdict, nil
}

// probeVerdict reads the stdout of a successful PCHProbeArgs run.
func probeVerdict(stdout []byte) string {
	loaded := false
	for _, line := range bytes.Split(stdout, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("#pragma GCC pch_preprocess ")) {
			loaded = true
		}
		if body, ok := bytes.CutPrefix(line, []byte("#define ")); ok {
			// The macro's name (and parameters) first, then its body.
			if i := bytes.IndexAny(body, " "); i >= 0 && compiler.TimeMacrosOf(body[i:]) != 0 {
				return pchMacrosTimeMacro
			}
		}
	}
	if !loaded {
		return pchMacrosNotLoaded
	}
	return pchMacrosClean
}

// invalidVerdict reads the -Winvalid-pch warnings of a PCHWarningArgs run
// (its status does not matter: a PCH whose header is missing fails it). A
// PCH refused for what it is (not a PCH, another gcc, another language,
// other target flags) is refused by every compile with these options:
// pchMacrosInvalid. One refused for a macro ("not used because `X' not
// defined") may be taken by a source that defines X before its #include:
// pchMacrosNotLoaded, as when nothing says why.
func invalidVerdict(stderr []byte) string {
	verdict := pchMacrosNotLoaded
	for _, line := range bytes.Split(stderr, []byte("\n")) {
		if !bytes.Contains(line, []byte("[-Winvalid-pch]")) {
			continue
		}
		if bytes.Contains(line, []byte("not used because")) {
			return pchMacrosNotLoaded
		}
		verdict = pchMacrosInvalid
	}
	return verdict
}

// runProbe runs the compiler in the working directory with args and env,
// stdin empty, and captures its output: the probes that learn about the
// compiler, whose output the user never sees.
func (c *gccCall) runProbe(args, env []string) (*result, error) {
	cmd := exec.Command(c.compilerPath, args...)
	cmd.Dir, cmd.Env = c.Dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	status, err := exitStatus(cmd.Run())
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", c.compilerPath, err)
	}
	return &result{status: status, stdout: stdout.Bytes(), stderr: stderr.Bytes()}, nil
}
