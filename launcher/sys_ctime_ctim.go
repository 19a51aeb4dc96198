//go:build linux || openbsd || dragonfly || solaris

package launcher

import "syscall"

// statCtime returns the ctime field of st, which this system calls Ctim.
func statCtime(st *syscall.Stat_t) syscall.Timespec { return st.Ctim }
