//go:build linux

package launcher

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/objcache/objcache/digest"
)

// TestNullDevice: a null device made anywhere reads as an empty file; any
// other device or node is not a null device, and is never opened.
func TestNullDevice(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mknod needs root")
	}
	dir := t.TempDir()
	nodes := []struct {
		name         string
		mode         uint32
		major, minor uint64
		null         bool
	}{
		{"null", syscall.S_IFCHR, 1, 3, true},
		{"zero", syscall.S_IFCHR, 1, 5, false},
		{"block", syscall.S_IFBLK, 1, 3, false},
	}
	for _, n := range nodes {
		p := filepath.Join(dir, n.name)
		dev := (n.major&0xfff)<<8 | n.minor&0xff
		if err := syscall.Mknod(p, n.mode|0o600, int(dev)); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := isNullDevice(fi); got != n.null {
			t.Errorf("%s: isNullDevice = %v, want %v", n.name, got, n.null)
		}
		var buf []byte
		st := readState(p, &buf, scanSource)
		if n.null && (st.err != nil || st.hash != digest.Of(nil) || st.leading == nil) {
			t.Errorf("%s: readState = %+v, want an empty file", n.name, st)
		}
		if !n.null && st.err == nil {
			t.Errorf("%s: readState read a device", n.name)
		}
	}
}
