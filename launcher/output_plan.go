package launcher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/rawpath"
)

// Outcomes of a call that passes through because objcache cannot put an
// output where the compiler would: the compiler itself then runs once and
// does, or reports, what it does alone.
const (
	// outcomeUnwritableOutput: no file can be made at the output path (its
	// directory is missing or not writable and no writable file is there,
	// a symbolic link loop, a path too long…), or it leads to a directory,
	// a socket, a block device, or a FIFO that the compiler cannot write
	// into (GNU as seeks in its output). Counted with the hits that cannot
	// be written, as ccache counts all of them as bad_output_file.
	outcomeUnwritableOutput = errorOutput
	// outcomeSharedOutput: the object and the depfile are one file.
	outcomeSharedOutput = prefixUncacheable + "shared-output"
)

// An outputPlan says how objcache puts one output file where the compiler
// would have left it (compiler.Writer describes what that is). It is made
// before the compile, so that an output that cannot be put in place costs
// one compile (the compiler's own, passed through), not two.
//
// Either the file at dest is replaced by rename, atomically (DESIGN.md §4
// rule 6), by a new file with mode perm and owner uid:gid; or, where the
// compiler writes into an existing node and a replacement could not be told
// from it (a device, a FIFO, a file with other hard links or an owner
// objcache cannot give, a file in a directory objcache cannot write), the
// node at dest is opened and written into, as the compiler would.
type outputPlan struct {
	// path is the user's output path (absolute); dest is the file acted
	// on: path, or the final target of the symbolic links at path.
	path, dest string
	// into writes into the existing node at dest instead of replacing it;
	// trunc truncates it first (a regular file); seek requires it to seek
	// (GNU as fails on a node that cannot).
	into, trunc, seek bool
	// perm, uid and gid are the replacement's mode and owner (uid and gid
	// -1: the creator's, as for a file the compiler creates).
	perm     os.FileMode
	uid, gid int
	// intoIfDenied writes into the existing file at dest when the
	// directory refuses the replacement, as the compiler does.
	intoIfDenied bool
	// inDir makes the replacement in dest's directory with mode perm,
	// 0666 as the compiler asks, and leaves the mode the kernel gives it:
	// the directory has a default ACL, which sets a new file's mode and
	// ACL in place of the umask.
	inDir bool
	// found is the stat data of the file path leads to (through links)
	// when the plan was made, found false when there was none or the
	// platform gives no file identity: to tell an output that is one of
	// the call's inputs (isFile).
	found   statEntry
	isFound bool
}

// errUnplaceable reports an output that cannot be put where the compiler
// would: the call passes through. outcome is the counted outcome.
type errUnplaceable struct {
	outcome string
	err     error
}

func (e *errUnplaceable) Error() string { return e.err.Error() }
func (e *errUnplaceable) Unwrap() error { return e.err }

func unplaceable(outcome, format string, args ...any) error {
	return &errUnplaceable{outcome: outcome, err: fmt.Errorf(format, args...)}
}

// unplaceableOutcome returns the counted outcome of an error of planOutput.
func unplaceableOutcome(err error) string {
	var u *errUnplaceable
	if errors.As(err, &u) {
		return u.outcome
	}
	return outcomeUnwritableOutput
}

// planOutput decides how an output the compiler writes with w goes to
// path (absolute), given what path names now. umask gives a new file's
// mode, 0666 &^ umask, as the compiler would create it.
func planOutput(path string, w compiler.Writer, umask os.FileMode) (outputPlan, error) {
	fresh := outputPlan{path: path, dest: path, trunc: true, perm: 0o666 &^ umask, uid: -1, gid: -1}
	lst, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fresh.checked()
	case err != nil:
		return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: %w", path, err)
	case lst.Mode()&fs.ModeSymlink != 0:
		return planThroughLink(fresh, w)
	}
	fresh.found, fresh.isFound = statOf(lst)
	if !lst.Mode().IsRegular() {
		return planSpecial(fresh, lst, w)
	}
	// A regular file.
	if w.NeedsWritableFile(lst.Size()) {
		if err := writable(path); err != nil {
			return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: the compiler cannot write it: %w", path, err)
		}
	}
	if w == compiler.WriteReplace || (w == compiler.WriteUnlinkNonEmpty && lst.Size() > 0) {
		fresh.intoIfDenied = true
		return fresh.checked()
	}
	return planKeep(fresh, path, lst)
}

