package launcher

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"time"
)

// invocationLog collects one invocation's log lines and appends them to the
// log file in a single write when the invocation ends, so that the lines of
// concurrent invocations never interleave.
type invocationLog struct {
	mu    sync.Mutex // units of one cl.exe call log concurrently
	path  string
	start time.Time
	last  time.Time
	buf   bytes.Buffer
}

func newInvocationLog(path string, start time.Time) *invocationLog {
	return &invocationLog{path: path, start: start, last: start}
}

// printf adds one line, prefixed with the process id and the time since the
// invocation started.
func (l *invocationLog) printf(format string, args ...any) {
	if l.path == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.buf, "[%d %8.3fms] ", os.Getpid(), float64(time.Since(l.start).Microseconds())/1000)
	fmt.Fprintf(&l.buf, format, args...)
	l.buf.WriteByte('\n')
}

// phase logs the time spent since the previous phase mark.
func (l *invocationLog) phase(name string) {
	if l.path == "" {
		return
	}
	now := time.Now()
	l.mu.Lock()
	last := l.last
	l.last = now
	l.mu.Unlock()
	l.printf("phase %s took %.3fms", name, float64(now.Sub(last).Microseconds())/1000)
}

// flush appends the collected lines to the log file. A log that cannot be
// written is dropped: logging never fails a build.
func (l *invocationLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.path == "" || l.buf.Len() == 0 {
		return
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return
	}
	f.Write(l.buf.Bytes())
	f.Close()
	l.buf.Reset()
}
