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
