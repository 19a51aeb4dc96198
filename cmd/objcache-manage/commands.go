package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
)

// exitUsage is the status of objcache's own commands for bad input: an
// unknown command or flag, or a configuration that does not load.
const exitUsage = 2

// command is one management command: objcache <name> [flags].
type command struct {
	name    string
	summary string // one line, for the list of commands
	long    string // the command's help; the summary when empty
	// flags defines the command's flags on fs and returns the function that
	// runs the command once fs has parsed the arguments.
	flags func(fs *flag.FlagSet) runFunc
}

// runFunc runs a command, writing its output to stdout. execute prints the
// error it returns as one line; a usageError exits with exitUsage, any other
// error with 1.
type runFunc func(stdout io.Writer) error

// commands are the management commands, in the order help lists them. Any
// other first argument, except help and those starting with "-", names a
// compiler.
var commands = []command{
	{name: "stats", summary: "Show hits, misses, uncacheable calls, errors and the cache size", flags: statsFlags},
	{name: "zero-stats", summary: "Reset the statistics (the cached entries stay)", flags: noFlags(zeroStats)},
	{name: "clean", summary: "Trim the cache to its limits, remove orphans, recount sections, sweep tmp/", long: cleanHelp, flags: cleanFlags},
	{name: "clear", summary: "Remove every cached entry (statistics are kept)", flags: noFlags(clearCache)},
	{name: "verify", summary: "Check every entry's checksum and the store's invariants; --repair fixes what it finds", long: verifyHelp, flags: verifyFlags},
	{name: "config", summary: "Print each effective setting and where it came from", flags: noFlags(printConfig)},
	{name: "version", summary: "Print objcache's version", flags: noFlags(printVersion)},
}

// rootHelp introduces objcache in `objcache help`.
const rootHelp = `objcache caches compilations. Use it in front of a compiler:

  objcache gcc -c foo.c -o foo.o
  CMAKE_C_COMPILER_LAUNCHER=objcache cmake …
  ln -s $(command -v objcache) ~/bin/gcc   (first in PATH)

or manage the cache with the commands below.`

// isCommand reports whether name is a management command rather than a
// compiler.
func isCommand(name string) bool {
	_, ok := lookup(name)
	return ok || name == "help"
}

// lookup finds the command called name.
func lookup(name string) (*command, bool) {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i], true
		}
	}
	return nil, false
}

// noFlags is the flags func of a command without flags.
func noFlags(run runFunc) func(*flag.FlagSet) runFunc {
	return func(*flag.FlagSet) runFunc { return run }
}

// usageError marks errors that exit with exitUsage.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// execute runs a management command (args are objcache's arguments after the
// program name), writes its output to stdout and an error as one line to
// stderr, and returns the exit status.
func execute(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "objcache: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
}

// dispatch finds the command args name and runs it.
func dispatch(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		printUsage(stdout)
		return nil
	}
	name := args[0]
	switch {
	case name == "help" || isHelpFlag(name):
		return help(stdout, args[1:])
	case strings.HasPrefix(name, "-"):
		return usageError{fmt.Errorf("unknown flag %s (see objcache help)", name)}
	}
	c, ok := lookup(name)
	if !ok {
		return usageError{fmt.Errorf("unknown command %q (see objcache help)", name)}
	}
	return c.run(args[1:], stdout)
}

// isHelpFlag reports whether arg asks for help the way the flag package
// understands it.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "--h", "-help", "--help":
		return true
	}
	return false
}

// help prints the usage, or with a command's name that command's help.
func help(stdout io.Writer, args []string) error {
	if len(args) > 1 {
		return usageError{fmt.Errorf("help takes one command, got %q (see objcache help)", args)}
	}
	if len(args) == 0 || args[0] == "help" {
		printUsage(stdout)
		return nil
	}
	c, ok := lookup(args[0])
	if !ok {
		return usageError{fmt.Errorf("help: unknown command %q (see objcache help)", args[0])}
	}
	fs, _ := c.flagSet()
	c.printHelp(stdout, fs)
	return nil
}

// printUsage writes objcache's help: what it is and its commands.
func printUsage(w io.Writer) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  objcache <compiler> [args…]\n  objcache <command> [flags]\n\nCommands:\n", rootHelp)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	fmt.Fprintf(tw, "  help\tShow this help, or a command's\n")
	tw.Flush()
	fmt.Fprintln(w, "\nRun \"objcache help <command>\" or \"objcache <command> --help\" for a command's details and flags.")
}

