//go:build !linux

package launcher

// hostCPU returns "" where objcache knows no fingerprint of the CPU: the
// driver is then asked what -march=native means on every call.
func hostCPU() string { return "" }
