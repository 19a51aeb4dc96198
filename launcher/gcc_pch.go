package launcher

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/config"
	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/manifest"
)

// Precompiled headers used implicitly. gcc replaces a header by DIR/NAME.gch
// when that file exists where it finds the header, and its dependency file
// then names neither the header nor the .gch; clang's driver turns
// "-include X" into "-include-pch X.pch" (or X.gch) when that file exists.
// The PCH the compiler would pick is hashed into the manifest key, found by
// the compiler's own search; a hit pays a few stats for it.

// Reasons a call is passed through or not stored for an input no
// dependency file names (after prefixUncacheable or prefixNotStored).
const (
	reasonPCH          = "pch"                  // a PCH objcache cannot hash (a directory of PCHs, unreadable)
	reasonPCHComputed  = "pch-computed-include" // the first include is "#include MACRO": its PCH cannot be known
	reasonPCHSearch    = "pch-search"           // the header search cannot be followed (an option it does not model, a failed probe)
	reasonPCHUnchecked = "pch-unchecked"        // the PCH's macros could not be checked for time macros
	reasonAsmInclude   = "asm-include"          // the assembler reads a file no depfile names (.incbin, .include)
)

// The PCH file names gcc (NAME.gch) and clang (X.pch, then X.gch) look for.
const pchExt, clangPCHExt = ".gch", ".pch"

// includeDirsMagic starts a record of standard include directories.
const includeDirsMagic = "OBJCACHE-INCDIRS1\n"

// What the macro probe of a PCH found (checkPCHMacros), as its record
// (name suffix pchMacrosRecordSuffix) keeps it.
const (
	pchMacrosClean        = "clean"      // loaded, no macro expands to a time macro
	pchMacrosTimeMacro    = "time-macro" // a macro expands to __DATE__, __TIME__ or __TIMESTAMP__
	pchMacrosInvalid      = "invalid"    // refused by gcc under these options, whatever the source
	pchMacrosNotLoaded    = "not-loaded" // not loaded, maybe for a macro the source may define
	pchMacrosRecordSuffix = ".pch-macros"
)

// pchState is what a GCC-family call knows of its precompiled headers.
type pchState struct {
	// files are the PCHs hashed into the key.
	files      []pchFile
	compilerID digest.Sum
}

// pchFile is a precompiled header the compiler may load.
type pchFile struct {
	// path is the PCH as the compiler opens it (relative to the working
	// directory unless absolute).
	path string
	// header is the header gcc would read if the PCH were not valid ("" for
	// a PCH named outright by a pragma or for clang, whose depfile names
	// the PCH's headers).
	header string
}

// implicitInputs checks the source for what a dependency file never shows:
// assembler directives that read files (the call is then passed through,
// unless sloppiness allows them) and the precompiled headers the compiler
// may load, which it returns for the manifest key and remembers for the
// store (checkPCHMacros). A non-empty reason is the outcome of a call that
// cannot be cached.
func (c *gccCall) implicitInputs(src *fileState, compilerID digest.Sum) ([]manifest.FileHash, string) {
	c.pch.compilerID = compilerID
	if reason := c.hiddenReadReason(src); reason != "" {
		c.log.printf("%s has directives that read files no depfile names (.incbin, .include, #pragma GCC dependency)", c.p.Source)
		return nil, prefixUncacheable + reason
	}
	if reason := c.argsHiddenReadReason(c.p.HashArgs); reason != "" {
		c.log.printf("a macro of the command line holds directives that read files no depfile names")
		return nil, prefixUncacheable + reason
	}
	pchs, reason := c.findPCHs(src)
	if reason == "" {
		reason = c.clangPCHsReason(pchs)
	}
	if reason != "" {
		return nil, prefixUncacheable + reason
	}
	var hashes []manifest.FileHash
	for _, f := range pchs {
		st := c.keyedFile(f.path, scanNone)
		if st.err != nil {
			c.log.printf("precompiled header %s unreadable: %v", f.path, st.err)
			return nil, prefixUncacheable + reasonPCH
		}
		keyPath, _ := c.base.Rel(f.path)
		hashes = append(hashes, manifest.FileHash{Path: keyPath, Hash: st.hash})
		c.keyed[f.path] = st.hash
		c.inputs = append(c.inputs, f.path)
		c.log.printf("precompiled header %s (%s)", f.path, st.hash)
	}
	c.pch.files = pchs
	return hashes, ""
}

// asmHazard reports whether st's text makes the assembler read a file that
// no dependency file names, and sloppiness does not allow it.
func (u *unit) asmHazard(st *fileState) bool {
	return st.asm.readsFiles(u.assembler) && !u.Config.Sloppy(config.SloppyIncbin)
}

