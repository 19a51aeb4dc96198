//go:build unix

package integration

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// freePort returns a loopback port nothing listens on (at the moment).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitListening waits until addr accepts connections.
func waitListening(t *testing.T, addr string, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not start listening on %s", what, addr)
}

// server is a cache server the test started, and how to reach it.
type server struct {
	url  string
	addr string
	cmd  *exec.Cmd
}

// kill stops the server and its workers at once (SIGKILL to its process
// group) and waits for it.
func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		s.cmd.Wait()
	}
}

// startServer starts cmd in a process group of its own, so that kill
// reaches its workers too.
func startServer(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

// startRedis starts redis-server on a loopback port, without persistence,
// for the test's duration.
func startRedis(t *testing.T) *server {
	t.Helper()
	bin := requireTool(t, "redis-server", "apt-get install -y redis-server")
	port := freePort(t)
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	startServer(t, cmd)
	s := &server{url: fmt.Sprintf("redis://127.0.0.1:%d", port), addr: fmt.Sprintf("127.0.0.1:%d", port), cmd: cmd}
	t.Cleanup(s.kill)
	waitListening(t, s.addr, "redis-server")
	return s
}

// startNginx starts nginx on a loopback port serving a WebDAV directory
// that takes PUT, for the test's duration.
func startNginx(t *testing.T) *server {
	t.Helper()
	bin := requireTool(t, "nginx", "apt-get install -y nginx")
	port := freePort(t)
	prefix := t.TempDir()
	os.MkdirAll(filepath.Join(prefix, "data", "cache"), 0o777)
	user := ""
	if os.Getuid() == 0 {
		user = "user root;" // workers would otherwise run as nobody, who cannot write the data dir
	}
	conf := fmt.Sprintf(`%s
worker_processes 1;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	server {
		listen 127.0.0.1:%[3]d;
		location /cache/ {
			root %[2]s/data;
			dav_methods PUT;
			create_full_put_path on;
			client_max_body_size 256m;
		}
	}
}
`, user, prefix, port)
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o666); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", filepath.Join(prefix, "error.log"), "-p", prefix, "-c", confPath)
	cmd.Stderr = os.Stderr
	startServer(t, cmd)
	s := &server{url: fmt.Sprintf("http://127.0.0.1:%d/cache", port), addr: fmt.Sprintf("127.0.0.1:%d", port), cmd: cmd}
	t.Cleanup(s.kill)
	waitListening(t, s.addr, "nginx")
	return s
}

// luaBuild builds lua5.4 in tree with CC, from clean, and returns how long
// make took.
func luaBuild(t *testing.T, e *env, tree, cc string) time.Duration {
	t.Helper()
	if o := e.runIn(tree, "make", "-s", "-C", "src", "clean"); o.code != 0 {
		t.Fatal(o)
	}
	began := time.Now()
	if o := e.runIn(tree, "make", "-s", "-j2", "-C", "src", "linux", "CC="+cc); o.code != 0 {
		t.Fatalf("make CC=%q: %v", cc, o)
	}
	return time.Since(began)
}

// machines sets up the shared parts of a two-machine test: lua's source
// in three checkouts (A's, B's and an uncached reference), and base dirs
// over all of them. useCache points objcache at a machine's cache dir.
func machines(t *testing.T, e *env) (treeA, treeB string, want map[string]string, useCache func(name string)) {
	src := corpus(t, "lua5.4")
	requireTool(t, "make", "apt-get install -y make")
	treeA, treeB = filepath.Join(e.work, "a", "lua"), filepath.Join(e.work, "b", "lua")
	ref := filepath.Join(e.work, "ref", "lua")
	for _, tree := range []string{treeA, treeB, ref} {
		os.MkdirAll(filepath.Dir(tree), 0o777)
		copyTree(t, src, tree)
	}
	luaBuild(t, e, ref, "gcc -std=gnu99")
	want = objects(t, ref)
	e.setenv("OBJCACHE_BASEDIR", e.work)
	useCache = func(name string) { e.setenv("OBJCACHE_DIR", filepath.Join(e.work, "cache-"+name)) }
	return treeA, treeB, want, useCache
}

