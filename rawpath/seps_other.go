//go:build !windows

package rawpath

// Seps are the characters that separate path elements here.
const Seps = "/"
