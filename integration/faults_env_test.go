//go:build linux

package integration

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Faults of the environment the cache lives in: a read-only cache directory,
// a full disk, a lock held by a process that never runs again. Whatever the
// fault, a build through objcache must come out exactly as gcc alone makes it.

// warnC prints a warning, so that the console output compared with gcc's own
// is not empty.
const warnC = `#include <stdio.h>
#include "fault.h"
#warning "objcache fault test"
int main(void) { printf("%s\n", GREETING); return 0; }
`

// otherC is a second source, never stored, for a miss against a populated
// cache.
const otherC = `#include "fault.h"
#warning "objcache fault test, other source"
const char *other(void) { return GREETING " other"; }
`

// writeFaultSources writes hello.c, other.c and the header both include.
func writeFaultSources(e *env) {
	e.write("fault.h", "#define GREETING \"fault\"\n")
	e.write("hello.c", warnC)
	e.write("other.c", otherC)
}

// sameAsGCC checks that got, the outcome of `objcache gcc -c src -o obj`,
// is what `gcc -c src` alone prints and returns (status 0), and that obj is
// byte for byte the object gcc alone writes.
func sameAsGCC(t *testing.T, e *env, got outcome, src, obj string) {
	t.Helper()
	ref := "ref-" + obj
	want := e.run("gcc", "-c", src, "-o", ref)
	if want.code != 0 {
		t.Fatalf("gcc alone failed: %v", want)
	}
	if got != want {
		t.Errorf("objcache gcc -c %s:\n%v\nwant, as gcc alone:\n%v", src, got, want)
	}
	data, err := os.ReadFile(filepath.Join(e.work, obj))
	if err != nil {
		t.Errorf("object: %v", err)
		return
	}
	if !bytes.Equal(data, []byte(e.mustRead(ref))) {
		t.Errorf("%s (%d bytes) differs from gcc's own object (%d bytes)", obj, len(data), len(e.mustRead(ref)))
	}
}

// noHiddenLeftovers fails the test if the work directory holds a file whose
// name starts with a dot: objcache's temporaries beside the output
// (.<name>.objcache-<pid>-<rand>…) must all be gone when it exits.
func noHiddenLeftovers(t *testing.T, e *env) {
	t.Helper()
	list, err := os.ReadDir(e.work)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		if strings.HasPrefix(f.Name(), ".") {
			t.Errorf("temporary file left in the work directory: %s", f.Name())
		}
	}
}

