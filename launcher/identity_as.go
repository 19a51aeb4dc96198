package launcher

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/rawpath"
)

// gcc's -c, and clang's with -fno-integrated-as, run GNU as, which the
// driver finds first in its own program directories and then in PATH
// (gcc -print-prog-name=as says "as" on Debian: PATH decides). An
// assembler first in PATH writes the object, so its identity joins the
// key of such a compile: a build whose PATH leads to another as gets
// another entry.
//
// Where the driver finds as without PATH is asked once, with PATH empty
// (COMPILER -print-prog-name=as), and remembered in <dir>/compilers/ under
// the compiler's identity, its path as invoked (clang's program
// directories follow from it) and the variables that add program
// directories (GCC_EXEC_PREFIX, COMPILER_PATH); an absolute answer is the
// assembler whatever PATH says, a bare one means PATH is searched at every
// call. A driver that cannot answer (not gcc-like) is taken to run the
// first as in PATH.

// assemblerIdentity returns what joins the key for the assembler the
// driver runs, as compiler_check says for the compiler itself; id is the
// compiler's identity.
func (inv *invocation) assemblerIdentity(id digest.Sum) (string, error) {
	check := inv.Config.CompilerCheck
	if check == "none" || strings.HasPrefix(check, "string:") {
		return "", nil
	}
	name, err := inv.assemblerName(id)
	if err != nil {
		return "", err
	}
	path := name
	if !filepath.IsAbs(path) {
		path = lookPath(name, inv.getenv("PATH"), inv.Dir)
		if path == "" {
			return "assembler " + name + " not found", nil
		}
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("resolve assembler %s: %w", path, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("stat assembler %s: %w", real, err)
	}
	if check == "mtime" {
		return fmt.Sprintf("assembler %s %d %d", real, fi.Size(), fi.ModTime().UnixNano()), nil
	}
	sum, err := inv.contentIdentity(real, fi, false)
	if err != nil {
		return "", fmt.Errorf("assembler: %w", err)
	}
	return "assembler " + sum.String(), nil
}

// assemblerName returns where the driver finds as without PATH: an
// absolute path, or the bare name to look up in PATH.
func (inv *invocation) assemblerName(id digest.Sum) (string, error) {
	h := digest.New()
	h.String("assembler name v2") // v2: watched places follow the name
	h.Sum(id)
	h.String(inv.compilerPath)
	for _, name := range []string{"GCC_EXEC_PREFIX", "COMPILER_PATH"} {
		v, ok := lookupEnv(inv.Environ, name)
		h.String(fmt.Sprint(ok, v))
	}
	record := filepath.Join(inv.Config.Dir, "compilers", h.Result().String()+".as")
	if data, err := os.ReadFile(record); err == nil {
		if name, ok := checkAssemblerRecord(string(data)); ok {
			return name, nil
		}
	}
	if !isELF(inv.resolvedCompiler()) {
		// A script that wraps a compiler is not asked (it may count its
		// runs, or need PATH): what it runs is unknown, PATH's as is keyed.
		return "as", nil
	}
	name := "as"
	cmd := exec.Command(inv.compilerPath, "-print-prog-name=as")
	cmd.Dir, cmd.Env = inv.Dir, setEnv(inv.childEnv(), "PATH", "")
	if out, err := runBounded(cmd); err == nil {
		if answer := strings.TrimSpace(string(out)); answer != "" && !strings.Contains(answer, "\n") {
			name = answer
		}
	}
	// An as put later in a program directory searched before the answer
	// (before PATH, for a bare one) is the one the driver then runs
	// (break-it round 21): those places are watched, as absent or by
	// their stat data where something not executable is there.
	lines := []string{name}
	for _, place := range earlierPlaces(programDirs(inv.resolvedCompiler()), "as", name) {
		if fi, err := os.Lstat(place); err != nil {
			lines = append(lines, "absent "+place)
		} else {
			lines = append(lines, "present "+statFingerprint(place, fi))
		}
	}
	if !strings.Contains(strings.Join(lines, ""), "\n") {
		writeRecord(inv.Store, record, []byte(strings.Join(lines, "\n")+"\n"))
	}
	return name, nil
}

// checkAssemblerRecord returns the assembler name an assemblerName record
// holds while every place it watches is as recorded.
func checkAssemblerRecord(data string) (string, bool) {
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	if lines[0] == "" {
		return "", false
	}
	for _, line := range lines[1:] {
		if path, ok := strings.CutPrefix(line, "absent "); ok {
			if _, err := os.Lstat(path); err == nil {
				return "", false
			}
			continue
		}
		fp, ok := strings.CutPrefix(line, "present ")
		if !ok {
			return "", false
		}
		path, _, _ := strings.Cut(fp, "\x00")
		if fi, err := os.Lstat(path); err != nil || statFingerprint(path, fi) != fp {
			return "", false
		}
	}
	return lines[0], true
}

// lookPath finds an executable named name in pathList as execvp does, ""
// if there is none; relative entries are relative to dir.
func lookPath(name, pathList, dir string) string {
	for _, d := range pathDirs(pathList, dir) {
		p := rawpath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}