// flagSet returns a flag set with c's flags, and the function that runs c
// once it has parsed the arguments.
func (c *command) flagSet() (*flag.FlagSet, runFunc) {
	fs := flag.NewFlagSet("objcache "+c.name, flag.ContinueOnError)
	// The flag package would print the whole usage on an error; execute
	// prints one line instead, and --help prints to stdout.
	fs.SetOutput(io.Discard)
	return fs, c.flags(fs)
}

// run parses c's arguments and runs it.
func (c *command) run(args []string, stdout io.Writer) error {
	fs, run := c.flagSet()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printHelp(stdout, fs)
			return nil
		}
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
			return usageError{fmt.Errorf("%s: unknown flag -%s (see objcache help %s)", c.name, name, c.name)}
		}
		return usageError{fmt.Errorf("%s: %w (see objcache help %s)", c.name, err, c.name)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q (see objcache help %s)", c.name, fs.Args(), c.name)}
	}
	return run(stdout)
}

// printHelp writes c's help: its description, usage and flags.
func (c *command) printHelp(w io.Writer, fs *flag.FlagSet) {
	text := c.long
	if text == "" {
		text = c.summary
	}
	fmt.Fprintf(w, "%s\n\nUsage:\n  objcache %s [flags]\n\nFlags:\n", text, c.name)
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "  -h, --help\tprint this help")
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		if kind != "" {
			kind = " " + kind
		}
		fmt.Fprintf(tw, "      --%s%s\t%s\n", f.Name, kind, usage)
	})
	tw.Flush()
}

// loadConfig loads the configuration for a management command; a bad one is
// a usage error.
func loadConfig() (*config.Config, error) {
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return nil, usageError{err}
	}
	return cfg, nil
}

// openForCommand opens the store for a management command.
func openForCommand() (*config.Config, *cache.Store, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, nil, err
	}
	store, err := openCache(cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, store, nil
}

// openCache opens the store for a management command, with an error that
// says where to look.
func openCache(cfg *config.Config) (*cache.Store, error) {
	store, err := openStore(cfg)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w (check OBJCACHE_DIR and its permissions)", cfg.Dir, err)
	}
	return store, nil
}

// statsFlags defines stats' --json; the command prints the statistics.
func statsFlags(fs *flag.FlagSet) runFunc {
	asJSON := fs.Bool("json", false, "print the statistics as JSON, for scripts")
	return func(stdout io.Writer) error { return printStats(stdout, *asJSON) }
}

// printStats prints the statistics as a table or as JSON.
func printStats(stdout io.Writer, asJSON bool) error {
	cfg, store, err := openForCommand()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.LockTimeout)
	defer cancel()
	counters, err := store.Stats(ctx)
	if err != nil {
		return fmt.Errorf("read statistics: %w", err)
	}
	// The size is read from every section's counters under its shared
	// lock; a section held by a stuck process must not hide the statistics.
	usage, uerr := store.Usage(ctx)
	report := newReport(cfg, counters, usage)
	if uerr != nil {
		report.SizeError = uerr.Error()
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return fmt.Errorf("write statistics: %w", err)
		}
		return nil
	}
	report.print(stdout)
	return nil
}

// zeroStats resets the statistics.
func zeroStats(stdout io.Writer) error {
	cfg, store, err := openForCommand()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.LockTimeout)
	defer cancel()
	if err := store.ZeroStats(ctx); err != nil {
		return fmt.Errorf("reset statistics: %w", err)
	}
	fmt.Fprintln(stdout, "Statistics zeroed")
	return nil
}

// printConfig prints each effective setting and its source.
func printConfig(stdout io.Writer) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	printSettings(stdout, cfg.Settings())
	return nil
}

// printSettings writes settings as a table: key, value, source.
func printSettings(w io.Writer, settings []config.Setting) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
	for _, s := range settings {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Value, s.Source)
	}
	tw.Flush()
}

// printVersion prints objcache's version.
func printVersion(stdout io.Writer) error {
	fmt.Fprintf(stdout, "objcache %s\n", version())
	return nil
}

// version is the module version objcache was built from, or "devel".
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
