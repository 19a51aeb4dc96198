package difftest

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// cmdBuilder collects a command line: floating groups (any order), include
// directories (their order is the search order), and a tail that must come
// last (-x, "--", the source).
type cmdBuilder struct {
	g        *gen
	floating []Group
	includes []Group
	tail     []Group
	inRsp    []Group  // groups that always go to the response file
	flags    []string // also used to build a precompiled header
}

func (b *cmdBuilder) add(args ...string) { b.floating = append(b.floating, Group{Args: args}) }

// flag adds a group that also applies to a precompiled header's build.
func (b *cmdBuilder) flag(args ...string) {
	b.add(args...)
	b.flags = append(b.flags, args...)
}

// command shuffles the floating groups, merges the include directories in
// order at random places, puts some groups in a response file, and
// appends the tail.
func (b *cmdBuilder) command(rspArg string) Command {
	g := b.g
	g.r.Shuffle(len(b.floating), func(i, j int) { b.floating[i], b.floating[j] = b.floating[j], b.floating[i] })
	groups := b.floating
	pos := 0
	for _, inc := range b.includes {
		pos += g.r.IntN(len(groups) - pos + 1)
		groups = slices.Insert(groups, pos, inc)
		pos++
	}
	c := Command{Flags: b.flags}
	if rspArg != "" {
		c.RspArg = rspArg
		moved := 0
		for i := range groups {
			if groups[i].Plain == nil && g.chance(0.45) {
				groups[i].Rsp = true
				moved++
			}
		}
		groups = append(groups, b.inRsp...)
		if moved == 0 && len(b.inRsp) == 0 {
			groups = append(groups, Group{Args: []string{b.defineWord("RSPV", "1")}, Rsp: true})
		}
	}
	c.Groups = append(groups, b.tail...)
	return c
}

func (b *cmdBuilder) defineWord(name, value string) string {
	if b.g.s.Family == ClangCL {
		return "/D" + name + "=" + value
	}
	return "-D" + name + "=" + value
}

// launch draws how objcache is started.
func (g *gen) launch() {
	g.s.Launch = LaunchPlain
	switch {
	case g.want("objcache-twice", 0.04):
		g.s.Launch = LaunchTwice
	case g.want("masquerade", 0.07):
		g.s.Launch = LaunchMasquerade
	case g.want("launch-absolute", 0.1):
		g.s.Launch = LaunchAbsolute
		if g.s.Compiler == "cl.exe" {
			g.s.Compiler = BinPH + "/cl.exe" // the symlink to clang-14
		} else {
			g.s.Compiler = "/usr/bin/" + g.s.Compiler
		}
	}
}

