package launcher

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/objcache/objcache/clangpch"
	"github.com/objcache/objcache/compiler"
)

// Clang's check of a precompiled header. Loading a PCH, clang compares
// the size and modification time of every file it was built from with
// what the PCH recorded, and fails the compile when one differs (a header
// touched since). The dependency file names those files, so the key holds
// their content, but not their times: an entry stored while the times
// matched would be a hit after a touch, where clang alone now fails. So a
// call that loads a clang PCH is cached only while the recorded sizes and
// times hold; otherwise it passes through and the compiler decides, as it
// does with -fno-validate-pch. A PCH built with -fno-pch-timestamp records
// no times, and only sizes are compared.
//
// The check reads the PCH's control block (clangpch), a few kilobytes at
// its start, and stats each file: what a hit pays for it.

// Reasons a call loading a clang PCH passes through.
const (
	reasonPCHStale  = "pch-stale"  // a file the PCH was built from has changed size or time
	reasonPCHFormat = "pch-format" // a PCH objcache does not read (another AST version, chained, relocatable)
)

// clangPCHsReason returns why the call cannot be cached for the clang PCHs
// it loads (the implicit ones found, and every input file that is one), or
// "".
func (c *gccCall) clangPCHsReason(found []pchFile) string {
	if c.flavor != compiler.FlavorClang {
		return ""
	}
	paths := make([]string, 0, len(found)+len(c.p.InputFiles))
	for _, f := range found {
		paths = append(paths, f.path)
	}
	paths = append(paths, c.p.InputFiles...)
	for _, p := range paths {
		if reason := c.clangPCHReason(p); reason != "" {
			return reason
		}
	}
	return ""
}

// clangPCHReason checks one file the call loads: "" when it is not a
// clang PCH, or one whose recorded inputs all still match.
func (c *gccCall) clangPCHReason(path string) string {
	f, err := os.Open(c.absPath(path))
	if err != nil {
		return "" // hashing it fails the same way, with its own reason
	}
	defer f.Close()
	info, err := clangpch.Read(f)
	switch {
	case errors.Is(err, clangpch.ErrNotPCH):
		return ""
	case err != nil:
		c.log.printf("precompiled header %s: %v", path, err)
		return reasonPCHFormat
	case info.Major != clangpch.KnownMajor:
		c.log.printf("precompiled header %s: AST format %d, not %d", path, info.Major, clangpch.KnownMajor)
		return reasonPCHFormat
	case info.Imports:
		c.log.printf("precompiled header %s is chained on another", path)
		return reasonPCHFormat
	}
	for _, in := range info.Inputs {
		if !filepath.IsAbs(in.Name) {
			c.log.printf("precompiled header %s names %s relative to where it was built", path, in.Name)
			return reasonPCHFormat
		}
		fi, err := os.Stat(in.Name)
		switch {
		case err != nil:
			c.log.printf("precompiled header %s: %s: %v", path, in.Name, err)
			return reasonPCHStale
		case uint64(fi.Size()) != in.Size, in.ModTime != 0 && uint64(fi.ModTime().Unix()) != in.ModTime:
			c.log.printf("precompiled header %s: %s has changed since it was built", path, in.Name)
			return reasonPCHStale
		}
	}
	return ""
}
