//go:build darwin || freebsd || netbsd

package launcher

import "syscall"

// statCtime returns the ctime field of st, which this system calls
// Ctimespec.
func statCtime(st *syscall.Stat_t) syscall.Timespec { return st.Ctimespec }
