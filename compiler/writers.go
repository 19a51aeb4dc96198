package compiler

// Writer says how a compiler opens an output file, which decides what
// becomes of what the output path names before the compile: a symbolic
// link kept or replaced, a file's mode and inode kept or new, a device
// written into. objcache reproduces the outcome when it puts a file in
// place of the compiler (launcher/output_place.go). Observed with gcc 12
// (binutils 2.40) and clang 14 on Linux.
type Writer int

const (
	// WriteThrough is fopen(path, "w"): the file the path leads to,
	// through any symbolic links, is truncated and written, keeping its
	// inode, mode and owner; a missing one is created, at a dangling
	// link's target. Depfiles of every compiler, gcc's -S output, and
	// clang's integrated assembler (cc1as, for .s and .S sources).
	WriteThrough Writer = iota
	// WriteUnlinkNonEmpty is GNU as (BFD's bfd_open_file): when the path
	// leads to a file that is not empty, the path itself, a regular file
	// or a symbolic link, is unlinked first and a new regular file takes
	// its place; otherwise as WriteThrough. Its output is written with
	// seeks, so a FIFO fails. gcc's -c, clang's -fno-integrated-as -c.
	WriteUnlinkNonEmpty
	// WriteReplace is LLVM's output file: a temporary beside the path is
	// renamed over the path itself (a symbolic link is replaced, a
	// dangling one too), with a new mode; a path that leads to something
	// other than a regular file (a device, a FIFO) is written directly.
	// clang's -c and -S, clang-cl's /Fo.
	WriteReplace
)

// ObjectWriter returns how the compiler writes the invocation's output
// (-o or its default name).
func (inv *Invocation) ObjectWriter() Writer {
	assembleOnly, integratedAs := false, true
	for i := 0; i < len(inv.Args); i++ {
		arg := inv.Args[i]
		if arg == "--" {
			break
		}
		switch arg {
		case "-fno-integrated-as", "-no-integrated-as":
			integratedAs = false
			continue
		case "-fintegrated-as", "-integrated-as":
			integratedAs = true
			continue
		}
		if !isOption(arg) {
			continue
		}
		opt, ok := lookupOption(arg, inv.Flavor)
		if !ok {
			continue
		}
		if opt.role == roleAssemble {
			assembleOnly = true
		}
		if takesNext(opt, arg) {
			i++ // the option's value is not an option
		}
	}
	switch {
	case inv.Flavor != FlavorClang && assembleOnly:
		return WriteThrough // cc1's assembly output
	case inv.Flavor != FlavorClang:
		return WriteUnlinkNonEmpty
	case assembleOnly:
		return WriteReplace
	case !integratedAs:
		return WriteUnlinkNonEmpty
	case inv.Lang == "assembler" || inv.Lang == "assembler-with-cpp":
		return WriteThrough // cc1as
	default:
		return WriteReplace
	}
}

// ObjectWriter returns how the compiler writes an object (/Fo): as LLVM
// does, for clang-cl (also under the name cl.exe, so the flavor cannot
// tell) and for cl.exe, whose outputs on Windows are regular files or the
// NUL device, which WriteReplace writes into.
func (inv *MSVCInvocation) ObjectWriter() Writer { return WriteReplace }

// NeedsWritableFile reports whether a compiler writing with w fails,
// rather than replacing it, on an existing regular file of size bytes
// that this process may not write (access(2) refuses W_OK): fopen "w"
// fails on it (WriteThrough, and GNU as on an empty file), and LLVM checks
// access(W_OK) before it writes anything (WriteReplace: clang refuses a
// read-only object it would replace by rename). GNU as unlinks a file
// that is not empty and creates another, which only its directory's
// permissions decide.
func (w Writer) NeedsWritableFile(size int64) bool {
	return w != WriteUnlinkNonEmpty || size == 0
}

// RecordsSwitchesOnly reports whether gcc's -frecord-gcc-switches is all
// that makes a gcc invocation Recording. Such an object does not depend
// on its output's name nor on the options a miss adds: gcc 12 records the
// options as its producer string shows them, without -o, -D, -I, the -M
// options, -fdiagnostics-color and the input (checked by comparing objects
// compiled with and without them), so the compile can write into a
// staging directory like any other. Profile options (the .gcda path is the
// object's) and clang's -frecord-command-line (it records the whole
// command line) make it false.
func (inv *Invocation) RecordsSwitchesOnly() bool {
	if inv.Flavor != FlavorGCC {
		return false
	}
	switches, other := false, false
	for i := 0; i < len(inv.Args); i++ {
		arg := inv.Args[i]
		if arg == "--" {
			break
		}
		if !isOption(arg) {
			continue
		}
		opt, ok := lookupOption(arg, inv.Flavor)
		if !ok {
			continue
		}
		switch {
		case opt.name == "-frecord-gcc-switches":
			switches = true
		case opt.name == "-fno-record-gcc-switches":
			switches = false
		case opt.role == roleRecord, opt.role == roleProfileUse, opt.role == roleBranchProb:
			other = true
		}
		if opt.form == separate || (opt.form == joinedSep && arg == opt.name) {
			i++ // the option's value is not an option
		}
	}
	return switches && !other
}
