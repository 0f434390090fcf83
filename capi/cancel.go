package capi

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// pollInterval is how often watchCancel reads the caller's cancel flag.
const pollInterval = 10 * time.Millisecond

// watchCancel returns a context that is cancelled once *flag becomes
// non-zero, and a stop function that must run before the export returns:
// stop waits for the polling goroutine, so no pointer into caller memory
// survives the call. A nil flag gives a context that is never cancelled.
// A flag already set at the call cancels the context before it is
// returned, so such a call is cancelled whatever the polling goroutine's
// timing.
func watchCancel(flag *int32) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	if flag == nil {
		return ctx, cancel
	}
	if atomic.LoadInt32(flag) != 0 {
		cancel()
		return ctx, cancel
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		poll(ctx, flag, cancel)
	}()
	return ctx, func() { cancel(); wg.Wait() }
}

func poll(ctx context.Context, flag *int32, cancel func()) {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		if atomic.LoadInt32(flag) != 0 {
			cancel()
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Progress is a caller-owned counter of completed work units, incremented
// atomically so that Python can read it during the call (e.g. for tqdm).
// The zero value discards updates.
type Progress struct{ n *int64 }

// Add adds k completed units.
func (p Progress) Add(k int64) {
	if p.n != nil {
		atomic.AddInt64(p.n, k)
	}
}