// gccCommands draws the command lines of a gcc or clang scenario.
func (g *gen) gccCommands() {
	s := g.s
	clang := s.Family == Clang
	switch {
	case clang && g.src.lang == "c++":
		s.Compiler = "clang++-14"
	case clang:
		s.Compiler = "clang-14"
	case g.src.lang == "c++":
		s.Compiler = pick(g, "g++", "g++-12")
	default:
		s.Compiler = pick(g, "gcc", "gcc-12")
	}
	g.launch()
	long := g.want("long-options", 0.12)
	sep := g.want("separate-value", 0.3)
	b := &cmdBuilder{g: g}
	basedir := g.want("basedir", 0.07)
	g.basedir = basedir
	if basedir {
		s.ObjcacheEnv = append(s.ObjcacheEnv, EnvVar{"OBJCACHE_BASEDIR", MountPH})
	}
	// pathArg names a tree path on the command line; with base dirs it is
	// absolute, and the reference compile gets the relative form.
	pathArg := func(treePath string) (arg string, plain string) {
		if basedir {
			return abs(treePath), g.rel(treePath)
		}
		return g.arg(treePath), ""
	}
	// valueGroup spells an option with a path value, joined or (with
	// separate-value) as two arguments.
	valueGroup := func(name, joinedName, treePath string) Group {
		a, p := pathArg(treePath)
		separate := joinedName == "" || sep && g.chance(0.5)
		mk := func(v string) []string {
			if separate {
				return []string{name, v}
			}
			return []string{joinedName + v}
		}
		gr := Group{Args: mk(a)}
		if p != "" {
			gr.Plain = mk(p)
		}
		return gr
	}

	// What to produce.
	ext := ".o"
	switch {
	case g.src.lang != "s" && g.want("assembly-output", 0.05):
		b.add("-S")
		ext = ".s"
	case long && g.chance(0.4):
		b.add("--compile")
	default:
		b.add("-c")
	}

	// Optimisation, language standard, warnings.
	if o := pick(g, "", "", "-O0", "-O1", "-O2", "-Os"); o != "" || g.src.main {
		if o == "" || g.src.main {
			o = "-O2"
		}
		if long && o == "-O1" {
			o = "--optimize"
		}
		b.flag(o)
	}
	if g.src.lang == "c" {
		if std := pick(g, "", "", "-std=c11", "-std=gnu99", "-std=c99"); std != "" {
			if long && std == "-std=c99" {
				std = "--std=c99"
			}
			b.flag(std)
		}
	}
	if g.src.warn {
		if g.chance(0.8) {
			b.add(pick(g, "-Wall", "-Wall", "--all-warnings"))
		}
		if g.chance(0.3) {
			b.add("-Wextra")
		}
		if g.want("werror", 0.15) {
			b.add("-Werror")
		} else if g.chance(0.05) {
			b.add("-w")
		}
	}
	if g.chance(0.1) {
		b.add("-Wmissing-include-dirs")
	}

	// Defines.
	if g.chance(0.6) {
		b.flag("-DFEATURE=" + fmt.Sprint(g.r.IntN(9)))
	}
	if g.chance(0.2) {
		b.flag("-D", "SPACED=\"a b\"")
	}
	if g.chance(0.15) {
		b.flag("-UNDEBUG")
	}
	if long && g.chance(0.6) {
		b.flag("--define-macro=LONGDEF=1")
	}
	stampArg := ""
	if g.want("time-macro-arg", 0.06) {
		stampArg = "-DSTAMP=" + pick(g, "__TIME__", "__DATE__")
		b.flag(stampArg)
		s.TimeSensitive = true
	}

	// The include search.
	var envDirs []string
	for _, d := range g.dirs {
		switch d.kind {
		case "I":
			switch {
			case long && g.chance(0.4):
				b.includes = append(b.includes, valueGroup("--include-directory", "--include-directory=", d.dir))
			default:
				b.includes = append(b.includes, valueGroup("-I", "-I", d.dir))
			}
		case "isystem", "iquote", "idirafter":
			b.includes = append(b.includes, valueGroup("-"+d.kind, "-"+d.kind, d.dir))
		case "env":
			envDirs = append(envDirs, pick(g, abs(d.dir), g.rel(d.dir)))
		}
	}
	if len(envDirs) > 0 {
		name := pick(g, "CPATH", "C_INCLUDE_PATH")
		if g.src.lang == "c++" && name == "C_INCLUDE_PATH" {
			name = "CPLUS_INCLUDE_PATH"
		}
		s.Env = append(s.Env, EnvVar{name, strings.Join(envDirs, ":")})
		g.envChoices = append(g.envChoices, envChoice{name, []string{"", strings.Join(envDirs, ":"), envDirs[0]}})
	}

	// Forced includes.
	if g.src.lang == "c" || g.src.lang == "c++" {
		if g.want("include-opt", 0.2) {
			g.pre = pick(g, "pre.h", "inc/pre.h")
			g.headers[g.pre] = &header{path: g.pre, macro: "PRE_VAL", value: g.r.IntN(1000), guard: g.chance(0.4)}
			g.src.macros = append(g.src.macros, "PRE_VAL")
			if long && g.chance(0.5) {
				a, p := pathArg(g.pre)
				gr := Group{Args: []string{"--include=" + a}}
				if p != "" {
					gr.Plain = []string{"--include=" + p}
				}
				b.floating = append(b.floating, gr)
			} else {
				b.floating = append(b.floating, valueGroup("-include", "", g.pre))
			}
		}
		if g.want("imacros", 0.12) {
			g.mac = pick(g, "mac.h", "inc/mac.h")
			g.headers[g.mac] = &header{path: g.mac, macro: "MAC_VAL", value: g.r.IntN(1000), guard: g.chance(0.4)}
			g.src.macros = append(g.src.macros, "MAC_VAL")
			b.floating = append(b.floating, valueGroup("-imacros", "", g.mac))
		}
		if !basedir && g.want("pch", 0.07) {
			g.choosePCH(b)
		}
	}

	// Debug information and records of the command line.
	debug := false
	if g.want("debug", 0.3) {
		debug = true
		d := pick(g, "-g", "-g", "-g3", "-gdwarf-4", "-ggdb", "-g1")
		if long && g.chance(0.3) {
			d = "--debug"
		}
		b.flag(d)
	}
	if !clang && g.want("gtoggle", 0.07) {
		b.flag("-gtoggle")
		debug = !debug
	}
	if debug && g.want("g0", 0.06) {
		b.flag("-g0")
	}
	if debug && !basedir && g.want("debug-prefix-map", 0.15) {
		if clang && g.chance(0.4) {
			b.add("-fdebug-compilation-dir=.")
		} else {
			b.add(pick(g, "-fdebug-prefix-map=", "-ffile-prefix-map=") + MountPH + "=" + pick(g, ".", "/src"))
		}
	}
	if g.want("recording", 0.04) {
		if clang {
			b.add("-g", "-grecord-command-line")
		} else {
			b.add("-frecord-gcc-switches")
		}
	}
	if g.src.lang != "s" && g.src.lang != "S" && g.want("lto", 0.03) {
		if clang {
			b.flag(pick(g, "-flto", "-flto=thin"))
		} else {
			b.flag("-flto", "-frandom-seed=7")
		}
	}
	if g.want("color", 0.07) {
		if clang && g.chance(0.3) {
			b.add(pick(g, "-fcolor-diagnostics", "-fno-color-diagnostics"))
		} else {
			b.add(pick(g, "-fdiagnostics-color=always", "-fdiagnostics-color=never"))
		}
	}
	if g.want("user-H", 0.05) {
		b.add("-H")
	}

	// Where the object goes.
	base := strings.TrimSuffix(path.Base(g.src.path), path.Ext(g.src.path))
	g.outDir = g.cwd
	switch {
	case g.want("output-missing-dir", 0.02):
		g.outDir = path.Join(g.cwd, "missing/dir")
	case g.want("output-subdir", 0.25):
		g.outDir = pick(g, path.Join(g.cwd, "out"), "obj/x")
		if g.want("output-unwritable-dir", 0.12) {
			g.lockable = g.outDir
		}
	}
	if g.want("output-long-name", 0.03) {
		base = strings.Repeat("long", 57) + "-" + base
	}
	if g.outDir == g.cwd && g.want("output-default", 0.12) {
		g.obj = path.Join(g.cwd, base+ext)
	} else {
		g.obj = path.Join(g.outDir, base+ext)
		objArg := g.rel(g.obj)
		if g.chance(0.1) {
			objArg = abs(g.obj)
		}
		switch {
		case g.want("output-long-option", 0.1):
			if g.chance(0.5) {
				b.add("--output=" + objArg)
			} else {
				b.add("--output", objArg)
			}
		case g.want("output-joined", 0.15):
			b.add("-o" + objArg)
		default:
			b.add("-o", objArg)
		}
	}

	// Dependency files.
	if g.src.lang != "s" && g.want("depfile", 0.35) {
		g.gccDepfile(b, long)
	} else if g.src.lang != "s" && g.want("wp-md", 0.04) {
		g.dep = path.Join(g.outDir, base+".dep")
		b.add(pick(g, "-Wp,-MD,", "-Wp,-MMD,") + g.rel(g.dep))
	}
	if g.src.lang != "s" && g.want("dependencies-env", 0.03) {
		name := pick(g, "DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES")
		v := pick(g, "env.d", "env.d custom-target")
		s.Env = append(s.Env, EnvVar{name, v})
		g.envChoices = append(g.envChoices, envChoice{name, []string{"", v, "other.d"}})
	}

	// The environment.
	g.commonEnv(clang)

	// The tail: -x, "--", the source.
	if g.want("language", 0.05) {
		lang := map[string]string{"c": "c", "c++": "c++", "S": "assembler-with-cpp", "s": "assembler"}[g.src.lang]
		b.tail = append(b.tail, Group{Args: []string{"-x", lang}})
	}
	if clang && g.want("dashdash", 0.07) {
		b.tail = append(b.tail, Group{Args: []string{"--"}})
	}
	a, p := pathArg(g.src.path)
	src := Group{Args: []string{a}}
	if p != "" {
		src.Plain = []string{p}
	}
	b.tail = append(b.tail, src)
	if g.src.main {
		g.gccProfile(b, clang)
	}

	rsp := ""
	if g.want("response-file", 0.12) {
		rsp = pick(g, "args.rsp", "../flags.rsp")
		if g.cwd == "" {
			rsp = "args.rsp"
		}
		if stampArg == "" && g.want("time-macro-rsp", 0.25) {
			b.inRsp = append(b.inRsp, Group{Args: []string{"-DSTAMP=__TIME__"}, Rsp: true})
			s.TimeSensitive = true
		}
	}
	s.Commands = []Command{b.command(rsp)}
	g.variants("-DVARIANT=")
}

