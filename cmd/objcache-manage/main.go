// Command objcache-manage is objcache's management commands (stats,
// zero-stats, clean, clear, verify, config, version, explain, completion),
// on cobra. objcache runs it for them: `objcache stats` is
// `objcache-manage stats`. They live apart so that objcache itself, which
// every compile starts, links no command-line framework and no package net
// (cobra's flags import it, which makes a default cgo build dynamically
// linked: 0.6 ms more per hit).
package main

import "os"

func main() {
	os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr))
}
