package difftest

import (
	"fmt"
	"slices"
	"strings"
)

// Placeholders in paths, arguments and link targets. They stand for
// directories that differ between runs (and between the runner and a
// reproduction script) but are the same for both twins of one run.
const (
	// MountPH is the mount point at which each twin's tree is seen by the
	// commands: an absolute path into the tree.
	MountPH = "{M}"
	// BinPH is the runner's directory of tools (the cl.exe symlink, the
	// masquerade directory), outside both trees.
	BinPH = "{BIN}"
)

// Family is a compiler family the generator writes command lines for.
type Family string

// The families. Each has its own grammar (grammar_gcc.go, grammar_msvc.go).
const (
	GCC     Family = "gcc"      // gcc 12, as gcc or gcc-12
	Clang   Family = "clang"    // clang-14
	ClangCL Family = "clang-cl" // clang-14 through a symlink named cl.exe
)

// Scenario is one generated test case: a tree, the command lines a build
// runs in it, and a sequence of steps. It is pure data: the runner executes
// it, Script renders it as a shell script, the shrinker edits it.
type Scenario struct {
	Seed  uint64
	Index int
	// Family and Compiler: the compiler as both runs name it ("gcc-12",
	// "clang-14", BinPH+"/cl.exe").
	Family   Family
	Compiler string
	// Launch is how objcache is put in front of the compiler.
	Launch Launch
	// Dir is the working directory of every command, relative to the tree
	// ("" for the tree's root).
	Dir string
	// Setup creates the initial tree (in both twins).
	Setup []Action
	// Env is the environment both runs start with, beyond the runner's
	// fixed base (PATH, HOME, TMPDIR); steps change it.
	Env []EnvVar
	// ObjcacheEnv is added to objcache's run only (OBJCACHE_BASEDIR…).
	ObjcacheEnv []EnvVar
	// Commands are the build's command lines; compile steps name one by
	// index.
	Commands []Command
	Steps    []Step
	// Tags lists the grammar features the scenario uses (see Features).
	Tags []string
	// TimeSensitive is set when an input uses __DATE__ or __TIME__: both
	// runs of a compile step must then fall within one second of the clock
	// for their objects to be comparable (see runner.go).
	TimeSensitive bool
	// COFF is set for clang-cl: objects carry a time stamp in their COFF
	// header, which the comparison ignores (see snapshot.go).
	COFF bool
}

// Launch is how the objcache run invokes objcache.
type Launch string

// The launch forms.
const (
	LaunchPlain      Launch = "objcache CC"          // objcache gcc-12 …
	LaunchAbsolute   Launch = "objcache /path/CC"    // objcache /usr/bin/gcc-12 …
	LaunchMasquerade Launch = "masquerade"           // a symlink named like the compiler, first in PATH
	LaunchTwice      Launch = "objcache objcache CC" // objcache given itself as the compiler
)

// EnvVar is one environment variable; an empty Name never occurs.
type EnvVar struct {
	Name, Value string
}

// Group is a unit of a command line that belongs together (an option and
// its value): the shrinker removes whole groups.
type Group struct {
	Args []string
	// Plain replaces Args in the compiler-alone run when it is not nil:
	// with base dirs, objcache runs the compiler with rewritten paths
	// (README "Sharing one cache across checkouts"), so the reference is
	// the compiler given those paths.
	Plain []string
	// Rsp puts the group in the command's response file instead of on the
	// command line.
	Rsp bool
}

// Command is one command line of the build.
type Command struct {
	Groups []Group
	// RspArg is how the command line names its response file (after the
	// "@"), "" when it has none. The file itself is part of the tree: the
	// generator writes it from the groups marked Rsp, and steps may edit it.
	RspArg string
	// RspUTF16 writes the response file in UTF-16LE with a byte order mark
	// (cl.exe's form).
	RspUTF16 bool
	// Flags are the options that also apply to building a precompiled
	// header for this command (defines, -O, -g, -std).
	Flags []string
}

// twin names one of a scenario's trees and the run made in it.
type twin int

const (
	// twinObjcache is the run through objcache.
	twinObjcache twin = iota
	// twinPlain is the compiler alone, given the groups' Plain forms: the
	// reference.
	twinPlain
	// twinOriginal is the compiler alone given the objcache run's own
	// arguments: a second reference, for scenarios where the two differ
	// (with base dirs objcache runs the compiler with relative paths on a
	// miss or a hit, but passes an uncacheable call through untouched).
	twinOriginal
)

// argv returns the command line after the compiler name for a run.
func (c Command) argv(t twin) []string {
	var out []string
	rsp := false
	for _, g := range c.Groups {
		if g.Rsp && c.RspArg != "" {
			rsp = true
			continue
		}
		out = append(out, g.tokens(t == twinPlain)...)
	}
	if rsp {
		out = append(out, "@"+c.RspArg)
	}
	return out
}

// rspText returns the response file's content: the words of the groups
// marked Rsp. Response files never hold base-dir paths, so both runs read
// the same file.
func (c Command) rspText() string {
	var words []string
	for _, g := range c.Groups {
		if g.Rsp {
			for _, a := range g.Args {
				words = append(words, rspQuote(a))
			}
		}
	}
	return strings.Join(words, " ") + "\n"
}

func (g Group) tokens(plain bool) []string {
	if plain && g.Plain != nil {
		return g.Plain
	}
	return g.Args
}

// rspQuote quotes a word for a response file as gcc, clang and clang-cl
// read it: double quotes around words with spaces, backslash before quotes.
func rspQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\") {
		return s
	}
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

// StepKind says what a step does.
type StepKind string