// gccDepfile adds -MD or -MMD and its companions.
func (g *gen) gccDepfile(b *cmdBuilder, long bool) {
	mode := pick(g, "-MD", "-MMD")
	if g.want("depfile-long", 0.15) {
		mode = map[string]string{"-MD": "--write-dependencies", "-MMD": "--write-user-dependencies"}[mode]
	}
	b.add(mode)
	if g.chance(0.6) {
		g.dep = path.Join(g.outDir, pick(g, "deps.d", path.Base(g.obj)+".d"))
		if g.chance(0.5) {
			b.add("-MF", g.rel(g.dep))
		} else {
			b.add("-MF" + g.rel(g.dep))
		}
	} else {
		// Without -MF: beside the object, its suffix replaced by .d.
		g.dep = strings.TrimSuffix(g.obj, path.Ext(g.obj)) + ".d"
	}
	if g.want("depfile-target", 0.2) {
		for range 1 + g.r.IntN(2) {
			targets := []string{"custom", "$(OBJ)/x.o", "a b.o", "x#y.o"}
			if !g.basedir {
				targets = append(targets, abs("t.o"))
			}
			b.add(pick(g, "-MT", "-MQ"), pick(g, targets...))
		}
	}
	if g.want("depfile-phony", 0.2) {
		b.add("-MP")
	}
}

