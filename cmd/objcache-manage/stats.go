package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Output formats of objcache stats.
const (
	formatText     = "text"
	formatJSON     = "json"
	formatMarkdown = "markdown"
)

// statsCommand is stats, with --json and --format.
func statsCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "stats",
		Short: "Show hits, misses by cause, uncacheable calls, errors and the cache size",
		Long: `stats shows hits and misses since the statistics were last zeroed, what
caused the misses (a new source, an include file or argument that changed,
eviction…) with the files and arguments behind most of them, the calls that
are never cached and why, errors, and the cache's size.`,
		Args: noArgs,
	}
	asJSON := c.Flags().Bool("json", false, "print the statistics as JSON, for scripts (--format json)")
	format := c.Flags().String("format", formatText, "text, json, or markdown (a table for a CI job summary)")
	c.RunE = func(c *cobra.Command, _ []string) error {
		if *asJSON {
			*format = formatJSON
		}
		switch *format {
		case formatText, formatJSON, formatMarkdown:
		default:
			return usageError{fmt.Errorf("stats: --format %q: want text, json or markdown", *format)}
		}
		return printStats(c.OutOrStdout(), *format)
	}
	return c
}

// printStats prints the statistics in format.
func printStats(stdout io.Writer, format string) error {
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
	details, err := store.MissDetails(ctx)
	if err != nil {
		return fmt.Errorf("read miss details: %w", err)
	}
	// The size is read from every section's counters under its shared
	// lock; a section held by a stuck process must not hide the statistics.
	usage, uerr := store.Usage(ctx)
	report := newReport(cfg, counters, usage)
	report.addMissDetails(details)
	if uerr != nil {
		report.SizeError = uerr.Error()
	}
	switch format {
	case formatJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return fmt.Errorf("write statistics: %w", err)
		}
	case formatMarkdown:
		report.printMarkdown(stdout)
	default:
		report.print(stdout)
	}
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