// planThroughLink plans an output whose path is a symbolic link.
func planThroughLink(fresh outputPlan, w compiler.Writer) (outputPlan, error) {
	path := fresh.path
	st, err := os.Stat(path)
	if err == nil {
		fresh.found, fresh.isFound = statOf(st)
		if st.Mode().IsRegular() && w.NeedsWritableFile(st.Size()) {
			if werr := writable(path); werr != nil {
				return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: the compiler cannot write it: %w", path, werr)
			}
		}
	}
	switch {
	case err == nil && !st.Mode().IsRegular():
		return planSpecial(fresh, st, w)
	case err == nil && (w == compiler.WriteReplace || (w == compiler.WriteUnlinkNonEmpty && st.Size() > 0)):
		// The compiler replaces the link itself with a new file.
		fresh.intoIfDenied = true
		return fresh.checked()
	case err == nil:
		// The compiler writes through the link into its target.
		final, err := linkTarget(path)
		if err != nil {
			return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: %w", path, err)
		}
		if fi, err := os.Lstat(final); err != nil || !os.SameFile(fi, st) {
			// A link the kernel resolves its own way (/proc/self/fd/N),
			// or one changing meanwhile.
			return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: its link chain does not lead to the file it opens", path)
		}
		return planKeep(fresh, final, st)
	case errors.Is(err, fs.ErrNotExist) && w == compiler.WriteReplace:
		return fresh.checked() // a dangling link is replaced too
	case errors.Is(err, fs.ErrNotExist):
		// fopen creates the missing target of a dangling link.
		final, err := linkTarget(path)
		if err != nil {
			return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: %w", path, err)
		}
		fresh.dest = final
		return fresh.checked()
	default:
		// A loop, a component that is not a directory, no permission:
		// the compiler reports it.
		return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: %w", path, err)
	}
}

// planSpecial plans an output whose path leads to something other than a
// regular file (st, through any links): devices and FIFOs are written
// into, where the compiler can write them.
func planSpecial(fresh outputPlan, st fs.FileInfo, w compiler.Writer) (outputPlan, error) {
	m := st.Mode()
	fresh.into, fresh.trunc = true, false
	switch {
	case m&fs.ModeCharDevice != 0:
		fresh.seek = w == compiler.WriteUnlinkNonEmpty
		return fresh.checked()
	case m&fs.ModeNamedPipe != 0 && w != compiler.WriteUnlinkNonEmpty:
		return fresh.checked()
	}
	return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s is a %v", fresh.path, m.Type())
}

// planKeep plans an output the compiler writes into the existing regular
// file at dest (st): a replacement with its mode and owner, or, where a
// replacement would show (other hard links, mode bits beyond the
// permissions, extended attributes, which hold ACLs and security labels
// too), a write into it, as the compiler's own. The replacement keeps the
// atomicity of DESIGN.md §4 rule 6 wherever it cannot be told from the
// file the compiler would leave; where it could, the compiler's way wins,
// which is no less atomic than the compiler alone.
func planKeep(fresh outputPlan, dest string, st fs.FileInfo) (outputPlan, error) {
	fresh.dest, fresh.perm, fresh.intoIfDenied = dest, st.Mode().Perm(), true
	uid, gid, links, ok := fileOwner(st)
	switch {
	case !ok || links > 1 || st.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 || hasXattrs(dest):
		fresh.into = true
	default:
		fresh.uid, fresh.gid = uid, gid
	}
	return fresh.checked()
}

// checked makes sure a replacement can be made at p.dest, turning it into
// a write into the existing file where the compiler would write into it
// (its directory is not writable), and reporting an output that cannot be
// put in place.
func (p outputPlan) checked() (outputPlan, error) {
	if p.into {
		if err := writable(p.dest); err != nil {
			return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: %w", p.path, err)
		}
		return p, nil
	}
	dir := rawpath.Dir(p.dest)
	derr := writableDir(dir)
	if derr == nil && hasDefaultACL(dir) {
		if p.uid >= 0 || p.gid >= 0 {
			// A replacement of a file the compiler writes into would
			// get the directory's ACL: write into the file, as it does.
			p.into = true
			return p.checked()
		}
		p.perm, p.inDir = 0o666, true
	}
	if derr == nil {
		return p, nil
	}
	if p.intoIfDenied && writable(p.dest) == nil {
		p.into = true
		return p, nil
	}
	return outputPlan{}, unplaceable(outcomeUnwritableOutput, "output %s: directory: %w", p.path, derr)
}

// isFile reports whether the plan's path led to the file whose stat data
// are st when the plan was made.
func (p outputPlan) isFile(st statEntry) bool {
	return p.isFound && st.dev == p.found.dev && st.ino == p.found.ino
}

// sameFile reports whether two plans act on one file.
func (p outputPlan) sameFile(o outputPlan) bool {
	if p.dest == o.dest || p.path == o.path {
		return true
	}
	a, aerr := os.Stat(p.path)
	b, berr := os.Stat(o.path)
	return aerr == nil && berr == nil && os.SameFile(a, b)
}
