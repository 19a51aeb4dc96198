package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/objcache/objcache/internal/manage"
)

// isolate gives the test a fresh cache directory and hides the OBJCACHE_*
// variables of the environment the tests run in.
func isolate(t *testing.T) string {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "OBJCACHE_") {
			t.Setenv(k, "")
		}
	}
	dir := filepath.Join(t.TempDir(), "cache")
	t.Setenv("OBJCACHE_DIR", dir)
	return dir
}

// runExecute runs execute in-process and returns its status and output.
func runExecute(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = execute(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExecuteUsageErrors(t *testing.T) {
	isolate(t)
	tests := []struct {
		name string
		args []string
		want string // the whole line on stderr
	}{
		{"unknown command", []string{"frob"}, `objcache: unknown command "frob" (see objcache --help)` + "\n"},
		{"unknown top-level flag", []string{"--frob"}, "objcache: unknown flag: --frob (see objcache --help)\n"},
		{"unknown flag", []string{"stats", "--frob"}, "objcache: stats: unknown flag: --frob (see objcache stats --help)\n"},
		{"unknown flag=value", []string{"clean", "--max-age=1d"}, "objcache: clean: unknown flag: --max-age (see objcache clean --help)\n"},
		{"flag of another command", []string{"clear", "--repair"}, "objcache: clear: unknown flag: --repair (see objcache clear --help)\n"},
		{"single-dash long flag", []string{"clean", "-max-size", "1G"}, "objcache: clean: unknown shorthand flag: 'm' in -max-size (see objcache clean --help)\n"},
		{"bad size", []string{"clean", "--max-size", "lots"}, `objcache: --max-size: "lots" is not a size like 10G or 500M` + "\n"},
		{"bad size=", []string{"clean", "--max-size=lots"}, `objcache: --max-size: "lots" is not a size like 10G or 500M` + "\n"},
		{"bad age", []string{"clean", "--older-than", "soon"}, `objcache: --older-than: "soon" is not a duration like 10s, 1h or 7d` + "\n"},
		{"bad bool", []string{"stats", "--json=maybe"}, `objcache: stats: invalid argument "maybe" for "--json" flag: strconv.ParseBool: parsing "maybe": invalid syntax (see objcache stats --help)` + "\n"},
		{"bad format", []string{"stats", "--format", "xml"}, `objcache: stats: --format "xml": want text, json or markdown` + "\n"},
		{"missing value", []string{"clean", "--max-size"}, "objcache: clean: flag needs an argument: --max-size (see objcache clean --help)\n"},
		{"extra argument", []string{"clear", "now"}, `objcache: clear takes no arguments, got ["now"] (see objcache clear --help)` + "\n"},
		{"argument after a flag", []string{"verify", "--repair", "all"}, `objcache: verify takes no arguments, got ["all"] (see objcache verify --help)` + "\n"},
		{"explain without a command", []string{"explain"}, "objcache: explain: no compile command (objcache explain -- gcc -c foo.c)\n"},
		// Break-it round 18: each of these exited 0.
		{"completion for an unknown shell", []string{"completion", "nosuch"}, `objcache: completion takes one shell of bash, zsh, fish, powershell, got ["nosuch"] (see objcache completion --help)` + "\n"},
		{"completion without a shell", []string{"completion"}, `objcache: completion takes one shell of bash, zsh, fish, powershell, got [] (see objcache completion --help)` + "\n"},
		{"negative age", []string{"clean", "--older-than=-5"}, `objcache: --older-than: "-5" is not a duration like 10s, 1h or 7d` + "\n"},
		{"size under a byte", []string{"clean", "--max-size=0.1"}, `objcache: --max-size: "0.1" is not a size like 10G or 500M` + "\n"},
		{"help for an unknown command", []string{"help", "frob"}, `objcache: help: unknown command "frob" (see objcache --help)` + "\n"},
		{"help for two commands", []string{"help", "stats", "clean"}, `objcache: help takes one command, got ["stats" "clean"] (see objcache --help)` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runExecute(tt.args...)
			if code != exitUsage || stderr != tt.want || stdout != "" {
				t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, no stdout and stderr %q", tt.args, code, stdout, stderr, exitUsage, tt.want)
			}
		})
	}
}

func TestExecuteHelp(t *testing.T) {
	isolate(t)
	tests := []struct {
		args []string
		want []string // in stdout
	}{
		{nil, []string{"objcache caches compilations", "  stats       Show hits", "  verify ", "  help ", "  explain ", "  completion "}},
		{[]string{"help"}, []string{"Available Commands:", "  zero-stats  Reset the statistics"}},
		{[]string{"-h"}, []string{"Available Commands:"}},
		{[]string{"--help"}, []string{"Available Commands:"}},
		{[]string{"help", "clean"}, []string{"clean evicts least recently used", "objcache clean [flags]", "--max-size string", "--older-than string"}},
		{[]string{"clean", "--help"}, []string{"clean evicts least recently used", "--max-size string"}},
		{[]string{"verify", "--help"}, []string{"verify reads every manifest", "--repair "}},
		{[]string{"stats", "-h"}, []string{"what\ncaused the misses", "--json ", "--format string"}},
		{[]string{"explain", "--help"}, []string{"objcache explain -- gcc -O2 -c foo.c -o foo.o", "--json "}},
		{[]string{"version", "--help"}, []string{"Print objcache's version", "objcache version [flags]"}},
		{[]string{"completion", "--help"}, []string{"bash", "zsh", "fish", "powershell"}},
	}
	for _, tt := range tests {
		code, stdout, stderr := runExecute(tt.args...)
		if code != 0 || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q; want exit 0 and nothing on stderr", tt.args, code, stderr)
		}
		for _, want := range tt.want {
			if !strings.Contains(stdout, want) {
				t.Errorf("%q: stdout lacks %q:\n%s", tt.args, want, stdout)
			}
		}
	}
}

