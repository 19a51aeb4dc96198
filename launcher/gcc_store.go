package launcher

import (
	"context"
	"os"

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
	if c.mayNameRealPaths(lists) {
		spelled, reason := c.spelledIncludeList()
		if reason != "" {
			return nil, reason
		}
		lists = append(lists, spelled)
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
		list, reason := c.readIncludeList(run.ownDep)
		if reason != "" {
			return nil, reason
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
	return lists, ""
}

// readIncludeList reads the include list of objcache's own dependency
// pass from the depfile at path; a non-empty reason says why the result is
// not stored.
func (c *gccCall) readIncludeList(path string) ([]string, string) {
	data, err := os.ReadFile(path)
	if err != nil {
		c.log.printf("not stored: include list: %v", err)
		return nil, reasonBadDepfile
	}
	list, _, err := compiler.ParseDepfile(data)
	if err != nil {
		c.log.printf("not stored: include list: %v", err)
		return nil, reasonBadDepfile
	}
	return list, ""
}
