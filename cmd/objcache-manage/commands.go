package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
	"github.com/objcache/objcache/internal/storeopen"
)

// exitUsage is the status of objcache's own commands for bad input: an
// unknown command or flag, or a configuration that does not load.
const exitUsage = 2

// usageError marks errors that exit with exitUsage.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// rootHelp introduces objcache in `objcache help`.
const rootHelp = `objcache caches compilations. Use it in front of a compiler:

  objcache gcc -c foo.c -o foo.o
  CMAKE_C_COMPILER_LAUNCHER=objcache cmake …
  ln -s $(command -v objcache) ~/bin/gcc   (first in PATH)

or manage the cache with the commands below (objcache runs them through
objcache-manage, installed beside it). A first argument that is no command
names a compiler.`

// newRoot returns the command tree, writing to stdout and stderr.
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "objcache",
		Short:         "A compiler cache for gcc, clang, clang-cl and cl.exe",
		Long:          rootHelp,
		Version:       version(),
		SilenceErrors: true, // execute prints one line
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("objcache {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%s%w (see %s --help)", commandPrefix(c), err, c.CommandPath())}
	})
	root.SetHelpCommand(helpCommand(root))
	// cobra's own completion command prints its help, with status 0, for
	// a shell it does not know (break-it round 18).
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(
		statsCommand(),
		&cobra.Command{Use: "zero-stats", Short: "Reset the statistics (the cached entries stay)", Args: noArgs, RunE: run(zeroStats)},
		cleanCommand(),
		&cobra.Command{Use: "clear", Short: "Remove every cached entry (statistics are kept)", Args: noArgs, RunE: run(clearCache)},
		verifyCommand(),
		&cobra.Command{Use: "config", Short: "Print each effective setting and where it came from", Args: noArgs, RunE: run(printConfig)},
		&cobra.Command{Use: "version", Short: "Print objcache's version", Args: noArgs, RunE: run(printVersion)},
		explainCommand(),
		completionCommand(root),
	)
	return root
}

// completionShells are the shells completionCommand writes scripts for.
func completionShells() []string { return []string{"bash", "zsh", "fish", "powershell"} }

// completionCommand is completion SHELL: cobra's scripts, which call back
// objcache __complete (objcache hands it over).
func completionCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script for the commands and their flags",
		Long: `completion prints a script that completes objcache's commands and flags.

  bash:       source <(objcache completion bash)        (in ~/.bashrc; needs bash-completion)
  zsh:        objcache completion zsh > "${fpath[1]}/_objcache"
  fish:       objcache completion fish > ~/.config/fish/completions/objcache.fish
  powershell: objcache completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: completionShells(),
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 || !slices.Contains(completionShells(), args[0]) {
				return usageError{fmt.Errorf("completion takes one shell of %s, got %q (see objcache completion --help)", strings.Join(completionShells(), ", "), args)}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			out := c.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			}
			return root.GenPowerShellCompletionWithDesc(out)
		},
	}
}

// run adapts a command body that writes to stdout to cobra's RunE.
func run(body func(stdout io.Writer) error) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, _ []string) error { return body(c.OutOrStdout()) }
}

// noArgs refuses positional arguments as a usage error.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return usageError{fmt.Errorf("%s takes no arguments, got %q (see %s --help)", c.Name(), args, c.CommandPath())}
}

// commandPrefix is "stats: " for a subcommand's errors, "" for the root's
// (execute adds "objcache: ").
func commandPrefix(c *cobra.Command) string {
	if !c.HasParent() {
		return ""
	}
	return c.Name() + ": "
}

// helpCommand is help [command]: cobra's, but a topic that is no command
// is a usage error, not the root's help.
func helpCommand(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Show this help, or a command's",
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("help takes one command, got %q (see objcache --help)", args)}
			}
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return usageError{fmt.Errorf("help: unknown command %q (see objcache --help)", args[0])}
			}
			return target.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, sub := range root.Commands() {
				if sub.IsAvailableCommand() {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// execute runs a management command (args are objcache's arguments after
// the program name), writes its output to stdout and an error as one line
// to stderr, and returns the exit status.
func execute(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	if msg := err.Error(); strings.HasPrefix(msg, "unknown command ") {
		// cobra's own, from finding the command.
		err = usageError{fmt.Errorf("%s (see objcache --help)", strings.TrimSuffix(msg, ` for "objcache"`))}
	}
	fmt.Fprintf(stderr, "objcache: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
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
	store, err := storeopen.Open(cfg)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w (check OBJCACHE_DIR and its permissions)", cfg.Dir, err)
	}
	return store, nil
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