func TestExecuteFlagForms(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{{"clean", "--max-size", "1G"}, {"clean", "--max-size=1G"}} {
		code, stdout, stderr := runExecute(args...)
		if code != 0 || stderr != "" || !strings.Contains(stdout, "Cache size 0 B / 1.0 GiB") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want the size against 1.0 GiB", args, code, stdout, stderr)
		}
	}
	for _, args := range [][]string{{"stats", "--json"}, {"stats", "--json=true"}, {"stats", "--format", "json"}, {"stats", "--format=json"}} {
		code, stdout, stderr := runExecute(args...)
		var report map[string]any
		if err := json.Unmarshal([]byte(stdout), &report); code != 0 || stderr != "" || err != nil {
			t.Errorf("%q: exit %d, stderr %q, JSON error %v:\n%s", args, code, stderr, err, stdout)
		}
	}
	if code, stdout, _ := runExecute("stats", "--json=false"); code != 0 || !strings.HasPrefix(stdout, "Cache directory") {
		t.Errorf("stats --json=false: exit %d, want the table:\n%s", code, stdout)
	}
	if code, stdout, _ := runExecute("stats", "--format", "markdown"); code != 0 || !strings.Contains(stdout, "| Hits | 0 / 0 (0.00 %) |") {
		t.Errorf("stats --format markdown: exit %d, want a table:\n%s", code, stdout)
	}
}

// TestCommandsAreForwarded: objcache hands every command of the tree
// (and cobra's completion requests) to objcache-manage, and no compiler.
func TestCommandsAreForwarded(t *testing.T) {
	root := newRoot(io.Discard, io.Discard)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if !manage.IsCommand(c.Name()) {
			t.Errorf("objcache does not hand %q to objcache-manage (internal/manage.IsCommand)", c.Name())
		}
	}
	for _, name := range []string{cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd} {
		if !manage.IsCommand(name) {
			t.Errorf("objcache does not hand %q to objcache-manage", name)
		}
	}
	for _, name := range []string{"gcc", "cl.exe", "clang++"} {
		if manage.IsCommand(name) {
			t.Errorf("%s is taken for a command", name)
		}
	}
}

