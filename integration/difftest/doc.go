// Package difftest is objcache's differential tester: it generates compile
// scenarios from a seeded random generator and runs each twice, through
// objcache and with the compiler alone, comparing everything a user could
// see. It exists so that the next wrong object or broken build is found
// here and not by a user (issue 12).
//
// # What a scenario is
//
// A scenario (Scenario, drawn by Generate from a seed and an index) is:
//
//   - a small tree: a source (C, C++, .S or .s), headers in several
//     include directories of several kinds (-I, -isystem, -iquote,
//     -idirafter, CPATH / C_INCLUDE_PATH; for clang-cl /I, /imsvc,
//     /external:I, INCLUDE), some of them missing; a header beside the
//     source, headers that include headers, headers without guards,
//     -include / -imacros / /FI files, a precompiled header, an .incbin
//     blob, a response file;
//   - command lines of one compiler family drawn from its grammar (gcc 12
//     as gcc or gcc-12, clang-14, clang-cl through a cl.exe symlink to
//     clang-14 or as clang-cl-14, plain C without a Windows SDK): output
//     forms (-o x, -ox, --output=x, --output x, none, /Fo, /Fodir/, long
//     names, missing or immutable directories), depfiles (-MD, -MMD, -MF,
//     -MT, -MQ, -MP, --write-dependencies, -Wp,-MD,…, DEPENDENCIES_OUTPUT),
//     -H, /showIncludes, -g variants (-g3, -gdwarf-4, -gtoggle, -g0,
//     -fdebug-prefix-map, -fdebug-compilation-dir), records of the command
//     line, -flto, colour, defines with and without __TIME__ / __DATE__
//     (on the command line and in response files), long options, "--",
//     profile feedback, and objcache started as "objcache CC",
//     "objcache /usr/bin/CC", a masquerade symlink or "objcache objcache
//     CC"; sometimes a second command sharing the cache (another define);
//   - an environment (LC_ALL / LANG, SOURCE_DATE_EPOCH, CCC_OVERRIDE_OPTIONS,
//     CL / _CL_, CPATH…, OBJCACHE_BASEDIR for objcache);
//   - steps between compiles: edit, touch or remove a header, create a
//     header or a directory earlier in the search path, break and fix the
//     source, edit the -include file, the response file or the blob,
//     rebuild or remove the precompiled header, rerun the instrumented
//     program, point a symlinked include directory elsewhere, change an
//     environment variable, turn an output into a symlink, a null device
//     (mknod in the scenario's tree, never the real /dev/null), a FIFO or
//     a hard link, change its mode, remove it, make its directory
//     immutable, sleep past a second; and compiles, some killed (KILL,
//     TERM, INT) at a random moment, some racing a second build writing
//     the same output.
//
// Features lists every feature with the issue item it reaches; a
// scenario's Tags say which it uses.
//
// # How it runs
//
// The Runner makes two twin trees per scenario and runs every command in a
// private mount namespace (unshare -m, as root) where its twin is
// bind-mounted at one path: objcache and the compiler see the same paths,
// so objects with debug info, depfiles and diagnostics compare byte for
// byte. A compile step runs objcache in one twin, then the compiler alone
// in the other, and compares exit status, stdout, stderr, what each FIFO
// of the tree received, and every path of the tree: type, mode, link
// count, link target, device number, bytes, and whether the run wrote it
// (an output a hit leaves untouched is out of date for make). A file that
// equals what the compiler wrote at an earlier step is reported as a stale
// output. With base dirs objcache runs the compiler with relative paths
// on a miss or a hit but passes an uncacheable call through untouched, so
// such scenarios have a third twin, the compiler given objcache's own
// arguments, and objcache must match one of the two references in
// everything. Time-sensitive scenarios (__TIME__, __DATE__ anywhere) start
// each compile in a new second of the clock and compare objects only when
// both runs fell in that second. clang-cl objects are compared with the
// time stamp of their COFF header zeroed. A kill step checks that nothing
// objcache wrote outside its cache outlives it (once every process of the
// run is gone); a race step checks that each output is what one of the two
// commands gives alone. After either, the trees are made equal again and a
// wrong entry the step stored shows in the compiles that follow. Besides
// what a user sees, a compile that succeeds alone but that objcache ran
// twice (its own command failed: failed_compile_rerun) is reported.
//
// A failure is shrunk (steps, command-line groups, environment variables
// and setup actions removed while the same class of failure remains) and
// printed as a self-contained bash script (Script) that rebuilds the tree,
// runs the steps the same way and stops at the first difference.
//
// The tester checks itself: TestRunnerFindsKnownDefects runs a scenario
// through fake objcaches with known defects (a corrupt object, a cache keyed
// by the command line alone, a stray temporary, a rename over a device) and
// requires the runner and the rendered script to find each, and
// TestNoDifferenceThroughPassThrough runs generated scenarios through an
// objcache that only runs the compiler and requires no difference at all
// (OBJCACHE_DIFFTEST_PASSTHROUGH=N for more than 24).
//
// # Running it
//
//	go test ./integration/difftest                  # CI: seed 20261201 for about two minutes (140-odd scenarios on 2 cores; 15 s with -short)
//	OBJCACHE_DIFFTEST_SCENARIOS=20000 go test -timeout 0 ./integration/difftest
//	OBJCACHE_DIFFTEST_DURATION=40m OBJCACHE_DIFFTEST_SEED=7 go test -timeout 0 ./integration/difftest
//	OBJCACHE_DIFFTEST_SEED=20261201 OBJCACHE_DIFFTEST_ONLY=17,42 go test ./integration/difftest
//	OBJCACHE_TEST_BIN_DIR=/work/bin-baseline go test ./integration/difftest   # another build of objcache
//
// Environment variables:
//
//	OBJCACHE_DIFFTEST_SEED       the seed (default 20261201)
//	OBJCACHE_DIFFTEST_SCENARIOS  how many scenarios (indices 0…N-1); no time limit unless DURATION is set too
//	OBJCACHE_DIFFTEST_DURATION   run scenarios 0, 1, … until this much time has passed (default 2m)
//	OBJCACHE_DIFFTEST_ONLY       only these indices (comma-separated)
//	OBJCACHE_DIFFTEST_SKIP       features to leave out (comma-separated names of Features; default KnownHoles, set it empty to run everything)
//	OBJCACHE_DIFFTEST_FOCUS      features to draw at least half the time they are offered; a family named here is the only one drawn
//	OBJCACHE_DIFFTEST_PARALLEL   scenarios at once (default: the number of CPUs)
//	OBJCACHE_DIFFTEST_SHRINK     time to shrink each class's first failure (default 90s; 0: do not shrink)
//	OBJCACHE_DIFFTEST_REPORT     a directory for each class's script and a summary
//	OBJCACHE_DIFFTEST_KEEP       keep the trees of failing scenarios
//
// A scenario is reproduced by its seed and index with the same SKIP and
// FOCUS. The test reports how many scenarios, steps and compiles ran, how
// many reference compiles failed, objcache's outcome counters summed over
// the scenarios, and one error per class of failure (its kind, the kind of
// path, the family) with the shrunk script. It needs root, unshare, mount,
// chattr, gcc-12, clang-14 (clang-tools-14 for clang-cl-14,
// llvm-profdata-14); without root it skips.
package difftest
