package launcher

import (
	"context"
	"os"
	"path/filepath"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/manifest"
)

// storable hashes the include files the compile reported (userDep is the
// user's depfile as the compiler wrote it, nil if none) and checks for the
// hazards that forbid storing: a non-empty reason (after PrefixNotStored)
// says why the result may not match its inputs.
func (c *gccCall) storable(run *missRun, userDep []byte) ([]manifest.Include, string) {
	lists, reason := c.includeList(run, userDep)
	if reason != "" {
		return nil, reason
	}
	return c.checkedIncludes(lists...)
}

// store adds the entry and its manifest entry, for a compile that read
// includes (storable).
func (c *gccCall) store(ctx context.Context, run *missRun, obj, dep []byte, includes []manifest.Include) {
	e := &cache.Entry{
		ManifestKey: c.mkey,
		Outputs:     []cache.Output{{Kind: objectKind, Data: obj}},
		Stdout:      run.res.stdout,
		Stderr:      run.res.stderr,
	}
	if dep != nil {
		e.Outputs = append(e.Outputs, cache.Output{Kind: depfileKind, Data: dep})
	}
	if run.colored {
		e.Outputs = append(e.Outputs, cache.Output{Kind: colorKind})
	}
	if run.urls {
		e.Outputs = append(e.Outputs, cache.Output{Kind: urlsKind})
	}
	c.storeEntry(ctx, e, includes)
}

// includeList gathers the include files the compile reported, from
// objcache's own depfile and the user's depfile, and checks what no include
// list shows (the macros of a precompiled header, checkPCHMacros). An entry
// is stored only with a full list: a user's -MMD depfile alone leaves the
// system headers out.
func (c *gccCall) includeList(run *missRun, userDep []byte) ([][]string, string) {
	var lists [][]string
	if run.ownDep != "" {
		data, err := os.ReadFile(run.ownDep)
		if err != nil {
			c.log.printf("not stored: include list: %v", err)
			return nil, reasonBadDepfile
		}
		list, _, err := compiler.ParseDepfile(data)
		if err != nil {
			c.log.printf("not stored: include list: %v", err)
			return nil, reasonBadDepfile
		}
		lists = append(lists, list)
	} else if !c.p.Preprocessed && (userDep == nil || c.p.Depfile.Mode != compiler.DepAll) {
		c.log.printf("not stored: no full include list (the dependency pass failed)")
		return nil, reasonBadDepfile
	}
	if userDep != nil {
		list, _, err := compiler.ParseDepfile(userDep)
		if err != nil {
			c.log.printf("not stored: depfile: %v", err)
			return nil, reasonBadDepfile
		}
		lists = append(lists, list)
	}
	if reason := c.checkPCHMacros(lists); reason != "" {
		return nil, reason
	}
	if reason := c.checkoutNamedAbsolutely(lists); reason != "" {
		return nil, reason
	}
	return lists, ""
}

// reasonAbsoluteInclude counts a compile under base dirs that read a file of
// the checkout by its absolute name.
const reasonAbsoluteInclude = "absolute-include"

// checkoutNamedAbsolutely refuses, under base dirs, an include list that
// names a file under a base dir absolutely: the rewritten command names
// every file it reaches through a rewritten path relative, so the compile
// read this one by a name no base dir rewrote (#include "/ci/job1/inc/y.h"
// in the source, an absolute CPATH, the headers of a compiler installed
// under a base dir, the inputs a PCH records), and the manifest records it
// relative: another checkout's hit would check its own copy and get this
// one's object (break-it round 14: a stale object). Nothing in the key ties
// such a file to this checkout: exempting a compiler's installation or
// calls with a PCH let stale objects through (break-it round 16), so these
// calls are not stored.
func (c *gccCall) checkoutNamedAbsolutely(lists [][]string) string {
	if c.base == nil {
		return ""
	}
	for _, list := range lists {
		for _, p := range list {
			if !filepath.IsAbs(p) {
				continue
			}
			if _, under := c.base.Rel(p); under {
				c.log.printf("not stored: %s is named absolutely, which base dirs would not share", p)
				return reasonAbsoluteInclude
			}
		}
	}
	return ""
}