// commonEnv draws the environment variables of gcc and clang scenarios.
func (g *gen) commonEnv(clang bool) {
	s := g.s
	loc := "C"
	if g.want("locale", 0.1) {
		loc = pick(g, "C.UTF-8", "C")
		g.envChoices = append(g.envChoices, envChoice{"LC_ALL", []string{"C", "C.UTF-8", ""}}, envChoice{"LANG", []string{"C.UTF-8", ""}})
	}
	s.Env = append(s.Env, EnvVar{"LC_ALL", loc})
	if g.want("source-date-epoch", 0.06) || s.TimeSensitive && g.want("source-date-epoch", 0.3) {
		v := pick(g, "1700000000", "1600000000")
		if g.chance(0.7) {
			s.Env = append(s.Env, EnvVar{"SOURCE_DATE_EPOCH", v})
		}
		g.envChoices = append(g.envChoices, envChoice{"SOURCE_DATE_EPOCH", []string{"", "1700000000", "1700000001", "1600000000"}})
	}
	if clang && g.want("ccc-override", 0.06) {
		values := []string{"", "# +-DOVR=1", "+-DOVR=2", "# x-O2", "# +-g"}
		if g.chance(0.5) {
			s.Env = append(s.Env, EnvVar{"CCC_OVERRIDE_OPTIONS", pick(g, values[1:]...)})
		}
		g.envChoices = append(g.envChoices, envChoice{"CCC_OVERRIDE_OPTIONS", values})
	}
}