// TestCompletionLoadsInBash: the bash script loads and completes
// objcache (the check, bash -c 'source <(objcache completion
// bash); complete -p objcache').
func TestCompletionLoadsInBash(t *testing.T) {
	isolate(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	code, script, stderr := runExecute("completion", "bash")
	if code != 0 || stderr != "" {
		t.Fatalf("completion bash: exit %d, stderr %q", code, stderr)
	}
	cmd := exec.Command(bash, "-c", "source /dev/stdin; complete -p objcache")
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "__start_objcache objcache") {
		t.Errorf("bash: %v:\n%s", err, out)
	}
	code, got, _ := runExecute(cobra.ShellCompNoDescRequestCmd, "st")
	if code != 0 || !strings.Contains(got, "stats\n") {
		t.Errorf("completing \"st\": exit %d:\n%s", code, got)
	}
}

func TestExecuteCommands(t *testing.T) {
	dir := isolate(t)
	tests := []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"stats"}, "Cache directory                    " + dir},
		{[]string{"zero-stats"}, "Statistics zeroed"},
		{[]string{"clean", "--older-than", "7d"}, "Evicted 0 entries"},
		{[]string{"clear"}, "Removed 0 entries and 0 manifests"},
		{[]string{"verify"}, "No problems found"},
		{[]string{"config"}, "OBJCACHE_DIR"},
		{[]string{"version"}, "objcache "},
	}
	for _, tt := range tests {
		code, stdout, stderr := runExecute(tt.args...)
		if code != 0 || stderr != "" || !strings.Contains(stdout, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 0 and %q in:\n%s", tt.args, code, stderr, tt.want, stdout)
		}
	}
}

func TestExecuteFailures(t *testing.T) {
	dir := isolate(t)
	if code, _, _ := runExecute("verify"); code != 0 {
		t.Fatalf("verify of an empty cache: exit %d", code)
	}
	// The layout, with CACHEDIR.TAG: without it, a directory that holds
	// files is not taken for a cache.
	if code, _, _ := runExecute("clean"); code != 0 {
		t.Fatalf("clean of an empty cache: exit %d", code)
	}
	stray := filepath.Join(dir, "objects", "00", "junk")
	if err := os.MkdirAll(filepath.Dir(stray), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stray, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runExecute("verify")
	if code != 1 || !strings.Contains(stdout, "1 problems found") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "verify --repair") {
		t.Errorf("verify of a cache with a stray file: exit %d, stdout %q, stderr %q; want exit 1 and the fix", code, stdout, stderr)
	}
	if code, stdout, _ := runExecute("verify", "--repair=true"); code != 0 || !strings.Contains(stdout, "repaired") {
		t.Errorf("verify --repair=true: exit %d:\n%s", code, stdout)
	}

	t.Setenv("OBJCACHE_READONLY", "1")
	for _, args := range [][]string{{"clear"}, {"clean"}, {"verify", "--repair"}} {
		if code, _, stderr := runExecute(args...); code != exitUsage || !strings.Contains(stderr, "read_only is set") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q with read_only: exit %d, stderr %q; want exit 2 and one line", args, code, stderr)
		}
	}
	t.Setenv("OBJCACHE_READONLY", "")
	t.Setenv("OBJCACHE_MAX_SIZE", "huge")
	if code, _, stderr := runExecute("stats"); code != exitUsage || !strings.Contains(stderr, "OBJCACHE_MAX_SIZE") {
		t.Errorf("stats with a bad configuration: exit %d, stderr %q; want exit 2 naming the variable", code, stderr)
	}
}
