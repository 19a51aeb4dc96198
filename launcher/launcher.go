// Package launcher runs one compiler invocation end to end: parse, hash, look
// up, and on a miss compile, store and replay. Its one promise is that it
// never breaks a build the compiler alone would pass: every cache problem
// ends in running the real compiler with the user's original arguments.
//
// A call goes through these steps, each in its file; the GCC family
// (gcc_*.go) and the MSVC family (msvc*.go) each have their own version of a
// step where the compilers differ:
//
//	launcher.go    Run: find the compiler, pick the family
//	invocation.go  the state of one call, counters, passing a call through
//	unit.go        one cached compile of one source (cl.exe calls have several)
//	key.go         what joins the manifest key besides the arguments;
//	               gcc_key.go, gcc_native.go (-march=native), gcc_pch.go
//	               (precompiled headers), the key part of msvc.go
//	lookup.go      manifest and entry lookup, local then remote.go
//	replay.go      a hit's outputs and console; gcc_replay.go, msvc.go
//	gcc_miss.go    the one compile of a miss (gcc_deppass.go: -MMD's
//	               dependency pass); msvc_miss.go, msvc_showincludes.go
//	store.go       hashing what the compile read, hazards, publishing the
//	               entry; gcc_store.go, gcc_pchmacros.go
//
// Beside the steps: input_*.go hash and scan input files and keep their
// stat records (a hit reads no input); output_*.go put outputs where the
// compiler would (planned before compiling, staged in the cache's tmp/);
// proc_*.go run compilers and end them on a signal; sys_*.go are the
// per-platform file system queries; identity.go is the compiler's
// identity; find.go finds the compiler in PATH.
package launcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/compiler"
	"github.com/objcache/objcache/config"
)

// DepthVar is the environment variable objcache sets for the compilers it
// runs. An objcache started with it set is running inside a compile objcache
// already caches (a wrapper script calling a masqueraded compiler): it passes
// the call through rather than caching twice, and past maxDepth it reports a
// masquerade loop instead of recursing forever.
const DepthVar = "OBJCACHE_DEPTH"

const maxDepth = 4

// Launcher holds what one process needs to run compilations. main wires it
// from the real process; tests wire it from fakes.
type Launcher struct {
	// Config is the effective configuration. If ConfigErr is set, Config may
	// be nil and every call passes through.
	Config    *config.Config
	ConfigErr error
	// Store is the open cache, nil if it could not be opened (StoreErr says
	// why); then every call passes through.
	Store    *cache.Store
	StoreErr error

	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StderrIsTerminal tells whether the user's stderr is a terminal, which
	// decides whether diagnostics are coloured.
	StderrIsTerminal bool
	// Environ is the process environment, as os.Environ returns it.
	Environ []string
	// Dir is the working directory.
	Dir string
	// Self is objcache's own executable, which compiler lookups skip.
	Self string
	// Umask is the process umask, applied to the output files objcache
	// writes, as the compiler would.
	Umask os.FileMode
	// LogFile is where the invocation log goes if Config has none (used
	// when the configuration itself failed to load).
	LogFile string

	// explanation, set by Explain, makes Run look the call up and record
	// what it found there instead of compiling.
	explanation *Explanation
}

// Run compiles with compilerName and args (args without the compiler) and
// returns the exit status to leave with. compilerName is a name to look up in
// PATH or a path; "" runs the compiler of calls that name none (the
// compiler setting, else cl.exe: MSBuild's CLToolExe).
func (l *Launcher) Run(ctx context.Context, compilerName string, args []string) int {
	if compilerName == "" {
		compilerName = l.clTool()
	}
	inv := l.newInvocation(compilerName, args)
	defer inv.log.flush()
	// A signal being handled ends the process with that signal, not with
	// the status the invocation would return.
	defer inv.janitor.settle()

	depth, _ := strconv.Atoi(l.getenv(DepthVar))
	compilerName, args, ok := skipSelf(compilerName, args, l.Dir, l.Self)
	if !ok {
		fmt.Fprintf(l.Stderr, "objcache: no compiler named after objcache: put the compiler after it (objcache gcc -c foo.c)\n")
		return 2
	}
	inv.compilerName, inv.args = compilerName, args
	path, err := findCompiler(compilerName, l.getenv("PATH"), l.Dir, l.Self)
	if err != nil {
		if errors.Is(err, errOnlySelf) || depth >= maxDepth {
			fmt.Fprintf(l.Stderr, "objcache: masquerade loop: %q leads back to objcache; put the real compiler's directory after objcache's in PATH, or name the compiler by its full path\n", compilerName)
			return 1
		}
		fmt.Fprintf(l.Stderr, "objcache: %v\n", err)
		return 127
	}
	inv.compilerPath = path
	inv.log.printf("compiler %s", path)

	switch {
	case depth > 0:
		inv.log.printf("running inside another objcache call (%s=%d): passing through", DepthVar, depth)
		return inv.passThrough("")
	case l.ConfigErr != nil:
		// A bad setting is the user's to fix, and a build log is where it
		// is seen: one line on every call (the compile itself runs as
		// given, uncached, and its output follows unchanged).
		inv.log.printf("configuration error: %v", l.ConfigErr)
		fmt.Fprintf(l.Stderr, "objcache: %v; compiling without the cache\n", l.ConfigErr)
		return inv.passThrough("")
	case l.Config.Disable:
		inv.log.printf("disabled by configuration")
		return inv.passThrough("")
	case l.Store == nil:
		inv.log.printf("cache unusable: %v", l.StoreErr)
		return inv.passThrough(errorCache)
	}

	// The name the compiler is called by decides (clang picks its driver
	// mode from it: a cl.exe symlink to clang is clang-cl); the resolved
	// file covers names that say nothing (a cc that is really gcc-12).
	family, flavor, ok := compiler.Identify(path, l.Config.CompilerType)
	if !ok {
		family, flavor, ok = compiler.Identify(inv.resolvedCompiler(), l.Config.CompilerType)
	}
	if ok && family == compiler.MSVC && flavor == "" && l.Config.CompilerType == "" {
		// A cl.exe that resolves to clang is clang-cl, whose options and
		// output names differ from cl's (-o, /Fo:, /Foout with out a
		// directory): one readlink per call, for cl names only.
		if _, real, rok := compiler.Identify(inv.resolvedCompiler(), ""); rok && real == compiler.FlavorClang {
			flavor = compiler.FlavorClang
		}
	}
	switch {
	case !ok:
		inv.log.printf("%s is not a compiler objcache knows; set compiler_type to cache it", compilerName)
		return inv.passThrough(prefixUncacheable + "unknown-compiler")
	case family == compiler.GCC:
		return inv.runGCC(ctx, flavor)
	default:
		return inv.runMSVC(ctx, flavor)
	}
}
