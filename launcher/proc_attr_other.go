//go:build !linux

package launcher

import "os/exec"

// childAttr does nothing: this system cannot tie a child's life to
// objcache's. A compiler left running by a killed objcache writes into the
// cache's tmp/, which `objcache clean` sweeps.
func childAttr(*exec.Cmd) (unlock func()) { return func() {} }
