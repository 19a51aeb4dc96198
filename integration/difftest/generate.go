package difftest

import (
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
)

// Options shape the scenarios: features left out, and features drawn far
// more often than usual.
type Options struct {
	Skip  map[string]bool
	Focus map[string]bool
}

// Generate returns scenario index of the run seeded by seed. The same seed,
// index and options always give the same scenario, on any machine: the
// scenario draws from its own generator, seeded by (seed, index).
func Generate(seed uint64, index int, o Options) *Scenario {
	g := &gen{
		r:       rand.New(rand.NewPCG(seed, uint64(index))),
		skip:    o.Skip,
		focus:   o.Focus,
		s:       &Scenario{Seed: seed, Index: index},
		headers: map[string]*header{},
	}
	g.chooseFamily()
	g.project()
	switch g.s.Family {
	case ClangCL:
		g.msvcCommands()
	default:
		g.gccCommands()
	}
	g.s.Dir = g.cwd
	g.setup()
	g.steps()
	slices.Sort(g.s.Tags)
	return g.s
}

// gen is the state of one scenario's generation: the random source and a
// model of the tree (what each file holds now), from which edits are drawn.
type gen struct {
	r     *rand.Rand
	skip  map[string]bool
	focus map[string]bool
	s     *Scenario

	// clock hands out mtimes (seconds after the scenario's clock base):
	// every write gets a later one, so an edit is also a newer file.
	clock int64
	// cwd is the working directory (tree path, "" for the root).
	cwd string

	headers map[string]*header // every header file, by tree path
	names   []string           // header names the source includes
	dirs    []*incDir          // the include search, in command-line order
	src     *source
	extra   *source // a second source (multi-source), or nil

	// Outputs of the main command (tree paths): the object and the depfile.
	obj, dep string
	outDir   string // the object's directory (tree path)
	// pre and mac are the -include and -imacros files (tree paths), "" if none.
	pre, mac string
	// pch is the header with a precompiled form, nil if none.
	pch *header
	// blob is the file .incbin reads, "" if none.
	blob string
	// profile is the generate step that writes profile data, nil if none.
	profile *Step
	// envVars the generator may change in steps, with values to choose from.
	envChoices []envChoice
	// symlinkDir is an include directory that is a symlink (tree path),
	// with its two possible targets.
	symlinkDir     string
	symlinkTargets [2]string
	// lockable is a directory an output goes to that a step may make
	// immutable.
	lockable string
	// caseDir is an include directory whose name differs from the working
	// directory's only in case (basedir-case), "" if none.
	caseDir string
	// gasInclude is the file an assembler source's .include reads.
	gasInclude string
	gasValue   int
	// basedir is set when objcache runs with OBJCACHE_BASEDIR.
	basedir bool
}

// header is one header file of the tree.
type header struct {
	path   string // tree path
	macro  string // the macro it defines
	value  int
	guard  bool
	stamp  string // a time macro it uses, or ""
	warn   bool   // it has a #warning
	nested string // an #include line, or ""
	asm    bool   // included by an assembler source: #defines only
}