// TestRemoteSharesLuaAcrossMachines: two machines with their own cache
// dirs share one remote (redis-server, then nginx WebDAV). A builds lua5.4
// cold and uploads; B, in another directory, gets every object as a remote
// hit, byte-identical to an uncached build, and keeps it locally.
func TestRemoteSharesLuaAcrossMachines(t *testing.T) {
	for _, backend := range []struct {
		name  string
		start func(*testing.T) *server
	}{{"redis", startRedis}, {"nginx-webdav", startNginx}} {
		t.Run(backend.name, func(t *testing.T) {
			e := newEnv(t)
			treeA, treeB, want, useCache := machines(t, e)
			srv := backend.start(t)
			e.setenv("OBJCACHE_REMOTE_STORAGE", srv.url)

			useCache("A")
			coldA := luaBuild(t, e, treeA, objcacheBin+" gcc -std=gnu99")
			a := e.stats()
			useCache("B")
			warmB := luaBuild(t, e, treeB, objcacheBin+" gcc -std=gnu99")
			b := e.stats()
			compareObjects(t, "machine B", objects(t, treeB), want)
			n := int64(len(want))
			t.Logf("%s: A cold %v (%d misses, %d bytes up); B %v: %d hits (%d remote), %d misses, %d bytes down",
				backend.name, coldA.Round(time.Millisecond), a["misses"], a["remote_bytes_written"], warmB.Round(time.Millisecond), b["hits"], b["remote_hits"], b["misses"], b["remote_bytes_read"])
			if a["misses"] != n || a["remote_errors"] != 0 || a["remote_bytes_written"] == 0 {
				t.Errorf("machine A: %v", a)
			}
			if b["hits"] != n || b["remote_hits"] != n || b["misses"] != 0 || b["remote_errors"] != 0 {
				t.Errorf("machine B: want %d hits, all remote; stats %v", n, b)
			}
			// B stored what it fetched: a rebuild without the remote is
			// all local hits.
			srv.kill()
			luaBuild(t, e, treeB, objcacheBin+" gcc -std=gnu99")
			b2 := e.stats()
			if b2["hits"]-b["hits"] != n || b2["remote_hits"] != b["remote_hits"] {
				t.Errorf("machine B's rebuild: %d new hits (%d remote), want %d local", b2["hits"]-b["hits"], b2["remote_hits"]-b["remote_hits"], n)
			}
			compareObjects(t, "machine B rebuild", objects(t, treeB), want)
		})
	}
}

