package launcher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
	"github.com/objcache/objcache/rawpath"
)

// reasonCompilerEnv counts calls passed through because of a variable of
// compiler.PassThroughEnv.
const reasonCompilerEnv = "compiler-env"

// passThroughEnv returns the first variable of compiler.PassThroughEnv
// that is set.
func (inv *invocation) passThroughEnv() (string, bool) {
	for _, name := range compiler.PassThroughEnv() {
		if _, ok := lookupEnv(inv.Environ, name); ok {
			return name, true
		}
	}
	return "", false
}

// honoursSourceDateEpoch reports whether this compiler expands __DATE__
// and __TIME__ from SOURCE_DATE_EPOCH: gcc does; clang 14 and cl.exe do
// not, so for them the variable makes nothing reproducible. A gcc-named
// compiler that resolves to clang (cc, a symlink) counts as clang.
func (inv *invocation) honoursSourceDateEpoch(flavor compiler.Flavor) bool {
	if flavor != compiler.FlavorGCC {
		return false
	}
	_, real, ok := compiler.Identify(inv.resolvedCompiler(), "")
	return !ok || real == compiler.FlavorGCC
}

// dirStates returns, for each directory (relative to cwd), whether it is
// a directory ('d'), missing ('-') or something else ('f'): one stat
// each, on every lookup. A regular file's 'f' is followed by a digest of
// its content in parentheses, or by '?' when it cannot be read: gcc warns and skips it,
// but clang reads a regular file named as an include directory as a
// header map, whose entries redirect #include "x.h" to any file; a
// changed map makes the compile read other headers than those the
// manifest checks, and no depfile names the map. Maps are small, and
// reading one on every lookup keeps the key exact without the stat-record
// rules of hashed inputs.
//
// A directory named by a symlink ("-Iinc/current", "inc/current/.") is
// preceded by 'l' and the directory the link leads to, every link on the
// way resolved: pointing a link elsewhere puts other headers first in the
// search, which the manifest's files cannot show (a header there that
// shadows one found later). Where the last name is not a link, links among
// the path's other components are not followed up (that costs a stat per
// component on every lookup): that is the known hole of direct mode.
func dirStates(cwd string, dirs []string) string {
	var b strings.Builder
	for _, d := range dirs {
		path := joinDir(cwd, d)
		last := lastName(path)
		fi, err := os.Lstat(last)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, evalErr := filepath.EvalSymlinks(last)
			if evalErr != nil {
				target = "?" // dangling or a loop: the compiler finds nothing there either
			}
			fmt.Fprintf(&b, "l%d:%s", len(target), target)
			fi, err = os.Stat(path)
		}
		switch {
		case err != nil:
			b.WriteByte('-')
		case fi.IsDir():
			b.WriteByte('d')
		case !fi.Mode().IsRegular():
			b.WriteByte('f') // never opened: a FIFO would block
		default:
			b.WriteByte('f')
			content, err := os.ReadFile(path)
			if err != nil {
				b.WriteByte('?')
				continue
			}
			h := digest.New()
			h.Bytes(content)
			b.WriteString("(" + h.Result().String() + ")")
		}
	}
	return b.String()
}

// sourceDirLink returns, when the directory of source (relative to cwd)
// is named by a symlink, the key's note of where it leads ("" otherwise):
// the compiler searches that directory first for #include "x.h", so
// pointing the link elsewhere is as pointing an include directory
// elsewhere (dirStates). One lstat on every lookup.
func sourceDirLink(cwd, source string) string {
	dir := filepath.Dir(source)
	if dir == "." {
		return ""
	}
	last := lastName(joinDir(cwd, dir))
	if fi, err := os.Lstat(last); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return ""
	}
	target, err := filepath.EvalSymlinks(last)
	if err != nil {
		target = "?"
	}
	return "source dir link " + target
}

// compilerPlace is the key's note of where the compiler is installed and
// how it is called: the directory of its driver, links resolved, and the
// path it is run by, made absolute but not resolved.
//
// A compiler's default include directories (and clang's resource headers)
// are found relative to the resolved directory, so two installations of
// the same binaries, or a "current" link pointed at another, read other
// headers (break-it round 19: a relocated gcc's copy hit the other's
// object). clang also reads the name it is called by: clang++ compiles a
// .c file as C++, aarch64-linux-gnu-clang targets aarch64 and reads
// aarch64-linux-gnu-clang.cfg, all from one binary; and it looks for a GCC
// installation beside the directory of that name, not of its target.
// gcc's and clang's names differ in nothing else, so the name is in the
// key whole. The compiler's identity is its content alone, so that
// machines with the same installation share.
func (inv *invocation) compilerPlace() string {
	return "compiler in " + filepath.Dir(inv.resolvedCompiler()) + " called as " + joinDir(inv.Dir, inv.compilerPath)
}

// lastName drops what ends p without naming another file, separators and
// "." components ("inc/cur/", "inc/cur/."), but the root's, so that Lstat
// looks at the last name itself: through a trailing separator or "." it
// would follow a link.
func lastName(p string) string {
	for {
		switch {
		case len(p) > 1 && os.IsPathSeparator(p[len(p)-1]) && !strings.HasSuffix(p, ":"+string(p[len(p)-1])):
			p = p[:len(p)-1]
		case len(p) >= 2 && p[len(p)-1] == '.' && os.IsPathSeparator(p[len(p)-2]):
			p = p[:len(p)-1]
		default:
			return p
		}
	}
}

// joinDir resolves p against cwd unless it is absolute (on Windows, also
// when it starts at the root of the current drive). It does not clean the
// path: "a/.." is resolved by the file system, as the compiler does.
func joinDir(cwd, p string) string { return rawpath.Join(cwd, p) }

// Kinds of an extra input that has no content to hash.
const (
	stateAbsent = "absent"
	stateDir    = "directory"
)

// pathState returns stateAbsent when nothing is at path (or a component
// of it is not a directory), stateDir for a directory, "" for a regular
// file, and an error for anything else, which cannot be hashed.
func pathState(path string) (string, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return stateAbsent, nil
	case err != nil:
		return "", err
	case fi.IsDir():
		return stateDir, nil
	case !fi.Mode().IsRegular():
		return "", errors.New(path + " is not a regular file")
	}
	return "", nil
}

// hashProfiles adds the profile feedback files of a call to the key: the
// content of each one there (through its stat record, like the source:
// a profile can be large), or its absence, so that a profile that changes
// or appears later misses. The files are checked again before the result
// is stored (checkInputs). ok is false when one cannot be hashed.
func (u *unit) hashProfiles(files []string, in *manifest.KeyInputs) (ok bool) {
	for _, f := range files {
		state, err := pathState(u.absPath(f))
		if err != nil {
			u.log.printf("profile %s: %v", f, err)
			return false
		}
		if state != "" {
			in.Extra = append(in.Extra, "profile "+state+" "+f)
			if u.stateless == nil {
				u.stateless = map[string]string{}
			}
			u.stateless[f] = state
			continue
		}
		st := u.sourceState(f)
		if st.err != nil {
			u.log.printf("profile %s: %v", f, st.err)
			return false
		}
		in.Inputs = append(in.Inputs, manifest.FileHash{Path: f, Hash: st.hash})
		u.keyed[f] = st.hash
		u.inputs = append(u.inputs, f)
	}
	return true
}

// statelessChanged returns an extra input that was absent or a directory
// when the key was made and no longer is.
func (u *unit) statelessChanged() (string, bool) {
	for f, state := range u.stateless {
		if now, err := pathState(u.absPath(f)); err != nil || now != state {
			return f, true
		}
	}
	return "", false
}
