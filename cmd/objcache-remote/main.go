// Command objcache-remote is objcache's helper for remote storage; it is
// not meant to be run by hand.
//
// It holds the network clients (HTTP, HTTPS, Redis), so that objcache
// itself links none of them and a local cache hit never pays for their
// initialisation. objcache starts it, as "objcache-remote serve", only
// when it consults a remote (after a local miss, or to upload), one
// helper per remote, and talks to it over stdin and stdout with the helper
// protocol of package remote. The helper exits when its stdin closes.
//
// objcache looks for it next to its own executable, then in PATH.
package main

import (
	"fmt"
	"os"

	"github.com/objcache/objcache/remote/netstore"
)

func main() {
	if len(os.Args) != 2 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "objcache-remote is objcache's helper for remote storage: objcache starts it when it needs a remote. It is not meant to be run by hand.")
		os.Exit(2)
	}
	if err := netstore.Run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "objcache-remote:", err)
		os.Exit(1)
	}
}
