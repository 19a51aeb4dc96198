package netstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/objcache/objcache/remote"
	"github.com/objcache/objcache/remote/internal/testserver"
)

func TestRedisOptions(t *testing.T) {
	tests := []struct {
		spec           string
		network, addr  string
		db             int
		user, password string
		tls            bool
	}{
		{"redis://h", "tcp", "h:6379", 0, "", "", false},
		{"redis://h:7000/3", "tcp", "h:7000", 3, "", "", false},
		{"redis://:secret@h", "tcp", "h:6379", 0, "", "secret", false},
		{"redis://secret@h", "tcp", "h:6379", 0, "", "secret", false},
		{"redis://user:pw@h/1", "tcp", "h:6379", 1, "user", "pw", false},
		{"redis+unix:///run/redis.sock?db=2", "unix", "/run/redis.sock", 2, "", "", false},
		{"rediss://:pw@cache.example:6380/4", "tcp", "cache.example:6380", 4, "", "pw", true},
	}
	for _, tt := range tests {
		s := spec(t, tt.spec+"|connect-timeout=50ms|request-timeout=2s")
		o := redisOptions(s)
		if o.Network != tt.network || o.Addr != tt.addr || o.DB != tt.db || o.Username != tt.user || o.Password != tt.password ||
			(o.TLSConfig != nil) != tt.tls || o.DialTimeout != 50*time.Millisecond || o.ReadTimeout != 2*time.Second {
			t.Errorf("%s: options %+v", tt.spec, o)
		}
		if o.TLSConfig != nil && o.TLSConfig.ServerName != "cache.example" {
			t.Errorf("%s: TLS server name %q", tt.spec, o.TLSConfig.ServerName)
		}
	}
}

// TestRedisGetPut runs the backend against a real redis-server on a Unix
// socket, when one is installed.
func TestRedisGetPut(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not found: install it (apt-get install -y redis-server) to run this test")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no", "--dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}

	b := open(spec(t, fmt.Sprintf("redis+unix://%s?db=1", sock)))
	defer b.Close()
	testserver.CheckGetPut(t, b)
	cmd.Process.Kill()
	cmd.Wait()
	os.Remove(sock)
	if _, err := b.Get(context.Background(), "k1"); err == nil || errors.Is(err, remote.ErrNotFound) {
		t.Errorf("Get from a dead server: %v", err)
	}
}