// findPCHs returns the precompiled headers the compiler may load for this
// call, or the reason it cannot tell.
func (c *gccCall) findPCHs(src *fileState) ([]pchFile, string) {
	p := c.p
	if p.Lang == "assembler" || p.Lang == "assembler-with-cpp" {
		// The assembler loads no PCH, nor does cpp -lang-asm.
		return nil, ""
	}
	var found []pchFile
	var leading []compiler.LeadingInclude
	if src.leading != nil {
		leading = *src.leading
	}
	for _, inc := range leading {
		if inc.Kind == compiler.IncludePragma {
			// "#pragma GCC pch_preprocess" (a .i written with
			// -fpch-preprocess) loads the file it names.
			if reason := c.addPCH(&found, inc.Name, ""); reason != "" {
				return nil, reason
			}
		}
	}
	if p.Preprocessed {
		return found, ""
	}
	sp := p.SearchPath(func(name string) (string, bool) { return lookupEnv(c.Environ, name) })
	if c.flavor == compiler.FlavorClang {
		return c.clangPCHs(found, sp.Includes)
	}
	w := &pchWalk{c: c, sp: sp}
	var cands []compiler.LeadingInclude
	switch {
	case len(sp.Imacros) > 0 || len(sp.Includes) > 0:
		// The first file opened after the source comes from the command
		// line (-imacros files before -include ones): no #include of the
		// source can be its first. Both first ones are kept (gcc 12 loads
		// no PCH for -imacros, but that is its business).
		if len(sp.Imacros) > 0 {
			cands = append(cands, compiler.LeadingInclude{Kind: includeCmdline, Name: sp.Imacros[0]})
		}
		if len(sp.Includes) > 0 {
			cands = append(cands, compiler.LeadingInclude{Kind: includeCmdline, Name: sp.Includes[0]})
		}
	default:
		for _, inc := range leading {
			switch inc.Kind {
			case compiler.IncludeComputed:
				c.log.printf("the first #include of %s is computed: its precompiled header cannot be known", p.Source)
				return nil, reasonPCHComputed
			case compiler.IncludeQuote, compiler.IncludeAngle:
				cands = append(cands, inc)
			}
		}
	}
	for _, inc := range cands {
		if reason := w.search(inc, &found); reason != "" {
			return nil, reason
		}
	}
	return found, ""
}

// includeCmdline marks a -include or -imacros file among the candidates.
const includeCmdline compiler.IncludeKind = 'i'

// addPCH adds the PCH at path (as the compiler opens it) standing for
// header, unless objcache cannot hash it.
func (c *gccCall) addPCH(found *[]pchFile, path, header string) string {
	fi, err := os.Stat(c.absPath(path))
	switch {
	case err != nil:
		return "" // nothing there for the compiler either
	case !fi.Mode().IsRegular():
		// A directory of PCHs (gcc tries each), or stranger: not hashed.
		c.log.printf("precompiled header %s is not a regular file", path)
		return reasonPCH
	}
	*found = append(*found, pchFile{path: path, header: header})
	return ""
}

// clangPCHs returns the PCHs clang's driver substitutes for -include files:
// for "-include X", X.pch or else X.gch, looked up as given (relative to
// the working directory). Only the first -include gets one (clang warns
// about the others, which is output too): all are hashed.
func (c *gccCall) clangPCHs(found []pchFile, includes []string) ([]pchFile, string) {
	for _, inc := range includes {
		for _, ext := range []string{clangPCHExt, pchExt} {
			n := len(found)
			if reason := c.addPCH(&found, inc+ext, ""); reason != "" {
				return nil, reason
			}
			if len(found) > n {
				break
			}
		}
	}
	return found, ""
}

// pchWalk follows gcc's header search for one call, looking for the PCHs
// it would consider (libcpp's find_file_in_dir and pch_open_file): in each
// directory of the chain, DIR/NAME.gch before DIR/NAME; a valid PCH ends the
// search, and so does the header itself. Whether a PCH is valid is gcc's
// to decide (its flags, its macros), so every PCH up to the directory that
// holds the header is kept. A directory that is not there costs a failed
// stat, as it costs gcc.
type pchWalk struct {
	c  *gccCall
	sp compiler.SearchPath
	// std holds the compiler's standard directories once learned.
	std     []string
	haveStd bool
	// dirStats caches the stat data of directories compared by
	// isSystemDup.
	dirStats map[string]fs.FileInfo
}

// segment is a part of the search chain.
type segment struct {
	dirs []string
	// user is set for the quote and bracket parts, whose directories gcc
	// drops where they duplicate a system directory.
	user bool
	// start is set for the directory searched first (the source's, or the
	// working directory for -include), which the options do not choose.
	start bool
}

