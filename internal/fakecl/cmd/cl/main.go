// Command cl is the fake cl.exe of objcache's tests (package fakecl), built
// by the integration tests under the name cl.exe.
package main

import (
	"os"

	"github.com/objcache/objcache/internal/fakecl"
)

func main() {
	os.Exit(fakecl.Main(os.Args[1:], os.Stdout, os.Stderr))
}
