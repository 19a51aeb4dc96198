// Package compiler understands compiler command lines: which family a
// compiler belongs to, what one invocation compiles and writes, which of its
// arguments change the result, whether it can be cached, and how to rewrite
// it for the one run that fills the cache.
//
// One file per family: gcc.go (gcc, g++, cc, c++, clang, clang++ and their
// versioned, triplet and path forms). Options are recognized from a table by
// longest match; an unknown option is hashed as written and passed on.
package compiler

// Family is a command-line dialect.
type Family string

// The families objcache understands.
const (
	GCC  Family = "gcc"  // gcc, g++, cc, c++, clang, clang++
	MSVC Family = "msvc" // cl.exe, clang-cl
)

// Flavor distinguishes compilers of one family whose extra flags differ
// (colour options, what the object records by default).
type Flavor string

// The flavors of the GCC family.
const (
	FlavorGCC   Flavor = "gcc"
	FlavorClang Flavor = "clang"
)

// Invocation is one parsed command line of the GCC family.
type Invocation struct {
	Family Family
	Flavor Flavor

	// Args are the arguments with @response files expanded: what the miss
	// run starts from.
	Args []string

	// Reason is empty when the call can be cached; otherwise it names why not
	// in a form usable as a statistics counter ("linking", "preprocess-only",
	// "multiple-sources", "stdin-source", "save-temps", "coverage",
	// "split-dwarf", "syntax-only", "output-to-stdout", "no-source",
	// "unhashable-input", "extra-output", "bad-response-file", …).
	Reason string

	// Source is the one source file, exactly as the compiler sees it.
	Source string
	// Lang is the language, from -x or the source's extension ("c", "c++",
	// "objective-c", "assembler-with-cpp", …).
	Lang string
	// Output is the file the compiler writes (-o, or the default name: the
	// source's base name with .o, or .s under -S), as given.
	Output string
	// Depfile describes the dependency file the user asked for; nil if none.
	Depfile *Depfile

	// HashArgs are the arguments that affect the result, in order, with the
	// output paths (-o, -MF) removed and everything else as written.
	HashArgs []string
	// InputFiles are files read by the compiler that never appear in a
	// depfile (-specs=, -fplugin=, -fsanitize-ignorelist=): their content
	// joins the key. Each exists (else the call is not cacheable).
	InputFiles []string
	// ProfileInputs are the profile feedback files the compiler may read
	// (profile.go): each one's content, or that it is absent or a
	// directory, joins the key, so that a profile that changes or appears
	// later misses.
	ProfileInputs []string
	// IncludeDirs are the include directories of the command line
	// (includedirs.go): whether each exists joins the key, so that a
	// directory created later in the search path misses.
	IncludeDirs []string
	// SystemIncludeDirs are those of the system kind (-isystem,
	// -idirafter…), as Args spells them: gcc names a header found there by
	// its real path when that is shorter.
	SystemIncludeDirs []string
	// NativeArgs are the options whose meaning the driver decides on this
	// host (-march=native, -mtune=native, -mcpu=native) followed by those
	// that change that decision (-target, -m32, …); nil without a native
	// option. The driver's expansion of them joins the key (DESIGN.md §2).
	NativeArgs []string
	// TimeMacros are the time macros the arguments name (-DSTAMP=__TIME__):
	// the compiler expands them in the source as if written there.
	TimeMacros TimeMacros
	// Recording is true when the object records its own command line or
	// output path (-grecord-command-line, -frecord-gcc-switches,
	// -fprofile-arcs, -fprofile-generate), or when the compiler finds a
	// file by the object's name (the .gcda of -fprofile-use). Then the
	// output path and working directory join the key, and the miss run
	// gets no added flag and writes the user's own output path.
	Recording bool
	// ProfileNamesSource is true when profile feedback is made or used
	// (-fprofile-generate, -fprofile-arcs, -fprofile-use, clang's
	// -fprofile-instr-generate and -fprofile-instr-use, sample and auto
	// profiles, -fbranch-probabilities, -fprofile-list=): the profile
	// matches functions by the source file's name as the command spells
	// it (gcc's checksums, clang's names of static functions), so base
	// dirs must not rewrite it (break-it round 11: gcc refused the profile
	// of its own build, "source locations for function 'main' have
	// changed").
	ProfileNamesSource bool
	// DebugInfo is true when debug information is on: -g (other than -g0)
	// in effect, flipped once by -gtoggle, assembler debug information
	// (-Wa,-g), cc1's (-Xclang -debug-info-kind=), or an assembler source
	// (its .loc lines). The object embeds the working directory (see
	// KeyDir).
	DebugInfo bool
	// CoverageMapping is true for clang's -fcoverage-mapping, whose
	// coverage data embeds the working directory too.
	CoverageMapping bool
	// PrefixMapped is true when -fdebug-prefix-map, -ffile-prefix-map or
	// -fdebug-compilation-dir are given. What the object then embeds
	// depends on whether they match the working directory: KeyDir decides.
	PrefixMapped bool
	// Color is the user's own colour choice: "" (not given), "always",
	// "never" or "auto".
	Color string
	// Rebased are the paths base dirs rewrote in Args (ParseRebased), the
	// source among them, in order: the launcher keys how the user spelled
	// each (launcher/gcc_userdep.go).
	Rebased []RebasedPath
	// ColorArgs are the colour options that made it, in order. They are
	// not in HashArgs: a launcher that stores diagnostics coloured and
	// strips them on replay needs no key for them, and one that cannot
	// must key them itself.
	ColorArgs []string
	// Preprocessed is true for inputs the compiler does not preprocess
	// (.i, .ii, .s): they include no files and get no depfile.
	Preprocessed bool

	// Where the output and depfile paths stand in Args, for MissArgs.
	out, mf argRef
	// dashDash is the index in Args of clang's "--" (every argument
	// after it is an input), or -1: options objcache adds go before it.
	dashDash int
	// dirs says what the object embeds of the working directory, for
	// KeyDir.
	dirs embedding
}