// search adds the PCHs gcc may consider for inc to found.
func (w *pchWalk) search(inc compiler.LeadingInclude, found *[]pchFile) string {
	if filepath.IsAbs(inc.Name) {
		return w.c.addPCH(found, inc.Name+pchExt, inc.Name)
	}
	var chain []segment
	switch inc.Kind {
	case includeCmdline:
		chain = append(chain, segment{dirs: []string{"."}, start: true})
	case compiler.IncludeQuote:
		if !w.sp.NoSourceDir {
			chain = append(chain, segment{dirs: []string{filepath.Dir(w.c.p.Source)}, start: true})
		}
	}
	if inc.Kind != compiler.IncludeAngle {
		chain = append(chain, segment{dirs: w.sp.Quote, user: true})
	}
	chain = append(chain, segment{dirs: w.sp.Bracket, user: true}, segment{dirs: w.sp.System})
	for i := 0; ; i++ {
		if i < len(chain) && !chain[i].start && w.sp.Unmodelled != "" {
			w.c.log.printf("include search not followed for precompiled headers: %s", w.sp.Unmodelled)
			return reasonPCHSearch
		}
		if i == len(chain) {
			if w.haveStd {
				return ""
			}
			std, err := w.c.stdIncludeDirs()
			if err != nil {
				w.c.log.printf("standard include directories: %v", err)
				return reasonPCHSearch
			}
			w.std, w.haveStd = std, true
			chain = append(chain, segment{dirs: std}, segment{dirs: w.sp.After})
		}
		for _, dir := range chain[i].dirs {
			path := filepath.Join(dir, inc.Name)
			if reason := w.c.addPCH(found, path+pchExt, path); reason != "" {
				return reason
			}
			fi, err := os.Stat(w.c.absPath(path))
			if err != nil || fi.IsDir() {
				continue // gcc goes on to the next directory
			}
			if chain[i].user {
				dup, reason := w.isSystemDup(dir)
				if reason != "" {
					return reason
				}
				if dup {
					continue // gcc searches it later, among the system directories
				}
			}
			return ""
		}
	}
}

// isSystemDup reports whether dir is also one of the system directories
// (-isystem, the language's variable, the standard ones, -idirafter), the
// same directory by device and inode as gcc compares them: gcc then drops
// it from the quote and bracket parts of the chain.
func (w *pchWalk) isSystemDup(dir string) (bool, string) {
	if !w.haveStd {
		std, err := w.c.stdIncludeDirs()
		if err != nil {
			w.c.log.printf("standard include directories: %v", err)
			return false, reasonPCHSearch
		}
		w.std, w.haveStd = std, true
	}
	if w.dirStats == nil {
		w.dirStats = map[string]fs.FileInfo{}
	}
	stat := func(d string) fs.FileInfo {
		abs := w.c.absPath(d)
		if fi, ok := w.dirStats[abs]; ok {
			return fi
		}
		fi, err := os.Stat(abs)
		if err != nil {
			fi = nil
		}
		w.dirStats[abs] = fi
		return fi
	}
	self := stat(dir)
	if self == nil {
		return false, ""
	}
	for _, part := range [][]string{w.sp.System, w.std, w.sp.After} {
		for _, d := range part {
			if other := stat(d); other != nil && os.SameFile(self, other) {
				return true, ""
			}
		}
	}
	return false, ""
}

// stdIncludeDirs returns the compiler's standard include directories for
// this call, learned by a -E -v run (compiler.Invocation.StdDirsArgs) once
// per compiler identity, language, arguments that may choose them,
// environment and working directory, and remembered in a machine-local
// record beside the compiler's identity.
func (c *gccCall) stdIncludeDirs() ([]string, error) {
	args := c.p.StdDirsArgs()
	h := digest.New()
	h.String("standard include directories")
	h.Sum(c.pch.compilerID)
	h.String(c.Dir)
	h.Strings(args)
	for _, name := range []string{"GCC_EXEC_PREFIX", "COMPILER_PATH"} {
		v, _ := lookupEnv(c.Environ, name)
		h.String(name + "=" + v)
	}
	for _, f := range c.p.InputFiles { // -specs= files can change them
		h.Sum(c.keyed[f])
	}
	record := filepath.Join(c.Config.Dir, "compilers", h.Result().String()+".incdirs")
	if dirs, ok := decodeIncludeDirs(record); ok {
		return dirs, nil
	}
	env := c.childEnv()
	for _, name := range []string{"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH",
		"OBJCPLUS_INCLUDE_PATH", "LANGUAGE", "DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES"} {
		env = unsetEnv(env, name)
	}
	res, err := c.runProbe(args, setEnv(env, "LC_ALL", "C"))
	if err != nil {
		return nil, err
	}
	dirs, ok := compiler.ParseStdDirs(res.stderr)
	if res.status != 0 || !ok {
		return nil, errors.New("the compiler printed no include search list (-E -v)")
	}
	c.log.printf("standard include directories: %q", dirs)
	writeRecord(c.Store, record, encodeIncludeDirs(dirs))
	return dirs, nil
}

// encodeIncludeDirs writes a record of standard include directories: a
// magic line, a directory per line, and "end".
func encodeIncludeDirs(dirs []string) []byte {
	return []byte(includeDirsMagic + strings.Join(append(dirs, "end"), "\n") + "\n")
}

// decodeIncludeDirs reads a record written by encodeIncludeDirs; ok is
// false when it is missing or damaged.
func decodeIncludeDirs(path string) ([]string, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	body, found := strings.CutPrefix(string(data), includeDirsMagic)
	body, complete := strings.CutSuffix(body, "end\n")
	if !found || !complete {
		return nil, false
	}
	dirs := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if body == "" {
		dirs = nil
	}
	return dirs, true
}