func (h *header) text() string {
	var b strings.Builder
	guard := "G_" + ident(h.path)
	if h.guard {
		fmt.Fprintf(&b, "#ifndef %s\n#define %s\n", guard, guard)
	}
	fmt.Fprintf(&b, "/* %s */\n", h.path)
	if h.nested != "" {
		b.WriteString(h.nested + "\n")
	}
	fmt.Fprintf(&b, "#ifndef %s\n#define %s %d\n#endif\n", h.macro, h.macro, h.value)
	if h.asm {
		if h.guard {
			b.WriteString("#endif\n")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "extern const int from_%s;\nconst int from_%s = %d;\n", ident(h.path), ident(h.path), h.value)
	if h.stamp != "" {
		fmt.Fprintf(&b, "const char stamp_%s[] = %s;\n", ident(h.path), h.stamp)
	}
	if h.warn {
		fmt.Fprintf(&b, "#warning \"%s says hello\"\n", path.Base(h.path))
	}
	if h.guard {
		b.WriteString("#endif\n")
	}
	return b.String()
}

// incDir is one entry of the include search.
type incDir struct {
	dir    string // tree path
	kind   string // "I", "isystem", "iquote", "idirafter", "env" (CPATH…), "imsvc", "external"
	exists bool
}

// source is the main source file.
type source struct {
	path     string // tree path
	lang     string // "c", "c++", "S", "s"
	includes []string
	macros   []string // macros of the headers it includes, used if defined
	value    int
	broken   bool
	stamp    string // a time macro it uses, or ""
	main     bool   // it has a main() with a branch (profile scenarios)
	incbin   string // .incbin path as the assembler sees it, or ""
	warn     bool
	sysHdr   string
}

func (s *source) text() string {
	var b strings.Builder
	switch s.lang {
	case "s":
		fmt.Fprintf(&b, "# %s\n", s.path)
		for _, inc := range s.includes {
			fmt.Fprintf(&b, "\t.include \"%s\"\n", inc)
		}
		fmt.Fprintf(&b, "\t.data\n\t.globl value\nvalue:\t.long %d\n\t.long GAS_VAL\n", s.value)
		if s.incbin != "" {
			fmt.Fprintf(&b, "\t.section .rodata\nblob:\t.incbin \"%s\"\n", s.incbin)
		}
		if s.broken {
			b.WriteString("\tnot_an_instruction %eax\n")
		}
		return b.String()
	case "S":
		fmt.Fprintf(&b, "/* %s */\n", s.path)
		for _, inc := range s.includes {
			fmt.Fprintf(&b, "#include %s\n", inc)
		}
		fmt.Fprintf(&b, "\t.data\n\t.globl value\nvalue:\t.long %d\n", s.value)
		for _, m := range s.macros {
			fmt.Fprintf(&b, "#ifdef %s\n\t.long %s\n#endif\n", m, m)
		}
		if s.incbin != "" {
			fmt.Fprintf(&b, "\t.section .rodata\nblob:\t.incbin \"%s\"\n", s.incbin)
		}
		if s.broken {
			b.WriteString("\tnot_an_instruction %eax\n")
		}
		return b.String()
	}
	fmt.Fprintf(&b, "/* %s */\n", s.path)
	for _, inc := range s.includes {
		fmt.Fprintf(&b, "#include %s\n", inc)
	}
	if s.sysHdr != "" {
		fmt.Fprintf(&b, "#include <%s>\n", s.sysHdr)
	}
	b.WriteString("#ifdef STAMP\nconst char *stamp = STAMP;\n#endif\n")
	b.WriteString("#ifdef OVR\nint ovr = OVR;\n#endif\n#ifdef VARIANT\nint variant = VARIANT;\n#endif\n")
	fmt.Fprintf(&b, "int value = %d;\n", s.value)
	for _, m := range s.macros {
		fmt.Fprintf(&b, "#ifdef %s\nint use_%s = %s;\n#endif\n", m, m, m)
	}
	if s.stamp != "" {
		fmt.Fprintf(&b, "const char when[] = %s;\n", s.stamp)
	}
	if s.incbin != "" {
		fmt.Fprintf(&b, "__asm__(\".pushsection .rodata\\n.globl blob\\nblob:\\n.incbin \\\"%s\\\"\\n.popsection\\n\");\n", s.incbin)
	}
	if s.warn {
		b.WriteString("int f(int x) { int unused; return x; }\n")
	}
	if s.main {
		b.WriteString("int atoi(const char *);\nint work(int n) { int s = 0; for (int i = 0; i < n; i++) { if (i % 3) s += i; else s -= 1; } return s; }\n")
		b.WriteString("int main(int argc, char **argv) { return work(argc > 1 ? atoi(argv[1]) : 5) & 1; }\n")
	}
	if s.broken {
		b.WriteString("int broken = ;\n")
	}
	return b.String()
}

// envChoice is an environment variable a step may set, change or unset.
type envChoice struct {
	name   string
	values []string
}

// chance returns true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// want decides whether the scenario uses feature with probability p, and
// records it if so. A skipped feature is never used; a focused one is used
// at least half the time it is offered. The random draw is made either
// way, so that skipping one feature changes little else.
func (g *gen) want(feature string, p float64) bool {
	if _, ok := Features[feature]; !ok {
		panic("difftest: unknown feature " + feature)
	}
	if g.focus[feature] {
		p = max(p, 0.5)
	}
	yes := g.chance(p)
	if !yes || g.skip[feature] {
		return false
	}
	g.s.tag(feature)
	return true
}

// pick returns one of the choices at random.
func pick[T any](g *gen, choices ...T) T { return choices[g.r.IntN(len(choices))] }

// tick returns a new mtime, later than every earlier one.
func (g *gen) tick() int64 {
	g.clock += 1 + int64(g.r.IntN(3))
	return g.clock
}

// rel returns a tree path as the working directory sees it.
func (g *gen) rel(treePath string) string {
	if g.cwd == "" {
		return treePath
	}
	up := strings.Repeat("../", strings.Count(g.cwd, "/")+1)
	if strings.HasPrefix(treePath, g.cwd+"/") {
		return strings.TrimPrefix(treePath, g.cwd+"/")
	}
	return up + treePath
}

// abs returns a tree path as an absolute path (through the mount point).
func abs(treePath string) string { return MountPH + "/" + treePath }

// arg returns a tree path the way a command line names it: relative to
// the working directory, sometimes absolute, sometimes with "./".
func (g *gen) arg(treePath string) string {
	switch {
	case g.chance(0.15):
		return abs(treePath)
	case g.chance(0.1) && !strings.HasPrefix(g.rel(treePath), "../"):
		return "./" + g.rel(treePath)
	}
	return g.rel(treePath)
}

// ident turns a path into a C identifier.
func ident(p string) string {
	var b strings.Builder
	for _, c := range p {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func (g *gen) chooseFamily() {
	var fams, focused []Family
	for _, f := range []Family{GCC, Clang, ClangCL} {
		if !g.skip[string(f)] {
			fams = append(fams, f)
			if g.focus[string(f)] {
				focused = append(focused, f)
			}
		}
	}
	if len(focused) > 0 {
		fams = focused // a focused family is the only one drawn
	}
	// gcc and clang are drawn twice as often as clang-cl.
	weights := map[Family]int{GCC: 4, Clang: 3, ClangCL: 2}
	total := 0
	for _, f := range fams {
		total += weights[f]
	}
	n := g.r.IntN(total)
	for _, f := range fams {
		if n < weights[f] {
			g.s.Family = f
			break
		}
		n -= weights[f]
	}
	g.s.tag(string(g.s.Family))
}

// headerNames are the names headers are drawn from.
var headerNames = []string{"cfg.h", "util.h", "defs.h", "api.h"}

// dirPool is where include directories are drawn from.
var dirPool = []string{"inc/a", "inc/b", "inc/c", "sys/s", "q", "third/x"}

// project draws the tree: source, headers, include search.
func (g *gen) project() {
	cl := g.s.Family == ClangCL
	if g.chance(0.4) {
		g.cwd = "build"
	}
	if cl && g.want("basedir-case", 0.06) {
		// The working directory is proj/; Proj/inc is another directory
		// on Linux, whatever a case-folding comparison says.
		g.cwd = "proj"
		g.caseDir = "Proj/inc"
	}
	g.src = &source{path: pick(g, "src/main.c", "main.c", "src/lib/mod.c"), lang: "c", value: g.r.IntN(100)}
	if g.want("cxx", 0.08) {
		g.src.path = strings.TrimSuffix(g.src.path, ".c") + ".cpp"
		g.src.lang = "c++"
	} else if !cl && g.want("asm-source", 0.07) {
		if g.chance(0.5) {
			g.src.path = "src/start.S"
			g.src.lang = "S"
		} else {
			g.src.path = "src/start.s"
			g.src.lang = "s"
		}
	}
	if g.src.lang == "s" {
		// Assembler sources have no preprocessor: .include, relative to
		// the working directory.
		g.gasInclude = "asm/defs.inc"
		g.src.includes = append(g.src.includes, g.rel(g.gasInclude))
		if g.want("asm-incbin", 0.5) {
			g.useIncbin()
		}
		return
	}

	// The include search: 2-4 directories, some missing.
	pool := slices.Clone(dirPool)
	g.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	n := 2 + g.r.IntN(3)
	for _, d := range pool[:n] {
		kind := "I"
		switch {
		case cl && g.want("isystem", 0.15):
			kind = "imsvc"
		case cl && g.want("isystem", 0.1):
			kind = "external"
		case cl && g.want("cpath", 0.1):
			kind = "env"
		case cl:
		case g.want("isystem", 0.2):
			kind = "isystem"
		case g.want("iquote", 0.12):
			kind = "iquote"
		case g.want("idirafter", 0.08):
			kind = "idirafter"
		case g.want("cpath", 0.1):
			kind = "env"
		}
		exists := true
		if g.want("missing-incdir", 0.25) {
			exists = false
		}
		g.dirs = append(g.dirs, &incDir{dir: d, kind: kind, exists: exists})
	}
	if g.caseDir != "" {
		g.dirs = append([]*incDir{{dir: g.caseDir, kind: "I", exists: true}}, g.dirs...)
	}
	if g.want("symlink-incdir", 0.06) {
		g.symlinkDir = "inc/cur"
		g.symlinkTargets = [2]string{"inc/v1", "inc/v2"}
		g.dirs = append([]*incDir{{dir: g.symlinkDir, kind: "I", exists: true}}, g.dirs...)
	}

	// Headers: each name lives in one or two existing directories (one
	// directory always exists: a scenario whose headers cannot be found
	// fails every compile and tests little).
	var existing []*incDir
	for _, d := range g.dirs {
		if d.exists && d.dir != g.symlinkDir {
			existing = append(existing, d)
		}
	}
	if len(existing) == 0 {
		for _, d := range g.dirs {
			if d.dir != g.symlinkDir && d.dir != g.caseDir {
				d.exists = true
				existing = append(existing, d)
				break
			}
		}
	}
	names := slices.Clone(headerNames)
	g.r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	g.names = names[:1+g.r.IntN(3)]
	unguarded := g.want("unguarded-header", 0.35)
	for i, name := range g.names {

		copies := 1 + g.r.IntN(2)
		quoteOnly := true // found only in -iquote directories: needs #include "…"
		for c := 0; c < copies && len(existing) > 0; c++ {
			d := pick(g, existing...)
			g.addHeader(d.dir+"/"+name, unguarded)
			quoteOnly = quoteOnly && d.kind == "iquote"
		}
		if g.symlinkDir != "" && i == 0 {
			for _, t := range g.symlinkTargets {
				g.addHeader(t+"/"+name, unguarded)
			}
		}
		if g.caseDir != "" && i == 0 {
			g.addHeader(g.caseDir+"/"+name, unguarded)
			g.addHeader("proj/inc/"+name, unguarded)
		}
		g.src.macros = append(g.src.macros, macroOf(name))
		quote := "<" + name + ">"
		if quoteOnly || g.chance(0.4) {
			quote = `"` + name + `"`
		}
		g.src.includes = append(g.src.includes, quote)
	}
	if g.chance(0.4) {
		// A header beside the source, found by #include "local.h".
		p := path.Join(path.Dir(g.src.path), "local.h")
		g.addHeader(p, unguarded)
		g.src.includes = append([]string{`"local.h"`}, g.src.includes...)
		g.src.macros = append(g.src.macros, macroOf("local.h"))
	}
	if len(g.headers) > 1 && g.want("nested-include", 0.2) {
		for _, p := range g.sortedHeaders() {
			h := g.headers[p]
			if path.Base(h.path) != g.names[0] && h.guard {
				h.nested = "#include \"" + g.names[0] + "\""
				// The nested header may be included twice: guard it.
				for _, o := range g.headers {
					if path.Base(o.path) == g.names[0] {
						o.guard = true
					}
				}
				break
			}
		}
	}
	if g.src.lang == "c" || g.src.lang == "c++" {
		if !cl && g.want("system-header", 0.3) {
			g.src.sysHdr = pick(g, "stddef.h", "stdio.h", "stdint.h")
		} else if cl && g.want("system-header", 0.2) {
			g.src.sysHdr = "stddef.h"
		}
		if g.want("time-macro-source", 0.06) {
			stamp := pick(g, "__TIME__", "__DATE__ \" \" __TIME__")
			if g.chance(0.5) || len(g.headers) == 0 {
				g.src.stamp = stamp
			} else {
				g.headers[pick(g, g.sortedHeaders()...)].stamp = stamp
			}
			g.s.TimeSensitive = true
		}
		if g.want("timestamp-macro", 0.05) {
			if g.chance(0.5) || len(g.headers) == 0 {
				g.src.stamp = "__TIMESTAMP__"
			} else {
				g.headers[pick(g, g.sortedHeaders()...)].stamp = "__TIMESTAMP__"
			}
		}
		if g.want("warnings", 0.3) {
			g.src.warn = true
			if len(g.headers) > 0 && g.chance(0.5) {
				g.headers[pick(g, g.sortedHeaders()...)].warn = true
			}
		}
		if !cl && g.want("asm-incbin", 0.07) {
			g.useIncbin()
		}
		if !cl && g.want("profile", 0.05) {
			g.src.main = true
		}
	} else {
		// .S: the preprocessor runs, headers hold #defines only.
		for _, h := range g.headers {
			h.asm, h.nested = true, ""
		}
		if g.want("asm-incbin", 0.5) {
			g.useIncbin()
		}
	}
}

// useIncbin makes the source pull in a blob with .incbin (a path relative
// to the working directory, where the assembler looks first).
func (g *gen) useIncbin() {
	g.blob = "data/blob.bin"
	g.src.incbin = g.rel(g.blob)
}

func (g *gen) addHeader(p string, unguarded bool) {
	if _, ok := g.headers[p]; ok {
		return
	}
	g.headers[p] = &header{path: p, macro: macroOf(path.Base(p)), value: g.r.IntN(1000), guard: !unguarded || g.chance(0.5)}
}

// macroOf is the macro a header name defines: CFG_H_VAL for cfg.h.
func macroOf(name string) string { return strings.ToUpper(ident(name)) + "_VAL" }

// sortedHeaders returns the header paths in a fixed order (map order is
// random, and generation must not be).
func (g *gen) sortedHeaders() []string {
	var ps []string
	for p := range g.headers {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// write returns the action that writes a file with a fresh mtime.
func (g *gen) write(treePath, content string) Action {
	return Action{Op: OpWrite, Path: treePath, Data: []byte(content), Mode: 0o644, Mtime: g.tick()}
}

// setup writes the initial tree: directories, sources, headers.
func (g *gen) setup() {
	s := g.s
	if g.cwd != "" {
		s.Setup = append(s.Setup, Action{Op: OpMkdir, Path: g.cwd})
	}
	for _, d := range g.dirs {
		if d.exists && d.dir != g.symlinkDir {
			s.Setup = append(s.Setup, Action{Op: OpMkdir, Path: d.dir})
		}
	}
	if g.symlinkDir != "" {
		s.Setup = append(s.Setup, Action{Op: OpSymlink, Path: g.symlinkDir, Target: path.Base(g.symlinkTargets[0])})
	}
	for _, p := range g.sortedHeaders() {
		s.Setup = append(s.Setup, g.write(p, g.headers[p].text()))
	}
	s.Setup = append(s.Setup, g.write(g.src.path, g.src.text()))
	if g.extra != nil {
		s.Setup = append(s.Setup, g.write(g.extra.path, g.extra.text()))
	}
	if g.blob != "" {
		s.Setup = append(s.Setup, g.write(g.blob, "AAAA"))
	}
	if g.gasInclude != "" {
		s.Setup = append(s.Setup, g.write(g.gasInclude, g.gasText()))
	}
	for _, c := range s.Commands {
		if c.RspArg != "" {
			s.Setup = append(s.Setup, g.rspWrite(c))
		}
	}
	if g.outDir != "" && g.outDir != g.cwd && !g.s.hasTag("output-missing-dir") {
		s.Setup = append(s.Setup, Action{Op: OpMkdir, Path: g.outDir})
	}
}

// treeOf returns the tree path of a path named relative to the working
// directory.
func (g *gen) treeOf(p string) string {
	if strings.HasPrefix(p, MountPH+"/") {
		return strings.TrimPrefix(p, MountPH+"/")
	}
	return path.Clean(path.Join(g.cwd, p))
}

// steps draws the sequence: a first compile, then changes each followed
// (mostly) by a compile.
func (g *gen) steps() {
	s := g.s
	if g.profile != nil {
		s.Steps = append(s.Steps, g.profileStep(3))
	}
	if g.pch != nil {
		s.Steps = append(s.Steps, g.pchStep())
	}
	s.Steps = append(s.Steps, Step{Kind: StepCompile, Cmd: 0, Note: "first compile"})
	n := 3 + g.r.IntN(8)
	for range n {
		changed := g.change()
		if changed && g.chance(0.1) {
			continue // two changes before the next compile
		}
		st := Step{Kind: StepCompile, Cmd: g.r.IntN(len(s.Commands)), Note: "compile"}
		if changed && g.want("no-settle", 0.08) {
			st.NoSettle = true
		}
		if g.want("kill", 0.04) {
			st.Kind = StepKill
			st.Signal = pick(g, "KILL", "TERM", "INT")
			st.Millis = g.r.IntN(60)
			st.Note = "compile, killed by SIG" + st.Signal
		}
		if len(s.Commands) > 1 && !g.basedir && g.want("race", 0.04) {
			// Two builds at once, then each alone: an entry the race
			// stored under the wrong key shows as a wrong hit.
			s.Steps = append(s.Steps,
				Step{Kind: StepRace, Cmd: 0, Cmd2: 1, Note: "two builds at once"},
				Step{Kind: StepCompile, Cmd: 0, Note: "the first build again"},
				Step{Kind: StepCompile, Cmd: 1, Note: "the second build again"})
			continue
		}
		s.Steps = append(s.Steps, st)
	}
	// End with a plain compile, so that every change is looked at.
	if last := s.Steps[len(s.Steps)-1]; last.Kind != StepCompile {
		s.Steps = append(s.Steps, Step{Kind: StepCompile, Cmd: 0, Note: "final compile"})
	}
}

// change appends one change step (or none) and reports whether it did.
func (g *gen) change() bool {
	s := g.s
	type option struct {
		weight int
		do     func() bool
	}
	options := []option{
		{3, func() bool { return false }}, // no change: the next compile should hit
		{4, g.editHeader},
		{2, g.editSource},
		{2, g.touchFile},
		{2, g.shadowHeader},
		{1, g.removeHeader},
		{1, g.breakSource},
		{2, g.changeOutput},
		{2, g.changeEnv},
	}
	if g.pre != "" || g.mac != "" {
		options = append(options, option{2, g.editForced})
	}
	if g.pch != nil {
		options = append(options, option{4, g.swapPCH})
	}
	if g.blob != "" {
		options = append(options, option{3, g.editBlob})
	}
	if g.profile != nil {
		options = append(options, option{3, g.updateProfile})
	}
	if g.symlinkDir != "" {
		options = append(options, option{3, g.retargetIncdir})
	}
	if s.TimeSensitive {
		options = append(options, option{3, g.sleepSecond})
	}
	for i := range s.Commands {
		if s.Commands[i].RspArg != "" {
			options = append(options, option{2, func() bool { return g.editRsp(i) }})
		}
	}
	if g.gasInclude != "" {
		options = append(options, option{3, func() bool {
			return g.tree("edit "+g.gasInclude, g.write(g.gasInclude, g.gasText()))
		}})
	}
	if g.lockable != "" {
		options = append(options, option{2, g.lockDir})
	}
	total := 0
	for _, o := range options {
		total += o.weight
	}
	n := g.r.IntN(total)
	for _, o := range options {
		if n < o.weight {
			return o.do()
		}
		n -= o.weight
	}
	return false
}

func (g *gen) tree(note string, actions ...Action) bool {
	g.s.Steps = append(g.s.Steps, Step{Kind: StepTree, Note: note, Actions: actions})
	return true
}

func (g *gen) editHeader() bool {
	if len(g.headers) == 0 {
		return g.editSource()
	}
	h := g.headers[pick(g, g.sortedHeaders()...)]
	h.value = g.newValue(h.value)
	return g.tree("edit "+h.path, g.write(h.path, h.text()))
}

// newValue returns another value of the same width most of the time: an
// edit that keeps the file's size must be seen too.
func (g *gen) newValue(old int) int {
	for {
		v := g.r.IntN(1000)
		if v != old && (len(fmt.Sprint(v)) == len(fmt.Sprint(old)) || g.chance(0.3)) {
			return v
		}
	}
}

func (g *gen) editSource() bool {
	g.src.value = g.newValue(g.src.value)
	return g.tree("edit "+g.src.path, g.write(g.src.path, g.src.text()))
}

func (g *gen) touchFile() bool {
	p := g.src.path
	if len(g.headers) > 0 && g.chance(0.5) {
		p = pick(g, g.sortedHeaders()...)
	}
	return g.tree("touch "+p, Action{Op: OpTouch, Path: p, Mtime: g.tick()})
}

// shadowHeader creates a header in an include directory (created if
// missing), where the search may now find it before the old one.
func (g *gen) shadowHeader() bool {
	if len(g.dirs) == 0 || len(g.names) == 0 {
		return false
	}
	d := pick(g, g.dirs...)
	if d.dir == g.symlinkDir {
		return false
	}
	name := pick(g, g.names...)
	p := d.dir + "/" + name
	if _, ok := g.headers[p]; ok {
		return false
	}
	feature := "shadow-header"
	if !d.exists {
		feature = "incdir-appears"
	}
	if !g.want(feature, 1) {
		return false
	}
	g.addHeader(p, false)
	d.exists = true
	note := "create " + p
	if feature == "incdir-appears" {
		note = "create the directory " + d.dir + " with " + name
	}
	return g.tree(note, Action{Op: OpMkdir, Path: d.dir}, g.write(p, g.headers[p].text()))
}

func (g *gen) removeHeader() bool {
	if len(g.headers) == 0 || !g.want("remove-header", 1) {
		return false
	}
	p := pick(g, g.sortedHeaders()...)
	if g.pch != nil && p == g.pch.path || p == g.pre || p == g.mac {
		return false
	}
	copies := 0
	for _, q := range g.sortedHeaders() {
		if path.Base(q) == path.Base(p) {
			copies++
		}
	}
	if copies == 1 && g.chance(0.7) {
		// The last copy: every later compile would fail. Rarely.
		return false
	}
	delete(g.headers, p)
	return g.tree("remove "+p, Action{Op: OpRemove, Path: p})
}

func (g *gen) breakSource() bool {
	if !g.want("syntax-error", 1) {
		return false
	}
	g.src.broken = !g.src.broken
	note := "break " + g.src.path
	if !g.src.broken {
		note = "fix " + g.src.path
	}
	return g.tree(note, g.write(g.src.path, g.src.text()))
}

func (g *gen) editForced() bool {
	p := g.pre
	if p == "" || (g.mac != "" && g.chance(0.5)) {
		p = g.mac
	}
	h := g.headers[p]
	h.value = g.newValue(h.value)
	return g.tree("edit "+p, g.write(p, h.text()))
}

// swapPCH edits the precompiled header's header and rebuilds the .gch (or
// removes or rebuilds it alone).
func (g *gen) swapPCH() bool {
	h := g.pch
	gen := g.pchStep()
	switch {
	case g.chance(0.15):
		return g.tree("remove the precompiled header", Action{Op: OpRemove, Path: gen.Copy[0]})
	case g.chance(0.2):
		g.s.Steps = append(g.s.Steps, gen)
		return true
	}
	h.value = g.newValue(h.value)
	g.tree("edit "+h.path, g.write(h.path, h.text()))
	g.s.Steps = append(g.s.Steps, gen)
	return true
}

func (g *gen) editBlob() bool {
	data := pick(g, "BBBB", "CCCCCC", "AAAA", "DDDD")
	return g.tree("edit "+g.blob, g.write(g.blob, data))
}

func (g *gen) updateProfile() bool {
	st := g.profileStep(g.r.IntN(50))
	st.Note = "rebuild and run the instrumented program (the profile changes)"
	g.s.Steps = append(g.s.Steps, st)
	return true
}

// profileStep returns the profile's generate step, the instrumented
// program run with argument n.
func (g *gen) profileStep(n int) Step {
	st := *g.profile
	st.Argv = slices.Clone(st.Argv)
	last := len(st.Argv) - 1
	st.Argv[last] = strings.ReplaceAll(st.Argv[last], "PROG_ARG", fmt.Sprint(n))
	return st
}

// gasText is the assembler include file's content.
func (g *gen) gasText() string {
	g.gasValue++
	return fmt.Sprintf("# %s\n\t.set GAS_VAL, %d\n", g.gasInclude, g.gasValue)
}

func (g *gen) retargetIncdir() bool {
	t := path.Base(g.symlinkTargets[g.r.IntN(2)])
	return g.tree("point "+g.symlinkDir+" at "+t, Action{Op: OpRemove, Path: g.symlinkDir}, Action{Op: OpSymlink, Path: g.symlinkDir, Target: t})
}

func (g *gen) sleepSecond() bool {
	g.s.Steps = append(g.s.Steps, Step{Kind: StepSleep, Millis: 1100, Note: "let the clock pass a second"})
	return true
}

func (g *gen) editRsp(i int) bool {
	c := &g.s.Commands[i]
	// Change or add a define in the response file.
	for j := range c.Groups {
		gr := &c.Groups[j]
		if gr.Rsp && len(gr.Args) == 1 && strings.Contains(gr.Args[0], "DRSPV=") {
			gr.Args = []string{strings.SplitAfter(gr.Args[0], "=")[0] + fmt.Sprint(g.r.IntN(100))}
			return g.tree("edit the response file", g.rspWrite(*c))
		}
	}
	def := "-DRSPV="
	if g.s.Family == ClangCL {
		def = "/DRSPV="
	}
	c.Groups = append(c.Groups, Group{Args: []string{def + fmt.Sprint(g.r.IntN(100))}, Rsp: true})
	return g.tree("edit the response file", g.rspWrite(*c))
}

// rspWrite returns the action that writes a command's response file: its
// words may name paths through the mount point, expanded when written.
func (g *gen) rspWrite(c Command) Action {
	a := g.write(g.treeOf(c.RspArg), c.rspText())
	a.Expand, a.UTF16 = true, c.RspUTF16
	return a
}

// changeEnv sets, changes or unsets one of the scenario's variables.
func (g *gen) changeEnv() bool {
	if len(g.envChoices) == 0 {
		return false
	}
	c := pick(g, g.envChoices...)
	v := pick(g, c.values...)
	note := "set " + c.name + "=" + v
	if v == "" {
		note = "unset " + c.name
	}
	g.s.Steps = append(g.s.Steps, Step{Kind: StepEnv, Env: []EnvVar{{c.name, v}}, Note: note})
	return true
}

// changeOutput turns an output into a symlink, a device, a FIFO, a hard
// link, changes its mode, or removes it.
func (g *gen) changeOutput() bool {
	outs := []string{}
	if g.obj != "" {
		outs = append(outs, g.obj)
	}
	if g.dep != "" {
		outs = append(outs, g.dep)
	}
	if len(outs) == 0 {
		return false
	}
	out := pick(g, outs...)
	rm := Action{Op: OpRemove, Path: out}
	switch g.r.IntN(7) {
	case 0:
		if !g.want("output-symlink", 1) {
			return false
		}
		target := pick(g, "real/"+path.Base(out), path.Base(out)+".real", "../elsewhere/"+path.Base(out))
		dir := path.Dir(out)
		targetTree := path.Clean(path.Join(dir, target))
		if strings.HasPrefix(targetTree, "..") {
			target, targetTree = path.Base(out)+".real", path.Join(dir, path.Base(out)+".real")
		}
		if g.chance(0.3) {
			target = abs(targetTree)
		}
		actions := []Action{rm, {Op: OpMkdir, Path: path.Dir(targetTree)}}
		if g.chance(0.6) {
			actions = append(actions, g.write(targetTree, "old content\n"))
		}
		return g.tree("make "+out+" a symlink to "+target, append(actions, Action{Op: OpSymlink, Path: out, Target: target})...)
	case 1:
		if !g.want("output-device", 1) {
			return false
		}
		return g.tree("make "+out+" a null device", rm, Action{Op: OpDevice, Path: out})
	case 2:
		if !g.want("output-fifo", 1) {
			return false
		}
		return g.tree("make "+out+" a FIFO", rm, Action{Op: OpFIFO, Path: out})
	case 3:
		if !g.want("output-hardlink", 1) {
			return false
		}
		other := path.Join(path.Dir(out), "copy-of-"+path.Base(out))
		return g.tree("make "+out+" a hard link", rm, g.write(other, "shared\n"), Action{Op: OpLink, Path: out, Target: other})
	case 4:
		if !g.want("output-chmod", 1) {
			return false
		}
		mode := pick(g, uint32(0o600), uint32(0o755), uint32(0o444))
		return g.tree(fmt.Sprintf("chmod %o %s", mode, out), g.write(out, "stale\n"), Action{Op: OpChmod, Path: out, Mode: mode})
	default:
		if !g.want("output-remove", 1) {
			return false
		}
		return g.tree("remove "+out, rm)
	}
}

// lockDir makes the object's directory immutable (or mutable again).
func (g *gen) lockDir() bool {
	for i := len(g.s.Steps) - 1; i >= 0; i-- {
		for _, a := range g.s.Steps[i].Actions {
			if a.Path == g.lockable && (a.Op == OpLock || a.Op == OpUnlock) {
				if a.Op == OpLock {
					return g.tree("unlock "+g.lockable, Action{Op: OpUnlock, Path: g.lockable})
				}
				return g.tree("lock "+g.lockable, Action{Op: OpLock, Path: g.lockable})
			}
		}
	}
	return g.tree("lock "+g.lockable+" (chattr +i)", Action{Op: OpLock, Path: g.lockable})
}

// pchStep returns the step that builds the precompiled header from the
// main command's flags.
func (g *gen) pchStep() Step {
	h := g.pch
	c := g.s.Commands[0]
	argv := []string{g.s.Compiler}
	argv = append(argv, c.Flags...)
	var out string
	if g.s.Family == GCC {
		out = h.path + ".gch"
		argv = append(argv, "-x", g.hdrLang(), "-c", g.rel(h.path), "-o", g.rel(out))
	} else {
		out = h.path + ".pch"
		argv = append(argv, "-x", g.hdrLang(), g.rel(h.path), "-o", g.rel(out))
	}
	return Step{Kind: StepGenerate, Argv: argv, Copy: []string{out}, Note: "build the precompiled header " + out}
}

func (g *gen) hdrLang() string {
	if g.src.lang == "c++" {
		return "c++-header"
	}
	return "c-header"
}
