package cache

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/objcache/objcache/digest"
	"github.com/objcache/objcache/lockfile"
)

// helperLockEnv names the lock file the helper process holds, exclusively
// unless helperSharedEnv is set.
const (
	helperLockEnv   = "OBJCACHE_CACHE_HELPER_LOCK"
	helperSharedEnv = "OBJCACHE_CACHE_HELPER_SHARED"
)

// TestHelperProcess is not a test: run by holdLock, it takes a lock file,
// says "locked" on stdout and holds it until its stdin closes
// (or a minute passes, in case the parent is gone).
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperLockEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	take := lockfile.NewTable().Lock
	if os.Getenv(helperSharedEnv) != "" {
		take = lockfile.NewTable().RLock
	}
	if _, err := take(ctx, path); err != nil {
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

// holdLock starts this test binary as a second process that holds the lock
// file at path (exclusively, or shared if sharedLock) until the test ends,
// and returns once it does.
func holdLock(t *testing.T, path string, sharedLock bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	// Under the race detector a process sleeps a second before it exits
	// unless told otherwise.
	cmd.Env = append(os.Environ(), helperLockEnv+"="+path, "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	if sharedLock {
		cmd.Env = append(cmd.Env, helperSharedEnv+"=1")
	}
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
	locked := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "locked" {
				locked <- true
				_, _ = io.Copy(io.Discard, stdout)
				return
			}
		}
		locked <- false
	}()
	select {
	case ok := <-locked:
		if !ok {
			t.Fatal("helper process ended without taking the lock")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("helper process did not take the lock")
	}
}

// TestLockHeldByOtherProcess: while another process holds a section or
// stats lock forever, every operation that needs it returns an error
// wrapping lockfile.ErrTimeout, soon, and leaves nothing behind.
func TestLockHeldByOtherProcess(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{LockTimeout: shortTimeout})
	obj := key(0x77, 1)
	mk := key(0x66, 1)
	if _, err := s.PutEntry(ctx(t), obj, sampleEntry(1, 10)); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateManifest(ctx(t), mk, obj, appendLine("x")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		lock string // the lock file the other process holds
		op   func() error
	}{
		{"GetEntry", s.objectSection(obj).lockPath(), func() error {
			_, err := s.GetEntry(ctx(t), obj, time.Hour)
			return err
		}},
		{"PutEntry", s.objectSection(obj).lockPath(), func() error {
			_, err := s.PutEntry(ctx(t), key(0x77, 2), sampleEntry(2, 1000))
			return err
		}},
		{"HasEntry", s.objectSection(obj).lockPath(), func() error {
			_, err := s.HasEntry(ctx(t), obj)
			return err
		}},
		{"UpdateManifest: object section", s.objectSection(obj).lockPath(), func() error {
			return s.UpdateManifest(ctx(t), mk, obj, appendLine("y"))
		}},
		{"UpdateManifest", s.manifestSection(mk).lockPath(), func() error {
			return s.UpdateManifest(ctx(t), mk, digest.Sum{}, appendLine("y"))
		}},
		{"GetManifest", s.manifestSection(mk).lockPath(), func() error {
			_, err := s.GetManifest(ctx(t), mk)
			return err
		}},
		{"AddStats", s.statsShard(os.Getpid()%statShards) + lockName, func() error {
			return s.AddStats(ctx(t), Counters{"x": 1})
		}},
		{"Stats", filepath.Join(s.Dir(), statsDir, strconv.Itoa(statShards-1)) + lockName, func() error {
			_, err := s.Stats(ctx(t))
			return err
		}},
		{"Usage", s.objectSection(obj).lockPath(), func() error {
			_, err := s.Usage(ctx(t))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			holdLock(t, tt.lock, false)
			start := time.Now()
			err := tt.op()
			if d := time.Since(start); d > generous {
				t.Errorf("returned after %v", d)
			}
			if !errors.Is(err, lockfile.ErrTimeout) {
				t.Fatalf("err = %v, want lockfile.ErrTimeout", err)
			}
			if !strings.Contains(err.Error(), tt.lock) {
				t.Errorf("error %q does not name the lock file", err)
			}
			checkTmpEmpty(t, s)
		})
	}
}

// TestCorruptWhileOtherProcessReads: a corrupt entry that cannot be removed
// because another process holds its section shared is reported as both
// ErrCorrupt and lockfile.ErrTimeout, and stays for a later reader.
func TestCorruptWhileOtherProcessReads(t *testing.T) {
	t.Parallel()
	s := newStore(t, Options{LockTimeout: shortTimeout})
	k := key(0x31, 1)
	putRaw(t, s, k, []byte("not an entry"))
	holdLock(t, s.objectSection(k).lockPath(), true)
	_, err := s.GetEntry(ctx(t), k, 0)
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, lockfile.ErrTimeout) {
		t.Errorf("err = %v, want ErrCorrupt and lockfile.ErrTimeout", err)
	}
	if _, err := os.Lstat(s.objectSection(k).file(k)); err != nil {
		t.Errorf("corrupt entry removed without the lock: %v", err)
	}
}
