package launcher

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/objcache/objcache/compiler"
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
	_, real, ok := compiler.Identify(resolved(inv.compilerPath), "")
	return !ok || real == compiler.FlavorGCC
}

// dirStates returns, for each directory (relative to cwd), whether it is
// a directory ('d'), something else ('f': the compiler warns and skips
// it) or missing ('-'): one stat each, on every lookup.
func dirStates(cwd string, dirs []string) string {
	b := make([]byte, len(dirs))
	for i, d := range dirs {
		b[i] = '-'
		if fi, err := os.Stat(joinDir(cwd, d)); err == nil {
			b[i] = 'f'
			if fi.IsDir() {
				b[i] = 'd'
			}
		}
	}
	return string(b)
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
