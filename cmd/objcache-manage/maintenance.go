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

// cleanHelp is clean's long help.
const cleanHelp = `clean evicts least recently used entries until every section is within
its share of max_size and max_files (or --max-size), evicts entries unused
for longer than --older-than, then removes what killed processes left:
orphan entries, manifest entries naming missing objects, wrong section
counters, files in tmp/ older than an hour, and the temporaries of killed
objcache processes beside outputs on other file systems. It is safe while
builds run.`

// cleanCommand is clean, with --max-size and --older-than.
func cleanCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "clean",
		Short: "Trim the cache to its limits, remove orphans, recount sections, sweep tmp/",
		Long:  cleanHelp,
		Args:  noArgs,
	}
	maxSize := c.Flags().String("max-size", "", "trim to this size (like 2G) instead of max_size")
	olderThan := c.Flags().String("older-than", "", "also evict entries not used for this long (like 12h or 7d)")
	c.RunE = func(c *cobra.Command, _ []string) error { return clean(c.OutOrStdout(), *maxSize, *olderThan) }
	return c
}

// clean trims the cache to its limits (maxSize, when set, instead of
// max_size), evicts entries unused for olderThan, when set, and removes what
// killed processes left.
func clean(stdout io.Writer, maxSize, olderThan string) error {
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
	fmt.Fprintf(stdout, "Evicted %d entries (%s)\n", res.Evicted, humanBytes(res.EvictedBytes))
	if rep != nil {
		res.Add(rep.Result)
		fmt.Fprintf(stdout, "Removed %d orphan entries, %d old tmp files; recounted %d sections\n",
			rep.Repaired[eviction.ProblemOrphan], rep.Repaired[eviction.ProblemOldTmp], rep.Repaired[eviction.ProblemCounters])
	}
	fmt.Fprintf(stdout, "Pruned %d manifest entries, removed %d manifests\n", res.PrunedEntries, res.RemovedManifests)
	n, berr := sweepBeside(store)
	fmt.Fprintf(stdout, "Removed %d temporaries of killed processes beside outputs\n", n)
	err = errors.Join(err, berr)
	if err != nil {
		return fmt.Errorf("clean %s: %w", cfg.Dir, err)
	}
	return printSize(ctx, stdout, store, opts.Limits)
}

// clearCache removes every entry and manifest; the statistics stay.
func clearCache(stdout io.Writer) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	store, err := openWritable(cfg)
	if err != nil {
		return err
	}
	res, err := eviction.Clear(context.Background(), store, time.Time{})
	fmt.Fprintf(stdout, "Removed %d entries and %d manifests (%s), %d old tmp files\n",
		res.Entries, res.Manifests, humanBytes(res.Bytes), res.Tmp)
	if err != nil {
		return fmt.Errorf("clear %s: %w", cfg.Dir, err)
	}
	return nil
}

// verifyHelp is verify's long help.
const verifyHelp = `verify reads every manifest and every entry and checks: every manifest
entry names an object that exists; every object is named by the manifest in
its header; no file in tmp/ is older than an hour; every section's counters
equal its files; every entry passes its checksum. It prints a count per kind
of problem and exits 1 if it found any. With --repair it prunes dangling
manifest entries, deletes orphans, corrupt entries and unreadable manifests,
recounts sections and sweeps tmp/; a verify after that finds nothing.

In a cache that builds are using, an entry between its publication and its
manifest update shows as an orphan for a moment: verify at rest.`

// verifyCommand is verify, with --repair.
func verifyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "verify",
		Short: "Check every entry's checksum and the store's invariants; --repair fixes what it finds",
		Long:  verifyHelp,
		Args:  noArgs,
	}
	repair := c.Flags().Bool("repair", false, "fix what is found")
	c.RunE = func(c *cobra.Command, _ []string) error { return verify(c.OutOrStdout(), *repair) }
	return c
}

// verify checks the cache and, with repair, fixes what it finds. Problems
// left unrepaired are errProblems.
func verify(stdout io.Writer, repair bool) error {
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
	if err != nil {
		// A check cut short found nothing it can vouch for.
		return fmt.Errorf("verify %s: %w", cfg.Dir, err)
	}
	printCheck(stdout, cfg.Dir, rep, repair)
	if !repair && rep.Total() > 0 {
		return errProblems
	}
	return nil
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
