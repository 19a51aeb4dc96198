package launcher

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/objcache/objcache/compiler"
)

// Under base dirs the compiler runs with relative paths (-I../inc for the
// user's -I/ci/job1/inc), and the depfile it writes names files through
// them (../inc/x.h) where the user's command names them through the
// user's spelling (/ci/job1/inc/x.h, /ci/job1/build/../inc/x.h, inc/x.h
// for a relative -Iinc). Guessing the user's names back from the
// rewritten ones went wrong in every round of break-it (a relative
// -include's neighbours, -I. beside an absolute source, CPATH, gcc's
// canonical system-header names, clang's "//" and tabs), so a miss asks
// the compiler: a preprocessor pass of the call as the user wrote it
// (compiler.Invocation.UserDepfileArgs), beside the compile, writes the
// user's depfile exactly. That depfile is what the user gets and what is
// stored, location-free (basedir.Mapper.Encode keeps every byte after the
// part a path shares with the working directory), so a hit in another
// checkout writes that checkout's names. The key holds the spelling of
// every rewritten path (userSpellings), so two calls that share an entry
// spell their depfiles alike.

// wantsUserDepfile reports whether a miss needs the pass: base dirs
// rewrote the call and the user asked for a depfile.
func (c *gccCall) wantsUserDepfile() bool {
	return c.base != nil && c.p.Depfile != nil && len(c.p.Rebased) > 0
}

// userDepfileRun is the pass in flight: wait returns the depfile it wrote,
// or an error when it wrote none (the call then runs as the user wrote it,
// which writes the user's depfile itself).
type userDepfileRun struct {
	path string
	done chan struct{}
	dep  []byte
	err  error
	once sync.Once
}

// reasonUserDepfile counts a miss not stored because the pass wrote no
// depfile (the compiler then ran as given).
const reasonUserDepfile = "user-depfile-pass"

// startUserDepfile starts the pass, which only reads and so runs beside
// the compile; its file is staged in the cache's tmp/. A pass that cannot
// start reports why through wait.
func (c *gccCall) startUserDepfile() *userDepfileRun {
	r := &userDepfileRun{done: make(chan struct{})}
	user := compiler.Parse(c.flavor, c.args, c.Dir)
	if user.Reason != "" || user.Depfile == nil {
		r.err = fmt.Errorf("the call as written parses otherwise (%s)", user.Reason)
		close(r.done)
		return r
	}
	if r.path, r.err = c.stageTemp(); r.err != nil {
		close(r.done)
		return r
	}
	target := ""
	if !user.Depfile.HasTarget {
		target = user.Depfile.Target
	}
	path := r.path
	// A precompiled header is used by a compile only (-E reads the
	// header's text, and the depfile would name what the PCH stands for:
	// break-it round 14).
	syntaxOnly := c.mayLoadPCH()
	go func() {
		defer close(r.done)
		res, err := c.runCaptured(user.UserDepfileArgs(path, target, syntaxOnly))
		switch {
		case err != nil:
			r.err = fmt.Errorf("user depfile pass: %w", err)
		case res.status != 0:
			r.err = fmt.Errorf("user depfile pass failed (status %d)", res.status)
		default:
			r.dep, r.err = os.ReadFile(path)
			if r.err == nil && len(r.dep) <= 1 {
				r.err = fmt.Errorf("user depfile pass wrote no depfile")
			}
		}
	}()
	return r
}

// wait returns what the pass wrote and removes its file.
func (r *userDepfileRun) wait() ([]byte, error) {
	<-r.done
	r.once.Do(func() {
		if r.path != "" {
			os.Remove(r.path)
		}
	})
	return r.dep, r.err
}

// userSpellings returns what the key records of base dirs for a call
// with a depfile: the location-free spelling of every path they rewrote,
// in order, so that calls sharing an entry write the same depfile bytes (a
// trailing "/", "/./" or "../" the user wrote shows in the names the
// compiler gives); the relative forms alone are already in the arguments.
// Without a depfile, spellings of one directory share an entry.
func (c *gccCall) userSpellings() []string {
	if !c.wantsUserDepfile() {
		return nil
	}
	out := []string{"depfile names v2"}
	for _, r := range c.p.Rebased {
		out = append(out, string(c.base.Encode([]byte(r.Orig))))
	}
	return out
}

// mayLoadPCH reports whether the compile may use a precompiled header:
// one found for an -include or the first #include (gcc_pch.go), or
// clang's -include-pch.
func (c *gccCall) mayLoadPCH() bool {
	return len(c.pch.files) > 0 || slices.ContainsFunc(c.p.Args, func(a string) bool { return strings.HasPrefix(a, "-include-pch") })
}