// noStagedFiles fails the test if the cache's tmp/ holds anything.
func noStagedFiles(t *testing.T, e *env) {
	t.Helper()
	list, err := os.ReadDir(filepath.Join(e.cache, "tmp"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	for _, f := range list {
		t.Errorf("file left in the cache's tmp/: %s", f.Name())
	}
}

// noHiddenSectionFiles fails the test if a section directory holds a dot
// file other than its .lock and .counters.
func noHiddenSectionFiles(t *testing.T, e *env) {
	t.Helper()
	for _, kind := range []string{"manifests", "objects"} {
		files, _ := filepath.Glob(filepath.Join(e.cache, kind, "??", ".*"))
		for _, f := range files {
			b := filepath.Base(f)
			record := kind == "manifests" && (strings.HasSuffix(b, ".stat") || strings.HasSuffix(b, ".src") || strings.HasSuffix(b, ".key") || strings.HasSuffix(b, ".hist"))
			if b != ".lock" && b != ".counters" && b != ".trim" && !record {
				t.Errorf("stray file in a section: %s", f)
			}
		}
	}
}

// storedFiles maps the cache's entry and manifest files (relative paths) to
// their sizes.
func storedFiles(e *env) map[string]int64 {
	got := map[string]int64{}
	for _, kind := range []string{"manifests", "objects"} {
		for _, f := range e.entryFiles(kind) {
			if fi, err := os.Stat(f); err == nil {
				rel, _ := filepath.Rel(e.cache, f)
				got[rel] = fi.Size()
			}
		}
	}
	return got
}

// treeListing maps every file under dir (relative path) to its size and
// modification time.
func treeListing(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		got[rel] = fmt.Sprintf("%v %d %v", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sameListing(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s disappeared", what, name)
		} else if g != w {
			t.Errorf("%s: %s changed: %s, was %s", what, name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

// mountReadOnly makes dir read-only with a read-only bind mount over itself,
// undone when the test ends, or skips the test if it may not mount.
func mountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("cannot bind-mount %s (needs root with CAP_SYS_ADMIN): %v", dir, err)
	}
	t.Cleanup(func() { unmount(t, dir) })
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_BIND|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount %s read-only: %v", dir, err)
	}
}

// mountTmpfs mounts a tmpfs of the given size ("256k") on dir, undone when
// the test ends, or skips the test if it may not mount.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0777"); err != nil {
		t.Skipf("cannot mount a %s tmpfs on %s (needs root with CAP_SYS_ADMIN): %v", size, dir, err)
	}
	t.Cleanup(func() { unmount(t, dir) })
}

func unmount(t *testing.T, dir string) {
	if err := syscall.Unmount(dir, 0); err != nil {
		t.Errorf("unmount %s: %v", dir, err)
		syscall.Unmount(dir, syscall.MNT_DETACH)
	}
}

// nobody returns the credentials of the unprivileged user nobody, or skips
// the test if this process cannot switch to it.
func nobody(t *testing.T) *syscall.Credential {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("running a compile as user nobody needs root: run the tests as root")
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Skipf("no user nobody: %v", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		t.Skipf("user nobody has uid %q gid %q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
}

// openToNobody lets nobody run objcache and write in the work directory:
// the test's own temporary directories (work, its parent from t.TempDir and
// that one's parent, made by the testing package with mode 0700) become
// 0777, and the directory of the binary under test 0755.
func openToNobody(t *testing.T, e *env, cred *syscall.Credential) {
	t.Helper()
	root := filepath.Dir(e.work)
	for _, d := range []string{e.work, root, filepath.Dir(root)} {
		if err := os.Chmod(d, 0o777); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Dir(objcacheBin), 0o755); err != nil {
		t.Fatal(err)
	}
	// The log written so far is root's; nobody appends to it.
	if err := os.Chmod(e.log, 0o666); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	probe := exec.Command("touch", "nobody-probe")
	probe.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if o := e.start(probe, e.work); o.code != 0 {
		t.Skipf("user nobody cannot write in %s (is a directory above it closed?): %v", e.work, o)
	}
	os.Remove(filepath.Join(e.work, "nobody-probe"))
}

// TestReadOnlyCacheStillBuilds proves that a cache directory nobody may write
// to never breaks a build: whether the cache is empty (its layout cannot even
// be created), holds the entry being asked for (a hit, which may be served),
// or holds other entries only (a miss, whose store must fail), objcache exits
// 0 with gcc's own console output and an object byte-identical to gcc's,
// leaves no temporary file beside the output and changes nothing in the
// cache. The cache is made read-only two ways: a read-only bind mount (which
// stops root too) and, for the unprivileged user nobody, mode 0555.
func TestReadOnlyCacheStillBuilds(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	ways := []struct {
		name string
		// lock makes e.cache read-only and returns how to run a program
		// against it.
		lock func(t *testing.T, e *env) func(args ...string) outcome
	}{
		{"read-only bind mount", func(t *testing.T, e *env) func(args ...string) outcome {
			mountReadOnly(t, e.cache)
			if err := os.WriteFile(filepath.Join(e.cache, "probe"), nil, 0o666); err == nil {
				t.Fatal("the read-only bind mount lets root write in the cache")
			}
			return func(args ...string) outcome { return e.objcache(args...) }
		}},
		{"mode 0555 as nobody", func(t *testing.T, e *env) func(args ...string) outcome {
			cred := nobody(t)
			openToNobody(t, e, cred)
			if err := os.Chmod(e.cache, 0o555); err != nil {
				t.Fatal(err)
			}
			as := func(name string, args ...string) outcome {
				cmd := exec.Command(name, args...)
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
				return e.start(cmd, e.work)
			}
			if o := as("touch", filepath.Join(e.cache, "probe")); o.code == 0 {
				t.Fatal("nobody can write in the 0555 cache directory")
			}
			return func(args ...string) outcome { return as(objcacheBin, args...) }
		}},
	}
	states := []struct {
		name     string
		populate bool   // hello.c compiled through objcache before the cache is locked
		source   string // compiled once the cache is read-only
	}{
		{"fresh empty cache", false, "hello.c"},
		{"populated, same source (hit)", true, "hello.c"},
		{"populated, other source (miss)", true, "other.c"},
	}
	for _, way := range ways {
		for _, st := range states {
			t.Run(way.name+"/"+st.name, func(t *testing.T) {
				e := newEnv(t)
				writeFaultSources(e)
				if st.populate {
					if o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o"); o.code != 0 {
						t.Fatalf("populating the cache: %v", o)
					}
					if n := len(e.entryFiles("objects")); n != 1 {
						t.Fatalf("populating the cache stored %d entries, want 1", n)
					}
					os.Remove(filepath.Join(e.work, "hello.o"))
				} else if err := os.MkdirAll(e.cache, 0o777); err != nil {
					t.Fatal(err)
				}
				objcache := way.lock(t, e)
				before := treeListing(t, e.cache)
				logBefore, _ := os.ReadFile(e.log)

				obj := strings.TrimSuffix(st.source, ".c") + ".o"
				o := objcache("gcc", "-c", st.source, "-o", obj)
				sameAsGCC(t, e, o, st.source, obj)
				noHiddenLeftovers(t, e)
				sameListing(t, "read-only cache", treeListing(t, e.cache), before)

				logAfter, _ := os.ReadFile(e.log)
				hit := bytes.Contains(logAfter[min(len(logBefore), len(logAfter)):], []byte("hit: object"))
				t.Logf("served from the read-only cache: %v; objcache log:\n%s", hit, logAfter[min(len(logBefore), len(logAfter)):])
			})
		}
	}
}

// bigSource is a C file whose object holds n bytes of incompressible data,
// so that its cache entry (compressed with zstd) is about n bytes too.
func bigSource(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(5*n + 200)
	b.WriteString("#include \"fault.h\"\nstatic const unsigned char blob[] = {\n")
	for i := range n {
		v := byte(r.Uint32())
		b.WriteString("0x")
		b.WriteByte(hex[v>>4])
		b.WriteByte(hex[v&15])
		b.WriteByte(',')
		if i%16 == 15 {
			b.WriteByte('\n')
		}
	}
	b.WriteString("};\nconst unsigned char *blob_data(void) { return blob; }\n")
	b.WriteString("unsigned long blob_size(void) { return sizeof blob; }\nconst char *greeting(void) { return GREETING; }\n")
	return b.String()
}

// fillDisk writes a file at path until the file system has no byte left.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		t.Fatal(err)
	}
	if st.Bavail != 0 {
		t.Fatalf("the disk still has %d blocks free after filling", st.Bavail)
	}
}

