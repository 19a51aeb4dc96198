//go:build !unix

package cache

// counterOpenFlags adds nothing where there are no FIFOs or O_NOFOLLOW.
const counterOpenFlags = 0