// variants adds a second command that shares the cache with the first: a
// define changed, outputs the same (two configurations of one build, or
// the two sides of a race).
func (g *gen) variants(define string) {
	if !g.chance(0.3) {
		return
	}
	c := g.s.Commands[0]
	c.Groups = slices.Clone(c.Groups)
	c.Groups = slices.Insert(c.Groups, g.r.IntN(len(c.Groups)), Group{Args: []string{define + fmt.Sprint(1+g.r.IntN(9))}})
	g.s.Commands = append(g.s.Commands, c)
}

// choosePCH draws a precompiled header: used by -include (gcc and clang)
// or, for gcc, by the source's first #include.
func (g *gen) choosePCH(b *cmdBuilder) {
	h := &header{macro: "PCH_VAL", value: g.r.IntN(1000), guard: true}
	if g.s.Family == GCC && g.chance(0.5) {
		h.path = path.Join(path.Dir(g.src.path), "pch.h")
		g.src.includes = append([]string{`"pch.h"`}, g.src.includes...)
	} else {
		h.path = pick(g, "pch.h", "inc/pch/pch.h")
		b.floating = append(b.floating, Group{Args: []string{"-include", g.rel(h.path)}})
	}
	g.headers[h.path] = h
	g.src.macros = append(g.src.macros, h.macro)
	g.pch = h
	if g.s.Family == Clang {
		// clang refuses a PCH whose header changed since (by mtime and
		// size); the scenario rebuilds it after each edit, as a build does.
		h.value = 100 + g.r.IntN(900)
	}
}

// gccProfile adds profile feedback: a generate step builds and runs an
// instrumented program with the command's flags and include directories,
// and the command reads what it wrote.
func (g *gen) gccProfile(b *cmdBuilder, clang bool) {
	words := []string{g.s.Compiler}
	for _, w := range b.flags {
		words = append(words, posixQuote(w))
	}
	for _, inc := range b.includes {
		for _, w := range inc.tokens(true) {
			words = append(words, posixQuote(w))
		}
	}
	cc := strings.Join(words, " ")
	src := posixQuote(g.rel(g.src.path))
	if clang {
		b.add(pick(g, "-fprofile-instr-use", "-fprofile-use", "-fprofile-instr-use=default.profdata"))
		g.profile = &Step{
			Kind: StepGenerate, Note: "build and run an instrumented program (default.profdata)",
			Argv: []string{"sh", "-c", cc + " -fprofile-instr-generate " + src + " -o prog && LLVM_PROFILE_FILE=p.profraw ./prog PROG_ARG && llvm-profdata-14 merge -o default.profdata p.profraw"},
			Copy: []string{path.Join(g.cwd, "prog"), path.Join(g.cwd, "p.profraw"), path.Join(g.cwd, "default.profdata")},
		}
		return
	}
	b.add(pick(g, "-fbranch-probabilities", "-fprofile-use"))
	obj := posixQuote(g.rel(g.obj))
	gcda := strings.TrimSuffix(g.obj, path.Ext(g.obj)) + ".gcda"
	g.profile = &Step{
		Kind: StepGenerate, Note: "build and run an instrumented program (" + gcda + ")",
		Argv: []string{"sh", "-c", cc + " -fprofile-generate -c " + src + " -o " + obj + " && " + g.s.Compiler + " -fprofile-generate " + obj + " -o prog && ./prog PROG_ARG"},
		Copy: []string{g.obj, path.Join(g.cwd, "prog"), gcda},
	}
}

// posixQuote quotes a word for sh -c.
func posixQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=+,:{}") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
