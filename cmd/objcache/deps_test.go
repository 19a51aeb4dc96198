package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// deps lists the packages objcache links, with env added to go list's
// environment.
func deps(t *testing.T, env ...string) []string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not found in PATH")
	}
	cmd := exec.Command(goTool, "list", "-deps", ".")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s go list -deps: %v", strings.Join(env, " "), err)
	}
	return strings.Fields(string(out))
}

// TestNoNetworkClients: objcache links no network client. Every process
// would pay their initialisation, though a local hit never uses the
// network; they belong in the helper, cmd/objcache-remote.
func TestNoNetworkClients(t *testing.T) {
	for _, pkg := range deps(t) {
		if pkg == "net/http" || pkg == "crypto/tls" || strings.Contains(pkg, "go-redis") || strings.HasSuffix(pkg, "/remote/netstore") {
			t.Errorf("objcache links %s: network clients belong in objcache-remote", pkg)
		}
	}
}

// TestNoCommandFramework: the management commands' framework (cobra and
// its flags, which import net) is objcache-manage's, never linked into the
// launcher that every compile starts.
func TestNoCommandFramework(t *testing.T) {
	for _, pkg := range deps(t) {
		if strings.HasPrefix(pkg, "github.com/spf13/") {
			t.Errorf("objcache links %s: the management commands belong in objcache-manage", pkg)
		}
	}
}

// TestStaticOnLinux: objcache links no package net on Linux, so that a
// build with cgo enabled (what go install does where gcc is installed) is
// still static. With net it is linked dynamically, for the system's name
// resolver, and every compile pays the dynamic loader: 0.6 ms of a 2 ms hit.
func TestStaticOnLinux(t *testing.T) {
	for _, pkg := range deps(t, "GOOS=linux") {
		if pkg == "net" {
			t.Error("objcache links net on Linux (go list -deps -f '{{.ImportPath}}: {{.Imports}}' ./cmd/objcache says which package imports it): a default build would be dynamically linked")
		}
	}
}
