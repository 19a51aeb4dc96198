package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
)

// exitUsage is the status of objcache's own commands for bad input: an
// unknown command or flag, or a configuration that does not load.
const exitUsage = 2

// commands are the management commands; any other first argument names a
// compiler.
var commands = []string{"stats", "zero-stats", "clean", "clear", "verify", "config", "version", "help", "completion"}

func isCommand(name string) bool {
	for _, c := range commands {
		if c == name {
			return true
		}
	}
	return false
}

// usageError marks errors that exit with exitUsage.
type usageError struct{ error }

// execute runs a management command and returns the exit status.
func execute(args []string) int {
	root := newRootCommand()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(os.Stderr, "objcache: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return 1
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "objcache [compiler args… | command]",
		Short: "A compiler cache for gcc, clang, cl.exe and clang-cl",
		Long: `objcache caches compilations. Use it in front of a compiler:

  objcache gcc -c foo.c -o foo.o
  CMAKE_C_COMPILER_LAUNCHER=objcache cmake …
  ln -s $(command -v objcache) ~/bin/gcc   (first in PATH)

or manage the cache with the commands below.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newStatsCommand(), newZeroStatsCommand(), newCleanCommand(), newClearCommand(), newVerifyCommand(), newConfigCommand(), newVersionCommand())
	return root
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

func newStatsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Show hits, misses, uncacheable calls, errors and the cache size",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			// The size is read from every section's counters under its
			// shared lock; a section held by a stuck process must not hide
			// the statistics.
			usage, uerr := store.Usage(ctx)
			report := newReport(cfg, counters, usage)
			if uerr != nil {
				report.SizeError = uerr.Error()
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(report)
			}
			report.print(cmd.OutOrStdout())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the statistics as JSON, for scripts")
	return cmd
}

func newZeroStatsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "zero-stats",
		Short: "Reset the statistics (the cached entries stay)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, store, err := openForCommand()
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), cfg.LockTimeout)
			defer cancel()
			if err := store.ZeroStats(ctx); err != nil {
				return fmt.Errorf("reset statistics: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Statistics zeroed")
			return nil
		},
	}
}

func newConfigCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print each effective setting and where it came from",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			printSettings(cmd.OutOrStdout(), cfg.Settings())
			return nil
		},
	}
}

func printSettings(w io.Writer, settings []config.Setting) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
	for _, s := range settings {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Value, s.Source)
	}
	tw.Flush()
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print objcache's version",
		Args:  noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "objcache %s\n", version())
		},
	}
}

// version is the module version objcache was built from, or "devel".
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}

// noArgs rejects arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.Name(), args)}
	}
	return nil
}