// The step kinds.
const (
	// StepCompile runs Commands[Cmd] through objcache in one twin and
	// alone in the other, and compares everything a user could see.
	StepCompile StepKind = "compile"
	// StepTree changes both trees by Actions.
	StepTree StepKind = "tree"
	// StepGenerate runs Argv (a tool: gcc building a .gch, a program
	// writing profile data) in the objcache twin, and the other trees
	// become copies of that one, so all hold the same bytes.
	StepGenerate StepKind = "generate"
	// StepEnv sets (Value != "") or unsets variables for later commands.
	StepEnv StepKind = "env"
	// StepSleep waits Millis milliseconds (time macros, mtime resolution).
	StepSleep StepKind = "sleep"
	// StepKill runs Commands[Cmd] through objcache, sends Signal after
	// Millis milliseconds, waits for every process it started, and checks
	// that it left no file the compiler alone would not have written. The
	// compiler alone then runs the command to completion in the other twin,
	// and the objcache twin is made equal to it.
	StepKill StepKind = "kill"
	// StepRace runs Commands[Cmd] and Commands[Cmd2] through objcache at
	// the same time (two builds sharing the cache and an output) and
	// checks that each output is what one of the two commands gives alone.
	StepRace StepKind = "race"
)

// Step is one step of a scenario.
type Step struct {
	Kind    StepKind
	Note    string // what the step means, for reports and scripts
	Cmd     int
	Cmd2    int
	Actions []Action
	// Argv is StepGenerate's command (the tool first), run in Dir; Copy
	// lists the tree paths it is run for (for reports).
	Argv []string
	Copy []string
	Env  []EnvVar
	// Millis: StepSleep's wait, StepKill's delay before the signal.
	Millis int
	// Signal is StepKill's signal name: "KILL", "TERM" or "INT".
	Signal string
	// NoSettle runs a compile at once after a tree change, without the
	// short wait that lets objcache store the result (its "input modified
	// while compiling" guard).
	NoSettle bool
}

// Op is a primitive change of a tree.
type Op string

// The primitive operations. Paths are relative to the tree (no "..", never
// absolute); link targets may start with MountPH.
const (
	OpWrite   Op = "write"   // Path gets Data with Mode, and mtime Mtime
	OpMkdir   Op = "mkdir"   // Path (and parents) as directories
	OpRemove  Op = "remove"  // Path and everything under it
	OpSymlink Op = "symlink" // Path becomes a link to Target
	OpDevice  Op = "device"  // Path becomes a character device (1, 3: a null device)
	OpFIFO    Op = "fifo"    // Path becomes a FIFO
	OpTouch   Op = "touch"   // Path's mtime becomes Mtime
	OpChmod   Op = "chmod"   // Path's permission bits become Mode
	OpLock    Op = "lock"    // Path, a directory, becomes immutable (chattr +i): even root cannot create files in it
	OpUnlock  Op = "unlock"  // chattr -i
	OpLink    Op = "link"    // Path becomes a hard link to Target (a tree path)
)

// Action is one primitive change of a tree.
type Action struct {
	Op     Op
	Path   string
	Data   []byte
	Mode   uint32
	Target string
	// Mtime is seconds after the scenario's clock base (an hour before the
	// run started); both twins get the same times.
	Mtime int64
	// Expand replaces the placeholders in Data when it is written (a
	// response file naming absolute paths).
	Expand bool
	// UTF16 writes Data (after Expand) in UTF-16LE with a byte order mark.
	UTF16 bool
}

// hasOriginal reports whether the scenario needs the second reference
// (twinOriginal): some group has a Plain form.
func (s *Scenario) hasOriginal() bool {
	for _, c := range s.Commands {
		for _, g := range c.Groups {
			if g.Plain != nil {
				return true
			}
		}
	}
	return false
}

// hasTag reports whether the scenario uses a feature.
func (s *Scenario) hasTag(tag string) bool { return slices.Contains(s.Tags, tag) }

// tag records that the scenario uses a feature.
func (s *Scenario) tag(tag string) {
	if !s.hasTag(tag) {
		s.Tags = append(s.Tags, tag)
	}
}

// ID names the scenario for reports: its seed and index reproduce it.
func (s *Scenario) ID() string { return fmt.Sprintf("seed=%d index=%d", s.Seed, s.Index) }

// Clone returns a deep copy, for the shrinker to edit.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Setup = cloneActions(s.Setup)
	c.Env = slices.Clone(s.Env)
	c.ObjcacheEnv = slices.Clone(s.ObjcacheEnv)
	c.Tags = slices.Clone(s.Tags)
	c.Commands = make([]Command, len(s.Commands))
	for i, cmd := range s.Commands {
		cmd.Groups = slices.Clone(cmd.Groups)
		cmd.Flags = slices.Clone(cmd.Flags)
		c.Commands[i] = cmd
	}
	c.Steps = make([]Step, len(s.Steps))
	for i, st := range s.Steps {
		st.Actions = cloneActions(st.Actions)
		st.Argv = slices.Clone(st.Argv)
		st.Copy = slices.Clone(st.Copy)
		st.Env = slices.Clone(st.Env)
		c.Steps[i] = st
	}
	return &c
}

func cloneActions(a []Action) []Action {
	out := slices.Clone(a)
	for i := range out {
		out[i].Data = slices.Clone(out[i].Data)
	}
	return out
}

// setVar sets (value != "") or removes a variable.
func setVar(env []EnvVar, name, value string) []EnvVar {
	env = slices.DeleteFunc(env, func(v EnvVar) bool { return v.Name == name })
	if value != "" {
		env = append(env, EnvVar{name, value})
	}
	return env
}
