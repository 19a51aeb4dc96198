package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoNetworkClients: objcache links no network client. Every process
// would pay their initialisation, though a local hit never uses the
// network; they belong in the helper, cmd/objcache-remote.
func TestNoNetworkClients(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not found in PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "net/http" || pkg == "crypto/tls" || strings.Contains(pkg, "go-redis") || strings.HasSuffix(pkg, "/remote/netstore") {
			t.Errorf("objcache links %s: network clients belong in objcache-remote", pkg)
		}
	}
}
