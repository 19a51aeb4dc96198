package launcher

import (
	"context"
	"os"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
)

// store adds the entry and its manifest entry, unless a hazard says the
// result may not match its inputs.
func (c *gccCall) store(ctx context.Context, run *missRun, obj, dep []byte) {
	lists, reason := c.includeList(run, dep)
	if reason != "" {
		c.count(prefixNotStored + reason)
		return
	}
	includes, ok := c.checkedIncludes(lists...)
	if !ok {
		return
	}
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
	return lists, ""
}
