package lockfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Environment of the helper process: the lock file and "shared" or
// "exclusive".
const (
	helperPathEnv = "OBJCACHE_LOCKFILE_HELPER_PATH"
	helperModeEnv = "OBJCACHE_LOCKFILE_HELPER_MODE"
)

// TestHelperProcess is not a test: run by holdInOtherProcess, it takes a
// lock, says "locked" on stdout and holds the lock until its stdin closes (or
// a minute passes, in case the parent is gone). Run by probeFromOtherProcess,
// it says whether it could take the lock exclusively at once.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperPathEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tab := NewTable()
	if os.Getenv(helperModeEnv) == "probe" {
		unlock, ok, err := tab.TryLock(path)
		switch {
		case err != nil:
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		case ok:
			unlock()
			fmt.Println("free")
		default:
			fmt.Println("busy")
		}
		os.Exit(0)
	}
	var err error
	if os.Getenv(helperModeEnv) == "shared" {
		_, err = tab.RLock(ctx, path)
	} else {
		_, err = tab.Lock(ctx, path)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("locked")
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	os.Exit(0)
}

// helperEnv is the environment of a helper process. Under the race detector
// a process sleeps a second before it exits unless told otherwise.
func helperEnv() []string {
	return append(os.Environ(), "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
}

// holdInOtherProcess starts this test binary as a helper process that holds
// path's lock, and returns when it does. The process ends with the test.
func holdInOtherProcess(t *testing.T, path string, sharedLock bool) {
	t.Helper()
	m := "exclusive"
	if sharedLock {
		m = "shared"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(helperEnv(), helperPathEnv+"="+path, helperModeEnv+"="+m)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("helper process ended without taking the lock")
			}
			if strings.TrimSpace(line) == "locked" {
				go func() { // drain, so that the helper never blocks writing
					for range lines {
					}
				}()
				return
			}
		case <-timeout:
			t.Fatal("helper process did not take the lock")
		}
	}
}

// TestOtherProcess checks the OS lock against another process holding it.
func TestOtherProcess(t *testing.T) {
	tests := []struct {
		name        string
		otherShared bool
		wantShared  bool
		wantBlocked bool
	}{
		{"exclusive blocks exclusive", false, false, true},
		{"exclusive blocks shared", false, true, true},
		{"shared blocks exclusive", true, false, true},
		{"shared admits shared", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := lockPath(t)
			holdInOtherProcess(t, path, tt.otherShared)
			tab := NewTable()
			start := time.Now()
			var unlock func()
			var err error
			if tt.wantShared {
				unlock, err = tab.RLock(ctxFor(t, shortWait), path)
			} else {
				unlock, err = tab.Lock(ctxFor(t, shortWait), path)
			}
			if d := time.Since(start); d > generous {
				t.Errorf("lock returned after %v", d)
			}
			if tt.wantBlocked {
				if !errors.Is(err, ErrTimeout) {
					t.Fatalf("err = %v, want ErrTimeout", err)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name %s", err, path)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				unlock()
			}
			if _, ok, err := tab.TryLock(path); ok || err != nil {
				t.Errorf("TryLock while another process holds the lock = %v, %v; want false, nil", ok, err)
			}
			checkEmpty(t, tab)
		})
	}
}

// probeFromOtherProcess reports whether another process could take path's
// lock exclusively without waiting.
func probeFromOtherProcess(t *testing.T, path string) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(helperEnv(), helperPathEnv+"="+path, helperModeEnv+"=probe")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("probe process: %v", err)
	}
	switch strings.TrimSpace(string(out)) {
	case "free":
		return true
	case "busy":
		return false
	}
	t.Fatalf("probe process said %q", out)
	return false
}

// TestHeldForOtherProcesses checks that the OS lock is held exactly while
// some goroutine of this process holds the path, also when the reader that
// took the OS lock leaves before another reader that joined it.
func TestHeldForOtherProcesses(t *testing.T) {
	tab := NewTable()
	path := lockPath(t)
	if !probeFromOtherProcess(t, path) {
		t.Fatal("lock busy before anyone took it")
	}
	unlockFirst, err := tab.RLock(ctxFor(t, generous), path)
	if err != nil {
		t.Fatal(err)
	}
	unlockSecond, err := tab.RLock(ctxFor(t, generous), path)
	if err != nil {
		t.Fatal(err)
	}
	unlockFirst()
	if probeFromOtherProcess(t, path) {
		t.Error("lock free while a reader still holds it")
	}
	unlockSecond()
	if !probeFromOtherProcess(t, path) {
		t.Error("lock busy after the last reader left")
	}
	unlock, err := tab.Lock(ctxFor(t, generous), path)
	if err != nil {
		t.Fatal(err)
	}
	if probeFromOtherProcess(t, path) {
		t.Error("lock free while a writer holds it")
	}
	unlock()
	if !probeFromOtherProcess(t, path) {
		t.Error("lock busy after the writer left")
	}
	checkEmpty(t, tab)
}
