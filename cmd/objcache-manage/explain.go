package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/objcache/objcache/internal/manage"
	"github.com/objcache/objcache/internal/sibling"
	"github.com/objcache/objcache/internal/storeopen"
	"github.com/objcache/objcache/launcher"
)

// explainHelp is explain's long help.
const explainHelp = `explain looks a compile command up as objcache would, where the build
runs it (the same directory and environment), and says whether it would hit;
on a miss it names the cause and shows the difference against the nearest
earlier compile of the same source in the cache: an argument added or
removed, an include file or the source changed (with both hashes), the
compiler replaced, an environment variable changed, the entry evicted. It
compiles nothing and changes nothing: no output, no statistics, no entry.
Remote storage is not consulted.

  objcache explain -- gcc -O2 -c foo.c -o foo.o`

// explainCommand is explain, with --json.
func explainCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "explain [--json] -- <compiler> [args…]",
		Short: "Say whether a compile command would hit, and why it would miss",
		Long:  explainHelp,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("explain: no compile command (objcache explain -- gcc -c foo.c)")}
			}
			return nil
		},
	}
	// Flags end at the compiler's name: its own options are not explain's.
	c.Flags().SetInterspersed(false)
	asJSON := c.Flags().Bool("json", false, "print the explanation as JSON")
	c.RunE = func(c *cobra.Command, args []string) error {
		return explain(c.OutOrStdout(), c.ErrOrStderr(), args, *asJSON)
	}
	return c
}

// explain looks args (a compiler and its arguments, or cl's arguments
// alone) up and prints what it found.
func explain(stdout, stderr io.Writer, args []string, asJSON bool) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	// Nothing is written: not a record, not a counter, not a log line
	// (the build's log shows what the build did).
	ro := *cfg
	ro.ReadOnly, ro.LogFile = true, ""
	l := &launcher.Launcher{
		Stdin: os.Stdin, Stdout: io.Discard, Stderr: stderr,
		Environ: os.Environ(), Umask: storeopen.ProcessUmask(),
		Config: &ro,
	}
	if l.Dir, err = os.Getwd(); err != nil {
		return fmt.Errorf("read the working directory: %w", err)
	}
	// The compiler lookup skips objcache itself (a masquerade link named
	// gcc first in PATH), as the launcher does.
	if self, ok := os.LookupEnv(manage.LauncherVar); ok {
		l.Self = self // handed over by objcache
	} else if self, err := os.Executable(); err == nil {
		l.Self, _ = sibling.Locate(self, "objcache")
	}
	if l.Store, err = storeopen.Open(&ro); err != nil {
		return fmt.Errorf("open cache %s: %w (check OBJCACHE_DIR and its permissions)", cfg.Dir, err)
	}
	compilerName, compilerArgs := args[0], args[1:]
	if launcher.NamesNoCompiler(args[0]) {
		compilerName, compilerArgs = "", args
	}
	ex, err := l.Explain(context.Background(), compilerName, compilerArgs)
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ex)
	}
	fmt.Fprint(stdout, ex.Text())
	return nil
}
