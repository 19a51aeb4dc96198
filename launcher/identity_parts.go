package launcher

import (
	"bufio"
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A compiler is more than its driver binary. gcc's driver runs cc1 or
// cc1plus, which Debian ships in another package (cpp-12) than the driver
// (gcc-12); clang-14's driver is a 141 KB program over libclang-cpp.so.14
// and libLLVM-14.so.1, which are updated on their own. The compiler's
// identity is therefore the content of the driver and of these parts:
// the compiler proper that gcc's driver names (-print-prog-name) and the
// shared libraries the driver and those programs load, except the C and
// C++ runtime (libc, libstdc++ and the like), which do not decide what
// code a compiler writes and differ between otherwise equal machines of a
// fleet that shares a cache. Each part's stat fingerprint is in the
// compilers/ record, so a part that changes is hashed again on the next
// call, not trusted by the driver's unchanged stat data.

// runtimeLibraries are the shared libraries left out of a compiler's
// identity, by soname prefix.
var runtimeLibraries = []string{
	"ld-linux", "libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so",
	"libgcc_s.so", "libstdc++.so", "libc++.so", "libc++abi.so", "libunwind.so",
	"libz.so", "libzstd.so", "libtinfo.so", "libncurses", "libedit.so",
	"libffi.so", "libxml2.so", "liblzma.so", "libicu",
}

// compilerParts returns the files besides the driver real whose content
// makes the compiler, in a fixed order, and the files that would be parts
// if they were there (absent: one that appears changes the compiler).
// probe says whether the driver may be asked for its programs (a compiler
// driver may; an assembler must not be run with a driver's options). Only
// ELF programs are examined: a script that wraps a compiler is its own
// content. A non-empty refusal is the reason no call of this compiler can
// be cached: its own specs file reads what no content covers.
func compilerParts(real string, probe bool) (parts, absent []string, refusal string) {
	if !isELF(real) {
		return nil, nil, ""
	}
	seen := map[string]bool{real: true}
	add := func(p string) {
		if r, err := filepath.EvalSymlinks(p); err == nil && !seen[r] {
			seen[r] = true
			parts = append(parts, r)
		}
	}
	programs := []string{real}
	if probe {
		// The compilers proper of every language objcache caches: an
		// Objective-C compile runs cc1obj, shipped apart (gobjc-12), and
		// was cached on a changed one (break-it round 17).
		// A compiler proper put later in a program directory the driver
		// searches before the one it is found in takes over (break-it
		// round 21): those places are watched as absent, or as parts
		// where something not executable is there.
		progDirs := programDirs(real)
		for _, name := range []string{"cc1", "cc1plus", "cc1obj", "cc1objplus"} {
			if p := askProgName(real, name); p != "" {
				add(p)
				programs = append(programs, p)
				for _, c := range earlierPlaces(progDirs, name, p) {
					if _, err := os.Lstat(c); err != nil {
						absent = append(absent, c)
					} else {
						add(c)
					}
				}
			}
		}
		// The driver's own specs file (<prefix>/lib/gcc/<triple>/<v>/specs,
		// where a system's gcc is customized) rewrites every command it
		// runs (break-it round 19); where there is none, the place beside
		// cc1 where one would be read is watched.
		// gcc reads the first of <prefix>/lib/gcc/<triple>/<v>/specs and
		// <prefix>/lib/gcc/specs (round 20: the second was not watched).
		found := askDriver(real, "-print-file-name=specs")
		if found != "" {
			add(found)
			refusal = specsRefusal(found)
		}
		if len(programs) > 1 {
			dir := filepath.Dir(programs[1])
			for _, p := range []string{filepath.Join(dir, "specs"), filepath.Join(filepath.Dir(filepath.Dir(dir)), "specs")} {
				if p == found {
					break // the ones after it are not read
				}
				if _, err := os.Lstat(p); err != nil {
					absent = append(absent, p)
				}
			}
		}
	}
	dirs := libraryDirs()
	for _, prog := range programs {
		for _, lib := range neededLibraries(prog, dirs) {
			add(lib)
		}
	}
	return parts, absent, refusal
}

// specsRefusal returns why a specs file the driver reads of its own
// accord keeps its compiles out of the cache, "" if nothing does: one that
// %includes others, or calls spec functions (%:getenv(VAR …),
// %:if-exists, %:find-file), reads what no content hash covers, as a
// -specs= file does (compiler.parser.specsFile; break-it round 20). An
// unreadable one is refused too: what it says is unknown.
func specsRefusal(path string) string {
	data, err := os.ReadFile(path)
	switch {
	case err != nil:
		return "unhashable-input"
	case bytes.Contains(data, []byte("%include")):
		return "specs-include"
	case bytes.Contains(data, []byte("%:")):
		return "specs-function"
	}
	return ""
}

// programDirs returns the directories the gcc driver real looks for its
// programs in (cc1, as, collect2), in its order and each once: the
// "programs: =" line of -print-search-dirs. nil for a driver that prints
// none (clang prints its own).
func programDirs(real string) []string {
	out, err := runBounded(exec.Command(real, "-print-search-dirs"))
	if err != nil {
		return nil
	}
	var dirs []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		list, ok := strings.CutPrefix(line, "programs: =")
		if !ok {
			continue
		}
		for _, d := range filepath.SplitList(list) {
			if d != "" && filepath.IsAbs(d) && !seen[filepath.Clean(d)] {
				seen[filepath.Clean(d)] = true
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}

// earlierPlaces returns where the driver would look for the program name
// before finding it at found ("" or a bare name: in none of dirs, so in
// every one): <dir>/<name> for each directory of dirs before found's.
func earlierPlaces(dirs []string, name, found string) []string {
	var places []string
	foundDir := ""
	if filepath.IsAbs(found) {
		foundDir = filepath.Clean(filepath.Dir(found))
	}
	for _, d := range dirs {
		if filepath.Clean(d) == foundDir {
			break
		}
		places = append(places, filepath.Join(d, name))
	}
	return places
}

// isELF reports whether path is an ELF file.
func isELF(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	_, err = f.Read(magic)
	return err == nil && bytes.Equal(magic, []byte(elf.ELFMAG))
}

// askProgName returns the absolute path the driver gives for a program it
// runs (gcc -print-prog-name=cc1), or "" where it names none.
func askProgName(driver, name string) string { return askDriver(driver, "-print-prog-name="+name) }

// askDriver returns the file the driver prints for a -print-* query, ""
// unless it is an absolute path to a regular file.
func askDriver(driver, query string) string {
	cmd := exec.Command(driver, query)
	cmd.Stdin = nil
	out, err := runBounded(cmd)
	if err != nil {
		return ""
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		return ""
	}
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	return p
}

// runBounded runs cmd for its stdout, killing it after 10 s: a probe that
// hangs must not hang the build.
func runBounded(cmd *exec.Cmd) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	timer := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	return out.Bytes(), err
}

// neededLibraries returns the libraries prog names (DT_NEEDED) that are
// not runtime libraries, each found as the dynamic loader would: in the
// program's DT_RPATH and DT_RUNPATH ($ORIGIN expanded), then in dirs.
func neededLibraries(prog string, dirs []string) []string {
	f, err := elf.Open(prog)
	if err != nil {
		return nil
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		return nil
	}
	var search []string
	for _, tag := range []elf.DynTag{elf.DT_RPATH, elf.DT_RUNPATH} {
		vals, _ := f.DynString(tag)
		for _, v := range vals {
			for _, d := range strings.Split(v, ":") {
				search = append(search, strings.ReplaceAll(d, "$ORIGIN", filepath.Dir(prog)))
			}
		}
	}
	search = append(search, dirs...)
	var found []string
	for _, lib := range libs {
		if isRuntimeLibrary(lib) {
			continue
		}
		for _, d := range search {
			p := filepath.Join(d, lib)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				found = append(found, p)
				break
			}
		}
	}
	return found
}

func isRuntimeLibrary(soname string) bool {
	for _, prefix := range runtimeLibraries {
		if strings.HasPrefix(soname, prefix) {
			return true
		}
	}
	return false
}

// libraryDirs returns the dynamic loader's search directories: those of
// /etc/ld.so.conf (and the files it includes), then the default ones.
func libraryDirs() []string {
	var dirs []string
	readLdConf("/etc/ld.so.conf", &dirs, 0)
	return append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib")
}

// readLdConf appends the directories named in an ld.so.conf file, following
// its include lines (glob patterns) up to a small depth.
func readLdConf(path string, dirs *[]string, depth int) {
	if depth > 4 {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == "":
		case strings.HasPrefix(line, "include") && len(line) > 7 && (line[7] == ' ' || line[7] == '\t'):
			pattern := strings.TrimSpace(line[8:])
			if !filepath.IsAbs(pattern) {
				pattern = filepath.Join(filepath.Dir(path), pattern)
			}
			matches, _ := filepath.Glob(pattern)
			for _, m := range matches {
				readLdConf(m, dirs, depth+1)
			}
		case filepath.IsAbs(line):
			*dirs = append(*dirs, line)
		}
	}
}