// TestRemoteKilledMidBuild kills redis-server halfway through machine B's
// build: the build still exits 0 with correct objects, the first failure
// marks the remote down, and no later compile tries it again.
func TestRemoteKilledMidBuild(t *testing.T) {
	e := newEnv(t)
	treeA, treeB, want, useCache := machines(t, e)
	srv := startRedis(t)
	e.setenv("OBJCACHE_REMOTE_STORAGE", srv.url)
	useCache("A")
	luaBuild(t, e, treeA, objcacheBin+" gcc -std=gnu99")

	useCache("B")
	if o := e.runIn(treeB, "make", "-s", "-C", "src", "clean"); o.code != 0 {
		t.Fatal(o)
	}
	half := len(want) / 2
	killed := make(chan time.Duration, 1)
	began := time.Now()
	go func() {
		for {
			if n := len(objects(t, treeB)); n >= half {
				srv.kill()
				killed <- time.Since(began)
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	if o := e.runIn(treeB, "make", "-s", "-j2", "-C", "src", "linux", "CC="+objcacheBin+" gcc -std=gnu99"); o.code != 0 {
		t.Fatalf("make: %v", o)
	}
	took := time.Since(began)
	at := <-killed
	compareObjects(t, "machine B", objects(t, treeB), want)
	st := e.stats()
	t.Logf("redis-server killed after %v with %d of %d objects done; build took %v: %d remote hits, %d misses, %d remote errors (%d timeouts)",
		at.Round(time.Millisecond), half, len(want), took.Round(time.Millisecond), st["remote_hits"], st["misses"], st["remote_errors"], st["remote_timeouts"])
	if st["remote_hits"] < int64(half)-2 || st["misses"] == 0 {
		t.Errorf("stats %v: want about %d remote hits, then misses", st, half)
	}
	// Two compiles may have been asking at the moment of the kill; after
	// the first failure the marker keeps every later one away.
	if st["remote_errors"] < 1 || st["remote_errors"] > 2 {
		t.Errorf("%d remote errors, want 1 (or 2 for compiles running at the kill)", st["remote_errors"])
	}
	markers, _ := filepath.Glob(filepath.Join(e.work, "cache-B", "remote", "*.down"))
	if len(markers) != 1 {
		t.Errorf("%d down markers, want 1", len(markers))
	}
}

// TestRemoteDeadServerCostsOnce: a remote that accepts connections but never
// answers costs one request timeout, for the first compile only; the
// compiles after it skip the remote through the down marker.
func TestRemoteDeadServerCostsOnce(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	// The kernel completes the handshake for a listener that never
	// accepts: requests then wait for their timeout.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	e.setenv("OBJCACHE_REMOTE_STORAGE", fmt.Sprintf("redis://%s|request-timeout=300ms", l.Addr()))
	var times []time.Duration
	for i := range 4 {
		e.write(fmt.Sprintf("f%d.c", i), fmt.Sprintf("int f%d(void) { return %d; }\n", i, i))
		began := time.Now()
		if o := e.objcache("gcc", "-c", fmt.Sprintf("f%d.c", i), "-o", fmt.Sprintf("f%d.o", i)); o.code != 0 || o.stderr != "" {
			t.Fatal(o)
		}
		times = append(times, time.Since(began))
	}
	st := e.stats()
	t.Logf("compile times with a silent remote (request-timeout=300ms): %v; stats %v", times, st)
	if st["remote_errors"] != 1 || st["remote_timeouts"] != 1 || st["misses"] != 4 {
		t.Errorf("want one remote error (a timeout) and 4 misses: %v", st)
	}
}

// TestRemoteReadOnly: a read-only remote gives machine B its hits and
// receives nothing from B, not even for B's misses.
func TestRemoteReadOnly(t *testing.T) {
	e := newEnv(t)
	treeA, treeB, _, useCache := machines(t, e)
	srv := startRedis(t)
	e.setenv("OBJCACHE_REMOTE_STORAGE", srv.url)
	useCache("A")
	luaBuild(t, e, treeA, objcacheBin+" gcc -std=gnu99")
	client := redis.NewClient(&redis.Options{Addr: srv.addr})
	defer client.Close()
	keysBefore, err := client.DBSize(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}

	useCache("B")
	os.Remove(e.log)
	e.setenv("OBJCACHE_REMOTE_STORAGE", srv.url+"|read-only")
	// B changes a header: the files that include it miss.
	hdr, _ := filepath.Rel(e.work, filepath.Join(treeB, "src", "lctype.h"))
	data, _ := os.ReadFile(filepath.Join(e.work, hdr))
	e.write(hdr, string(data)+"\n/* changed on machine B */\n")
	luaBuild(t, e, treeB, objcacheBin+" gcc -std=gnu99")
	st := e.stats()
	keysAfter, _ := client.DBSize(context.Background()).Result()
	t.Logf("read-only remote: B had %d remote hits and %d misses; keys in redis %d before, %d after", st["remote_hits"], st["misses"], keysBefore, keysAfter)
	if st["remote_hits"] == 0 || st["misses"] == 0 {
		t.Errorf("want remote hits and misses: %v", st)
	}
	// B's own cache knew none of the sources: each miss is the remote's.
	if counts, _ := e.missCauses(); counts["remote-miss"] != st["misses"] || len(counts) != 1 {
		t.Errorf("misses by cause %v, want all %d remote-miss", counts, st["misses"])
	}
	if n := strings.Count(e.read("../objcache.log"), "; cause remote-miss"); int64(n) != st["misses"] {
		t.Errorf("the log names remote-miss on %d miss lines, want %d", n, st["misses"])
	}
	if keysAfter != keysBefore || st["remote_bytes_written"] != 0 {
		t.Errorf("the read-only remote received data: %d keys before, %d after, %d bytes written", keysBefore, keysAfter, st["remote_bytes_written"])
	}
}

// TestRemoteCorruptEntryIsAMiss damages an object entry in redis: machine B
// counts a corrupt remote entry and a miss, compiles, and stores its own
// good entry locally, never the damaged one.
func TestRemoteCorruptEntryIsAMiss(t *testing.T) {
	requireTool(t, "gcc", "apt-get install -y gcc")
	e := newEnv(t)
	srv := startRedis(t)
	e.setenv("OBJCACHE_REMOTE_STORAGE", srv.url)
	e.write("hello.c", helloC)
	e.write("hello.h", "#define GREETING \"remote\"\n")
	ref := e.run("gcc", "-c", "hello.c", "-o", "ref.o")
	e.setenv("OBJCACHE_DIR", filepath.Join(e.work, "cache-A"))
	if o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o"); o.code != 0 {
		t.Fatal(o)
	}
	client := redis.NewClient(&redis.Options{Addr: srv.addr})
	defer client.Close()
	ctx := context.Background()
	keys, err := client.Keys(ctx, "objcache:*").Result()
	if err != nil || len(keys) != 2 {
		t.Fatalf("redis keys %v, %v: want an object and a manifest", keys, err)
	}
	damaged := 0
	for _, k := range keys {
		v, _ := client.Get(ctx, k).Bytes()
		if len(v) > 8 && string(v[:8]) == "OBJCACHE" { // an entry, not a manifest
			v[len(v)/2] ^= 0x01
			client.Set(ctx, k, v, 0)
			damaged++
		}
	}
	if damaged != 1 {
		t.Fatalf("damaged %d entries, want 1", damaged)
	}

	e.setenv("OBJCACHE_DIR", filepath.Join(e.work, "cache-B"))
	for i := range 2 {
		os.Remove(filepath.Join(e.work, "hello.o"))
		if o := e.objcache("gcc", "-c", "hello.c", "-o", "hello.o"); o.code != 0 || o.stderr != ref.stderr {
			t.Fatalf("run %d: %v", i, o)
		}
		if e.read("hello.o") != e.read("ref.o") {
			t.Fatalf("run %d: object differs from the compiler's own", i)
		}
	}
	st := e.stats()
	if st["remote_corrupt"] != 1 || st["misses"] != 1 || st["hits"] != 1 || st["remote_hits"] != 0 {
		t.Errorf("want one corrupt remote entry, a miss, then a local hit: %v", st)
	}
	if o := e.objcache("verify"); o.code != 0 {
		t.Errorf("machine B's cache: %v", o)
	}
}
