package difftest

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf16"
)

// msvcCommands draws the command lines of a clang-cl scenario: clang-14
// through a symlink named cl.exe (clang picks its cl driver from the
// name), plain C or C++ without a Windows SDK.
func (g *gen) msvcCommands() {
	s := g.s
	s.COFF = true
	s.Compiler = "cl.exe"
	if g.chance(0.2) {
		s.Compiler = "clang-cl-14"
	}
	g.launch()
	sep := g.want("separate-value", 0.3)
	b := &cmdBuilder{g: g}
	basedir := g.caseDir != "" || g.want("basedir", 0.07)
	g.basedir = basedir
	if basedir {
		s.ObjcacheEnv = append(s.ObjcacheEnv, EnvVar{"OBJCACHE_BASEDIR", MountPH})
	}
	pathArg := func(treePath string) (arg string, plain string) {
		if basedir {
			return abs(treePath), g.rel(treePath)
		}
		return g.arg(treePath), ""
	}
	valueGroup := func(name, treePath string, canSeparate bool) Group {
		a, p := pathArg(treePath)
		separate := canSeparate && sep && g.chance(0.5)
		mk := func(v string) []string {
			if separate {
				return []string{name, v}
			}
			return []string{name + v}
		}
		gr := Group{Args: mk(a)}
		if p != "" {
			gr.Plain = mk(p)
		}
		return gr
	}

	b.add(pick(g, "/c", "/c", "-c"))
	if g.chance(0.3) {
		b.add("/nologo")
	}
	if g.chance(0.5) {
		b.add("/Brepro")
	}
	if o := pick(g, "", "/O1", "/O2", "/Od"); o != "" {
		b.flag(o)
	}
	if g.src.warn {
		b.add(pick(g, "/W3", "/W4", "-Wall"))
		if g.want("werror", 0.15) {
			b.add("/WX")
		}
	}
	if g.chance(0.6) {
		b.flag(pick(g, "/D", "-D") + "FEATURE=" + fmt.Sprint(g.r.IntN(9)))
	}
	if sep && g.chance(0.3) {
		b.flag("/D", "SEPARATE")
	}
	if g.want("time-macro-arg", 0.06) {
		b.flag("/DSTAMP=" + pick(g, "__TIME__", "__DATE__"))
		s.TimeSensitive = true
	}

	var envDirs []string
	for _, d := range g.dirs {
		switch d.kind {
		case "I":
			b.includes = append(b.includes, valueGroup(pick(g, "/I", "/I", "-I"), d.dir, true))
		case "imsvc":
			b.includes = append(b.includes, valueGroup("/imsvc", d.dir, true))
		case "external":
			b.includes = append(b.includes, valueGroup("/external:I", d.dir, true))
			if g.chance(0.5) {
				b.add("/external:W0")
			}
		case "env":
			envDirs = append(envDirs, abs(d.dir))
		}
	}
	if len(envDirs) > 0 {
		v := strings.Join(envDirs, ";")
		s.Env = append(s.Env, EnvVar{"INCLUDE", v})
		g.envChoices = append(g.envChoices, envChoice{"INCLUDE", []string{"", v, envDirs[0]}})
	}
	if g.want("include-opt", 0.2) {
		g.pre = pick(g, "pre.h", "inc/pre.h")
		g.headers[g.pre] = &header{path: g.pre, macro: "PRE_VAL", value: g.r.IntN(1000), guard: g.chance(0.4)}
		g.src.macros = append(g.src.macros, "PRE_VAL")
		b.floating = append(b.floating, valueGroup("/FI", g.pre, true))
	}
	if g.want("debug", 0.25) {
		b.flag(pick(g, "/Z7", "/Z7", "/Zi"))
	}
	if g.want("show-includes", 0.2) {
		b.add("/showIncludes")
	}
	if g.want("color", 0.05) {
		b.add(pick(g, "-fcolor-diagnostics", "-fdiagnostics-color=always"))
	}

	// Sources and where the objects go.
	base := strings.TrimSuffix(path.Base(g.src.path), path.Ext(g.src.path))
	g.outDir = g.cwd
	dirForm := false
	if g.want("multi-source", 0.1) {
		g.extra = &source{path: path.Join(path.Dir(g.src.path), "two.c"), lang: "c", value: g.r.IntN(100), includes: g.src.includes, macros: g.src.macros}
		dirForm = true
		if g.chance(0.5) {
			b.add(pick(g, "/MP", "/MP2"))
		}
	}
	switch {
	case g.want("output-missing-dir", 0.03):
		g.outDir = path.Join(g.cwd, "missing/dir")
	case g.want("output-subdir", 0.3):
		g.outDir = pick(g, path.Join(g.cwd, "out"), "obj/x")
		if g.want("output-unwritable-dir", 0.12) {
			g.lockable = g.outDir
		}
	}
	if g.want("output-long-name", 0.03) && !dirForm {
		base = strings.Repeat("long", 57) + "-" + base
	}
	g.obj = path.Join(g.outDir, base+".obj")
	switch {
	case dirForm && g.outDir == g.cwd && g.chance(0.5):
		// No /Fo: each object beside the working directory.
	case dirForm:
		b.add("/Fo" + g.rel(g.outDir) + "/")
	case g.outDir == g.cwd && g.want("output-default", 0.15):
	default:
		objArg := g.rel(g.obj)
		if g.chance(0.1) {
			objArg = abs(g.obj)
		}
		if g.want("output-joined", 0.2) {
			b.add("-o", objArg)
		} else {
			b.add("/Fo" + objArg)
		}
	}

	// The environment: CL before the command line, _CL_ after it.
	s.Env = append(s.Env, EnvVar{"LC_ALL", "C"})
	if g.want("cl-env", 0.12) {
		name := pick(g, "CL", "_CL_")
		values := []string{"", "/DCLV=1", "/DCLV#2", "/O1", "/DCLV=3 /W4"}
		if g.chance(0.6) {
			s.Env = append(s.Env, EnvVar{name, pick(g, values[1:]...)})
		}
		g.envChoices = append(g.envChoices, envChoice{name, values})
	}
	if g.want("ccc-override", 0.04) {
		values := []string{"", "# +-DOVR=1", "+-DOVR=2"}
		g.envChoices = append(g.envChoices, envChoice{"CCC_OVERRIDE_OPTIONS", values})
	}

	// The sources, last.
	srcGroup := func(p string) Group {
		lang := ""
		switch {
		case g.src.lang == "c++" && g.chance(0.3):
			lang = "/Tp"
		case g.want("language", 0.08):
			lang = "/Tc"
		}
		a, pl := pathArg(p)
		gr := Group{Args: []string{lang + a}}
		if pl != "" {
			gr.Plain = []string{lang + pl}
		}
		return gr
	}
	if g.src.lang == "c++" && g.chance(0.3) {
		b.tail = append(b.tail, Group{Args: []string{"/TP"}})
	}
	b.tail = append(b.tail, srcGroup(g.src.path))
	if g.extra != nil {
		b.tail = append(b.tail, srcGroup(g.extra.path))
	}

	rsp := ""
	if g.want("response-file", 0.12) {
		rsp = "args.rsp"
		if g.want("time-macro-rsp", 0.2) {
			b.inRsp = append(b.inRsp, Group{Args: []string{"/DSTAMP=__TIME__"}, Rsp: true})
			s.TimeSensitive = true
		}
	}
	s.Commands = []Command{b.command(rsp)}
	if rsp != "" && g.chance(0.4) {
		s.Commands[0].RspUTF16 = true
	}
	g.variants("/DVARIANT=")
}

// utf16Data encodes text in UTF-16LE with a byte order mark, cl.exe's
// form of a response file.
func utf16Data(text string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(text)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}
