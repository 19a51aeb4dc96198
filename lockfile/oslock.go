package lockfile

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// mode is the kind of lock asked for.
type mode bool

const (
	shared    mode = false
	exclusive mode = true
)

func (m mode) String() string {
	if m == exclusive {
		return "exclusively"
	}
	return "shared"
}

// Polling delays for an OS lock another process holds. The first retry comes
// quickly, since section locks are held for a rename or a small read; the
// delay then doubles up to maxRetryDelay, which bounds both the extra latency
// after the lock is freed and the cost of polling a lock held for long.
const (
	minRetryDelay = 1 * time.Millisecond
	maxRetryDelay = 10 * time.Millisecond
)

// acquire takes fl's OS lock in mode m, polling until ctx is done.
//
// flock.Flock's TryLockContext and TryRLockContext poll at a fixed delay and
// allocate a timer per attempt; this loop does the same job with one timer
// and a growing delay.
func acquire(ctx context.Context, fl *flock.Flock, m mode) error {
	try := fl.TryRLock
	if m == exclusive {
		try = fl.TryLock
	}
	delay := minRetryDelay
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		ok, err := try()
		if err != nil {
			return fmt.Errorf("lock %s %s: %w", fl.Path(), m, err)
		}
		if ok {
			return nil
		}
		if timer == nil {
			timer = time.NewTimer(delay)
		} else {
			timer.Reset(delay)
		}
		select {
		case <-ctx.Done():
			return waitError(fl.Path(), m, ctx.Err())
		case <-timer.C:
		}
		delay = min(2*delay, maxRetryDelay)
	}
}

// waitError is the error for a wait on path that ended because its context
// was done with err: it wraps ErrTimeout (and err) when the deadline passed,
// and err alone when the context was canceled.
func waitError(path string, m mode, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("lock %s %s: %w (%w)", path, m, ErrTimeout, err)
	}
	return fmt.Errorf("lock %s %s: %w", path, m, err)
}
