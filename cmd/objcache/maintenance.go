package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/objcache/objcache/cache"
	"github.com/objcache/objcache/config"
	"github.com/objcache/objcache/eviction"
)

// errProblems makes `objcache verify` exit 1 after it has printed what it
// found.
var errProblems = errors.New("the cache has problems; `objcache verify --repair` fixes them")

func newCleanCommand() *cobra.Command {
	var maxSize, olderThan string
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Trim the cache to its limits, remove orphans, recount sections, sweep tmp/",
		Long: `clean evicts least recently used entries until every section is within
its share of max_size and max_files (or --max-size), evicts entries unused
for longer than --older-than, then removes what killed processes left:
orphan entries, manifest entries naming missing objects, wrong section
counters, and files in tmp/ older than an hour. It is safe while builds run.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts := eviction.CleanOptions{}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			opts.Limits = eviction.Limits{MaxBytes: cfg.MaxSize, MaxFiles: cfg.MaxFiles}
			if maxSize != "" {
				if opts.Limits.MaxBytes, err = config.ParseSize(maxSize); err != nil {
					return usageError{fmt.Errorf("--max-size: %w", err)}
				}
			}
			if olderThan != "" {
				if opts.OlderThan, err = config.ParseDuration(olderThan); err != nil {
					return usageError{fmt.Errorf("--older-than: %w", err)}
				}
			}
			store, err := openWritable(cfg)
			if err != nil {
				return err
			}
			ctx := context.Background()
			res, rep, err := eviction.Clean(ctx, store, opts)
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Evicted %d entries (%s)\n", res.Evicted, humanBytes(res.EvictedBytes))
			if rep != nil {
				res.Add(rep.Result)
				fmt.Fprintf(out, "Removed %d orphan entries, %d old tmp files; recounted %d sections\n",
					rep.Repaired[eviction.ProblemOrphan], rep.Repaired[eviction.ProblemOldTmp], rep.Repaired[eviction.ProblemCounters])
			}
			fmt.Fprintf(out, "Pruned %d manifest entries, removed %d manifests\n", res.PrunedEntries, res.RemovedManifests)
			if err != nil {
				return fmt.Errorf("clean %s: %w", cfg.Dir, err)
			}
			return printSize(ctx, out, store, opts.Limits)
		},
	}
	cmd.Flags().StringVar(&maxSize, "max-size", "", "trim to this size (like 2G) instead of max_size")
	cmd.Flags().StringVar(&olderThan, "older-than", "", "also evict entries not used for this long (like 12h or 7d)")
	return cmd
}

func newClearCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "clear",
		Short: "Remove every cached entry (statistics are kept)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			store, err := openWritable(cfg)
			if err != nil {
				return err
			}
			res, err := eviction.Clear(context.Background(), store, time.Time{})
			fmt.Fprintf(cmd.OutOrStdout(), "Removed %d entries and %d manifests (%s), %d old tmp files\n",
				res.Entries, res.Manifests, humanBytes(res.Bytes), res.Tmp)
			if err != nil {
				return fmt.Errorf("clear %s: %w", cfg.Dir, err)
			}
			return nil
		},
	}
}

func newVerifyCommand() *cobra.Command {
	var repair bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check every entry's checksum and the store's invariants; --repair fixes what it finds",
		Long: `verify reads every manifest and every entry and checks: every manifest
entry names an object that exists; every object is named by the manifest in
its header; no file in tmp/ is older than an hour; every section's counters
equal its files; every entry passes its checksum. It prints a count per kind
of problem and exits 1 if it found any. With --repair it prunes dangling
manifest entries, deletes orphans, corrupt entries and unreadable manifests,
recounts sections and sweeps tmp/; a verify after that finds nothing.

In a cache that builds are using, an entry between its publication and its
manifest update shows as an orphan for a moment: verify at rest.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			var store *cache.Store
			if repair {
				store, err = openWritable(cfg)
			} else {
				// Without --repair nothing is written, not even a lock file.
				ro := *cfg
				ro.ReadOnly = true
				store, err = openCache(&ro)
			}
			if err != nil {
				return err
			}
			rep, err := eviction.Check(context.Background(), store, eviction.CheckOptions{Checksums: true, Repair: repair})
			printCheck(cmd.OutOrStdout(), cfg.Dir, rep, repair)
			if err != nil {
				return fmt.Errorf("verify %s: %w", cfg.Dir, err)
			}
			if !repair && rep.Total() > 0 {
				return errProblems
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&repair, "repair", false, "fix what is found")
	return cmd
}

// openWritable opens the store for a command that removes files; read_only
// forbids that.
func openWritable(cfg *config.Config) (*cache.Store, error) {
	if cfg.ReadOnly {
		return nil, usageError{errors.New("read_only is set (OBJCACHE_READONLY or config.toml): unset it to change the cache")}
	}
	return openCache(cfg)
}

// printCheck writes verify's report: one line per kind of problem.
func printCheck(w io.Writer, dir string, rep *eviction.Report, repair bool) {
	if rep == nil {
		return
	}
	fmt.Fprintf(w, "Checked %d manifests and %d entries in %s\n", rep.Manifests, rep.Entries, dir)
	for _, kind := range eviction.Problems {
		line := fmt.Sprintf("  %-28s %d", kind, rep.Found[kind])
		if repair && rep.Found[kind] > 0 {
			line += fmt.Sprintf(" (repaired %d)", rep.Repaired[kind])
		}
		fmt.Fprintln(w, line)
	}
	switch {
	case rep.Total() == 0:
		fmt.Fprintln(w, "No problems found")
	case repair:
		fmt.Fprintf(w, "%d problems found and repaired\n", rep.Total())
	default:
		fmt.Fprintf(w, "%d problems found; `objcache verify --repair` fixes them\n", rep.Total())
	}
}

// printSize writes the cache size against the limit, from the counters.
func printSize(ctx context.Context, w io.Writer, store *cache.Store, l eviction.Limits) error {
	u, err := store.Usage(ctx)
	if err != nil {
		return fmt.Errorf("read cache size: %w", err)
	}
	size := humanBytes(u.Bytes)
	if l.MaxBytes > 0 {
		size += " / " + humanBytes(l.MaxBytes)
	}
	fmt.Fprintf(w, "Cache size %s, %d files\n", size, u.Files)
	return nil
}
