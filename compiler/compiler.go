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

// Identify returns the family and flavor of the compiler named by path, from
// its base name: gcc, g++, cc, c++, clang, clang++, with version suffixes
// (gcc-12, clang++-14) and target triplets (x86_64-linux-gnu-gcc-12), and an
// optional .exe. override is the compiler_type setting ("gcc", "clang",
// "msvc", "clang-cl" or ""), which wins when set. ok is false when the name
// says nothing and there is no override.
func Identify(path, override string) (family Family, flavor Flavor, ok bool) {
	panic("unimplemented")
}

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
	// depfile (-specs=, -fplugin=, -fprofile-use=): their content joins the
	// key.
	InputFiles []string
	// Recording is true when the object records its own command line or
	// output path (-grecord-command-line, -frecord-gcc-switches,
	// -fprofile-arcs, -fprofile-generate). Then the output path and working
	// directory join the key, and the miss run gets no added flag and writes
	// the user's own output path.
	Recording bool
	// DebugInfo is true when -g (other than -g0) is in effect: the object
	// embeds the working directory.
	DebugInfo bool
	// PrefixMapped is true when -fdebug-prefix-map, -ffile-prefix-map or
	// -fdebug-compilation-dir make the object independent of the working
	// directory.
	PrefixMapped bool
	// Color is the user's own colour choice: "" (not given), "always",
	// "never" or "auto".
	Color string
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
	// HasTarget is true when -MT or -MQ name the target; otherwise the
	// target is the output path, quoted as -MQ quotes.
	HasTarget bool
	// Phony is -MP.
	Phony bool
}

// Parse reads a GCC-family command line (without the compiler itself).
// Response files (@file) are expanded relative to cwd; one that cannot be
// read makes the call uncacheable ("bad-response-file"), it is not an error.
// flavor selects flavor-specific options.
func Parse(flavor Flavor, args []string, cwd string) *Invocation {
	panic("unimplemented")
}

// MissPlan says how to rewrite a cacheable invocation for the run that fills
// the cache.
type MissPlan struct {
	// Output, if not empty, replaces the output path (-o).
	Output string
	// Depfile, if not empty, is where the dependency file goes: it replaces
	// the user's -MF, or comes with an added -MD when the user asked for
	// none.
	Depfile string
	// PinTarget, if not empty, is added as -MQ so that the depfile names the
	// user's output rather than the temporary one.
	PinTarget string
	// ListIncludes adds -H, so that the include list, system headers too,
	// appears on stderr (used with -MMD, whose depfile omits system headers).
	ListIncludes bool
	// Color asks the compiler for coloured diagnostics.
	Color bool
}

// MissArgs returns the arguments for the run that fills the cache.
func (inv *Invocation) MissArgs(p MissPlan) []string { panic("unimplemented") }

// DependencyArgs returns the arguments of a separate preprocessor pass that
// writes a full dependency file (system headers too) to depfile and nothing
// else: for compilers whose object records its command line, where objcache
// adds no flag to the real compile.
func (inv *Invocation) DependencyArgs(depfile string) []string { panic("unimplemented") }

// HashedEnv lists the environment variables that change a GCC-family
// compiler's result.
func HashedEnv() []string { panic("unimplemented") }

// ParseDepfile returns the prerequisites of the first rule of a Make
// dependency file (the source and every header, in order, unescaped), and
// the byte length of its first target text (so that a hit can replace the
// target).
func ParseDepfile(data []byte) (prereqs []string, targetLen int, err error) {
	panic("unimplemented")
}

// SplitIncludeList separates the -H include listing from a compiler's stderr:
// it returns the headers listed (in order, duplicates kept out) and stderr
// without the listing (and without gcc's "Multiple include guards may be
// useful for:" block), byte-identical to what the compiler prints without -H.
func SplitIncludeList(stderr []byte) (headers []string, rest []byte) {
	panic("unimplemented")
}

// QuoteTarget quotes a path as a Make target the way gcc's -MQ does.
func QuoteTarget(path string) string { panic("unimplemented") }
