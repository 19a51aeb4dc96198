package launcher

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/objcache/objcache/beside"
	"github.com/objcache/objcache/rawpath"
)

// place puts data at the destination of plan p (DESIGN.md §4 rule 6): by
// rename of a file from the cache's tmp/ where the destination is on the
// same file system (staged, the file the compiler wrote on a miss, or one
// staged now from data), else by a temporary beside the destination and a
// rename; or, as p says, by writing into the node there. A replacement the
// destination's directory refuses becomes a write into the existing file,
// as the compiler's would. An error means the output is not in place; the
// caller lets the compiler itself write it (or report why it cannot).
func (inv *invocation) place(p outputPlan, data []byte, staged string) error {
	if p.into {
		return writeInto(p, data)
	}
	err := inv.replace(p, data, staged)
	if err != nil && p.intoIfDenied && isDenied(err) && writable(p.dest) == nil {
		return writeInto(p, data)
	}
	return err
}

// replace makes a new file holding data at p.dest.
func (inv *invocation) replace(p outputPlan, data []byte, staged string) error {
	if inv.movable(p.dest) && !p.inDir {
		exact, own := false, false
		if staged == "" && !inv.Config.ReadOnly {
			if s, err := inv.Store.StageOutput(data, p.perm); err == nil {
				staged, exact, own = s, true, true
			}
		}
		if staged != "" {
			err := fitAndRename(staged, p, exact)
			if err != nil && own {
				os.Remove(staged)
			}
			if err == nil || isDenied(err) {
				return err
			}
			// Another file system after all (a bind mount): copy.
			inv.log.printf("output %s: %v: copying instead", p.path, err)
		}
	}
	return inv.copyBeside(p, data)
}

// fitAndRename gives the staged file the plan's mode and owner (exact:
// it has the mode already) and renames it to p.dest.
func fitAndRename(staged string, p outputPlan, exact bool) error {
	if !exact {
		if err := os.Chmod(staged, p.perm); err != nil {
			return fmt.Errorf("output %s: %w", p.path, err)
		}
	}
	if err := chownTo(staged, p); err != nil {
		return err
	}
	if err := os.Rename(staged, p.dest); err != nil {
		return fmt.Errorf("output %s: %w", p.path, err)
	}
	return nil
}

// chownTo gives the file at path the plan's owner, where the plan names
// one (a replacement of a file the compiler would write into). Failing that
// (only root may give a file away), the error is a permission error: a
// replacement would show, so the caller writes into the existing file
// instead. A chown to the owner and group the file has already is allowed
// to anyone, and costs one system call, less than a stat to avoid it.
func chownTo(path string, p outputPlan) error {
	if p.uid < 0 && p.gid < 0 {
		return nil
	}
	if err := os.Lchown(path, p.uid, p.gid); err != nil {
		return fmt.Errorf("output %s: owner: %w", p.path, err)
	}
	return nil
}

// copyBeside writes data to a new file beside p.dest and renames it over
// p.dest. Where the file system has unnamed files (Linux), the file has no
// name until its data is complete (beside.Unnamed): a SIGKILL then leaves
// nothing. Elsewhere it is a named temporary, registered with the janitor,
// so that a signal removes it, and locked (package beside), so that after
// a SIGKILL, which nothing catches, the next objcache writing this output,
// or `objcache clean`, removes it; the cache's journal names its directory
// for clean.
func (inv *invocation) copyBeside(p outputPlan, data []byte) error {
	if !inv.Config.ReadOnly {
		inv.Store.NoteBesideDir(rawpath.Dir(p.dest))
	}
	u, err := beside.CreateUnnamed(rawpath.Dir(p.dest), p.perm)
	switch {
	case err == nil:
		err = inv.publishUnnamed(u, p, data)
		if err != nil && !isDenied(err) {
			// A link refused where files are made (no /proc for the
			// link of an unprivileged process): a named temporary may do.
			inv.log.printf("output %s: %v: through a named temporary instead", p.path, err)
			err = inv.copyNamed(p, data)
		}
	case errors.Is(err, errors.ErrUnsupported):
		err = inv.copyNamed(p, data)
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", p.path, err)
	}
	// Clean up after writers of this output that were killed.
	if n := beside.ReclaimSlots(p.dest, ""); n > 0 {
		inv.log.printf("output %s: removed %d temporaries of killed writers", p.path, n)
	}
	return nil
}

// publishUnnamed writes data into the unnamed file u, gives it the plan's
// mode and owner and names it p.dest.
func (inv *invocation) publishUnnamed(u *beside.Unnamed, p outputPlan, data []byte) error {
	f := u.File
	err := fill(f, p, data)
	if err == nil && (p.uid >= 0 || p.gid >= 0) {
		if err = f.Chown(p.uid, p.gid); err != nil {
			err = fmt.Errorf("owner: %w", err)
		}
	}
	if err == nil {
		err = u.Publish(p.dest, inv.janitor.createBy, inv.janitor.forget)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// fill gives the new file f the plan's mode and writes data into it.
func fill(f *os.File, p outputPlan, data []byte) error {
	if !p.inDir { // else the directory's default ACL has set the mode
		if err := f.Chmod(p.perm); err != nil { // the umask has cut the creation mode
			return err
		}
	}
	_, err := f.Write(data)
	return err
}

// copyNamed writes data into a named temporary beside p.dest (beside.Create)
// and renames it over p.dest.
func (inv *invocation) copyNamed(p outputPlan, data []byte) error {
	tmp, err := beside.Create(p.dest, p.perm, inv.janitor.create, inv.janitor.forget)
	if err != nil {
		return err
	}
	defer tmp.Release()
	f := tmp.File
	err = fill(f, p, data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = chownTo(tmp.Path, p)
	}
	if err == nil {
		err = os.Rename(tmp.Path, p.dest)
	}
	if err != nil {
		inv.janitor.remove(tmp.Path)
		return err
	}
	inv.janitor.forget(tmp.Path)
	return nil
}

// writeInto writes data into the existing node at p.dest, as a compiler
// opening it with fopen would: truncated first if it is a regular file,
// never created, unlinked or renamed over.
func writeInto(p outputPlan, data []byte) error {
	flag := os.O_WRONLY
	if p.trunc {
		flag |= os.O_TRUNC
	}
	f, err := os.OpenFile(p.dest, flag, 0)
	if err != nil {
		return fmt.Errorf("output %s: %w", p.path, err)
	}
	if p.seek {
		if _, err := f.Seek(0, io.SeekCurrent); err != nil {
			f.Close()
			return fmt.Errorf("output %s: the compiler cannot write it: %w", p.path, err)
		}
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("output %s: %w", p.path, err)
	}
	return nil
}

// isDenied reports whether err says that permissions, or a read-only file
// system, refused the operation.
func isDenied(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}