// TestFullCacheDiskStillBuilds proves that a cache on a full file system (a
// 256 KiB tmpfs) never breaks a build and never keeps a partial file: an
// entry larger than the free space, compiled twice, gives gcc's own console
// output and object both times, is counted as not stored, and leaves nothing
// in tmp/, no entry or manifest file, no stray file in a section and no
// temporary beside the output; an entry stored before is left whole and
// still served; and with not one byte free even the small files of a miss
// (the include list, the statistics) cannot be written, and still the build
// is gcc's own.
func TestFullCacheDiskStillBuilds(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs as a full cache disk needs root: run the tests as root")
	}
	const blobSize = 400 << 10 // larger than the whole tmpfs
	cases := []struct {
		name string
		warm bool // hello.c is compiled (and stored) first, and again at the end (a hit)
		fill bool // the file system is filled to the last byte before the compiles
		// source is compiled twice through objcache on the full disk.
		source string
		// want are the counters expected afterwards; nil where they cannot
		// be written either.
		want map[string]int64
	}{
		// The object does not fit in tmp/: the compile there fails, and
		// on a nearly full disk a failed compile runs again as given.
		{"entry larger than the free space", false, false, "big.c",
			map[string]int64{"misses": 2, "hits": 0, "stored": 0, "not_stored.compile-failed": 2, "failed_compile_rerun": 2}},
		{"entry stored before, then one too large", true, false, "big.c",
			map[string]int64{"misses": 3, "hits": 1, "stored": 1, "not_stored.compile-failed": 2, "failed_compile_rerun": 2}},
		{"no byte free", false, true, "hello.c", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			writeFaultSources(e)
			e.write("big.c", bigSource(blobSize))
			mountTmpfs(t, e.cache, "256k")
			// Create the cache layout first.
			if o := e.objcache("stats"); o.code != 0 {
				t.Fatal(o)
			}
			if tc.warm {
				if o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o"); o.code != 0 {
					t.Fatal(o)
				}
				if n := len(e.entryFiles("objects")); n != 1 {
					t.Fatalf("the small entry was not stored: %d entries", n)
				}
			}
			if tc.fill {
				fillDisk(t, filepath.Join(e.cache, "filler"))
			}
			stored := storedFiles(e)

			obj := strings.TrimSuffix(tc.source, ".c") + ".o"
			for i := range 2 {
				os.Remove(filepath.Join(e.work, obj))
				o := e.objcache("gcc", "-c", tc.source, "-o", obj)
				t.Run(fmt.Sprintf("compile %d", i+1), func(t *testing.T) { sameAsGCC(t, e, o, tc.source, obj) })
			}
			if fi, err := os.Stat(filepath.Join(e.work, obj)); err == nil && !tc.fill && fi.Size() <= 256<<10 {
				t.Fatalf("%s is only %d bytes: its entry would fit, the test tests nothing", obj, fi.Size())
			}
			noStagedFiles(t, e)
			noHiddenSectionFiles(t, e)
			noHiddenLeftovers(t, e)
			if got := storedFiles(e); fmt.Sprint(got) != fmt.Sprint(stored) {
				t.Errorf("entry and manifest files after the failed stores: %v, want as before: %v", got, stored)
			}

			if tc.fill {
				os.Remove(filepath.Join(e.cache, "filler"))
			}
			if tc.warm {
				os.Remove(filepath.Join(e.work, "hello.o"))
				o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o")
				sameAsGCC(t, e, o, "hello.c", "hello.o")
			}
			if tc.fill {
				// With no block free, the staged include-list file takes no
				// byte: each call learns that before compiling and runs the
				// compiler once, as given, instead of failing to write the
				// list and compiling again.
				log, _ := os.ReadFile(e.log)
				if n := strings.Count(string(log), "miss run not done: staging directory"); n != 2 {
					t.Errorf("%d of 2 calls saw the full disk before compiling; log:\n%s", n, log)
				}
			}
			got := e.stats()
			t.Logf("stats after the full-disk compiles: %v", got)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("stats %s = %d, want %d", k, got[k], v)
				}
			}
		})
	}
}