// argRef locates an option's value in Args: at Args[at] after a prefix of
// the option name ("-ofoo": prefix "-o") or, when prefix is empty, as the
// whole of Args[at].
// at < 0 means the option is absent.
type argRef struct {
	at     int
	prefix string
}

// DepMode is the kind of dependency file asked for.
type DepMode string

// The dependency file kinds.
const (
	DepAll  DepMode = "MD"  // every header, system headers too
	DepUser DepMode = "MMD" // user headers only
)

// Depfile is a user's request for a dependency file alongside the object.
type Depfile struct {
	Mode DepMode
	// Path is where the compiler writes it: -MF, or the output with its
	// suffix replaced by .d.
	Path string
	// Target is what the compiler names as the target when no -MT or -MQ
	// does: the output given with -o, else the object's default name
	// (t.o, also under -S).
	Target string
	// HasTarget is true when -MT or -MQ name the target; otherwise the
	// target is Target, quoted as -MQ quotes.
	HasTarget bool
	// Targets are the -MT and -MQ targets in order, as the depfile shows
	// them (-MQ's quoted); quoted says which -MQ gave.
	Targets []string
	quoted  []bool
	// Phony is -MP.
	Phony bool
}

// RebasedPath is one path base dirs rewrote: Orig as the user wrote it
// (absolute), Rel as the compiler was given it.
type RebasedPath struct {
	Rel, Orig string
}

// RuleTargets returns the targets the depfile's first rule names, in the
// order the compiler of flavor writes them: clang in the command's order.
// gcc's driver hands cc1 the -MQ targets first, then the -MT ones (its
// specs), and cc1 moves each -MT target before the -MQ ones by swapping it
// with the first of them (mkdeps.cc, deps_add_target).
func (d *Depfile) RuleTargets(flavor Flavor) []string {
	if !d.HasTarget {
		return []string{QuoteTarget(d.Target)}
	}
	if flavor == FlavorClang || len(d.quoted) != len(d.Targets) {
		return d.Targets
	}
	var order []int
	for _, quoted := range []bool{true, false} {
		for i := range d.Targets {
			if d.quoted[i] == quoted {
				order = append(order, i)
			}
		}
	}
	out := make([]string, 0, len(d.Targets))
	lwm := 0 // the first quoted target's index
	for _, i := range order {
		t := d.Targets[i]
		if !d.quoted[i] {
			if lwm != len(out) {
				out[lwm], t = t, out[lwm]
			}
			lwm++
		}
		out = append(out, t)
	}
	return out
}
