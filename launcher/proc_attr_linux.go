package launcher

import (
	"os/exec"
	"runtime"
	"syscall"
)

// childAttr makes the kernel send the child SIGTERM when objcache dies,
// SIGKILL included: a compiler left running would go on writing into the
// cache's tmp/ for nothing. SIGTERM, not SIGKILL, lets the gcc driver
// remove its own temporary files (/tmp/cc*.s) before it dies.
//
// The kernel sends the signal when the thread that started the child ends,
// not the process: the calling goroutine is locked to its thread until the
// returned function runs, after the child is waited for, so that the
// thread cannot end before.
func childAttr(cmd *exec.Cmd) (unlock func()) {
	runtime.LockOSThread()
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	return runtime.UnlockOSThread
}