// processState returns the state letter of process pid from /proc (R, S, T…).
func processState(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(data)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+3 <= len(s) {
		return s[i+2 : i+3]
	}
	return ""
}

// TestLockHeldByStoppedProcess proves that a section lock held by a process
// that is stopped (SIGSTOP, as a debugger or ^Z leaves it) costs a compile one
// lock_timeout at most, not one per lock: with OBJCACHE_LOCK_TIMEOUT=1s the
// compile finishes within 1s to 1.95s (two waits would take 2s), exits 0 with
// gcc's own output and object, counts lock_timeout once, and leaves nothing
// in tmp/ and no temporary beside the output, whether the lock stops the
// lookup of the manifest, the read of a stored entry, or the store of a new
// one.
func TestLockHeldByStoppedProcess(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	cases := []struct {
		name  string
		kinds string // sections the stopped process holds
		warm  bool   // hello.c stored before the locks are taken
		want  map[string]int64
	}{
		{"every section, empty cache", "manifests,objects", false,
			map[string]int64{"lock_timeout": 1, "error.lock-timeout": 1, "hits": 0, "misses": 0, "stored": 0}},
		{"manifest sections, entry stored", "manifests", true,
			map[string]int64{"lock_timeout": 1, "error.lock-timeout": 1, "hits": 0, "misses": 1, "stored": 1}},
		{"object sections, entry stored", "objects", true,
			map[string]int64{"lock_timeout": 1, "error.lock-timeout": 1, "hits": 0, "misses": 1, "stored": 1}},
		{"object sections, empty cache (the store waits)", "objects", false,
			map[string]int64{"lock_timeout": 1, "error.lock-timeout": 0, "hits": 0, "misses": 1, "stored": 0, "not_stored.cache-write-failed": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Each case waits a second for a lock: they wait together.
			t.Parallel()
			e := newEnv(t)
			writeFaultSources(e)
			// Create the cache layout first.
			if o := e.objcache("stats"); o.code != 0 {
				t.Fatal(o)
			}
			if tc.warm {
				if o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o"); o.code != 0 {
					t.Fatal(o)
				}
				os.Remove(filepath.Join(e.work, "hello.o"))
			}
			stored := storedFiles(e)

			holder := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLocks$", "-test.count=1")
			// TMPDIR inside the test's directory: the killed helper cannot
			// remove the objcache binary its TestMain builds.
			holderTmp := filepath.Join(filepath.Dir(e.work), "holder-tmp")
			if err := os.MkdirAll(holderTmp, 0o777); err != nil {
				t.Fatal(err)
			}
			holder.Env = append(os.Environ(), lockHolderEnv+"="+e.cache, lockKindsEnv+"="+tc.kinds, "TMPDIR="+holderTmp)
			out, err := holder.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := holder.Start(); err != nil {
				t.Fatal(err)
			}
			var reaped bool
			reap := func() {
				if !reaped {
					reaped = true
					holder.Process.Signal(syscall.SIGKILL)
					holder.Wait()
				}
			}
			t.Cleanup(reap)
			line, _ := bufio.NewReader(out).ReadString('\n')
			if want := fmt.Sprintf("holding %d\n", 256*len(strings.Split(tc.kinds, ","))); line != want {
				t.Fatalf("lock holder said %q, want %q", line, want)
			}
			// Stopped as a debugger or ^Z leaves it, locks held.
			syscall.Kill(holder.Process.Pid, syscall.SIGSTOP)
			for deadline := time.Now().Add(5 * time.Second); processState(holder.Process.Pid) != "T"; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("the lock holder did not stop: state %q", processState(holder.Process.Pid))
				}
			}

			e.setenv("OBJCACHE_LOCK_TIMEOUT", "1s")
			began := time.Now()
			o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o")
			took := time.Since(began)
			t.Logf("with %s locks held by a stopped process and lock_timeout=1s, the compile took %v", tc.kinds, took)
			sameAsGCC(t, e, o, "hello.c", "hello.o")
			if took < 950*time.Millisecond {
				t.Errorf("the compile took %v, less than one lock_timeout: it never met the held lock", took)
			}
			if took >= 1950*time.Millisecond {
				t.Errorf("the compile took %v: it waited for a lock more than once", took)
			}
			noStagedFiles(t, e)
			noHiddenLeftovers(t, e)
			if got := storedFiles(e); fmt.Sprint(got) != fmt.Sprint(stored) {
				t.Errorf("entry and manifest files: %v, want as before: %v", got, stored)
			}
			// objcache stats reads every section's counters under its lock.
			reap()
			got := e.stats()
			t.Logf("stats: %v", got)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("stats %s = %d, want %d", k, got[k], v)
				}
			}
		})
	}
}
