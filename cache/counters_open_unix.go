//go:build unix

package cache

import "syscall"

// counterOpenFlags keep a counter file's open from following a symbolic
// link out of the cache or waiting on a FIFO that damage put in its place:
// the open fails, or returns at once, and the fstat that follows sees it.
const counterOpenFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
