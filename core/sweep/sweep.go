// Package sweep runs many independent natspike trials on all cores.
//
// Each trial i is a pure function of its configuration and of (seed, i)
// (package seed), and writes its result into its own slot, so results are
// bit-identical whatever the number of workers or the order in which trials
// finish.
package sweep

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// Workers returns w if w ≥ 1, otherwise runtime.GOMAXPROCS(0).
func Workers(w int) int {
	if w >= 1 {
		return w
	}
	return runtime.GOMAXPROCS(0)
}

// Run calls trial(ctx, i) for every i in [first, first+n) on Workers(workers)
// goroutines and done(i) (if not nil, from the worker) after trial i
// succeeded. If trials fail, Run returns the failure of the lowest failing
// index, wrapped with it, whatever the workers or timing: a failure of
// trial f cancels the trials after f and starts no more, while the trials
// before f run on (one of them may fail too). It returns ctx.Err() if ctx
// was cancelled and no trial failed. Trials that completed keep their
// results.
func Run(ctx context.Context, first, n, workers int, trial func(ctx context.Context, i int) error, done func(i int)) error {
	if n < 0 {
		return fmt.Errorf("n_trials must be >= 0, got %d", n)
	}
	f := newFailures(first + n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(Workers(workers), max(n, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				tctx, ok := f.start(ctx, i)
				if !ok {
					continue
				}
				err := trial(tctx, i)
				f.end(i, tctx, err)
				if err == nil && done != nil {
					done(i)
				}
			}
		}()
	}
	feed(ctx, next, first, n, f)
	wg.Wait()
	if f.err != nil {
		return f.err
	}
	return ctx.Err()
}

// failures tracks the lowest failing trial of a Run and cancels the trials
// after it.
type failures struct {
	mu      sync.Mutex
	lowest  int // the lowest failing index so far (first+n: none)
	err     error
	running map[int]context.CancelFunc
}

func newFailures(none int) *failures {
	return &failures{lowest: none, running: map[int]context.CancelFunc{}}
}

// start returns trial i's context, or false if a trial before it failed.
func (f *failures) start(ctx context.Context, i int) (context.Context, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i > f.lowest {
		return nil, false
	}
	tctx, cancel := context.WithCancel(ctx)
	f.running[i] = cancel
	return tctx, true
}

// end records trial i's outcome: a failure (not its cancellation) below the
// lowest so far becomes the lowest, and the trials after it are cancelled.
func (f *failures) end(i int, tctx context.Context, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running[i]()
	delete(f.running, i)
	if err == nil || i >= f.lowest || (tctx.Err() != nil && err == tctx.Err()) {
		return
	}
	f.lowest, f.err = i, fmt.Errorf("trial %d: %w", i, err)
	for j, cancel := range f.running {
		if j > i {
			cancel()
		}
	}
}

// stopped reports whether index i need not start: a trial before it failed.
func (f *failures) stopped(i int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return i > f.lowest
}

func feed(ctx context.Context, next chan<- int, first, n int, f *failures) {
	defer close(next)
	for i := first; i < first+n && !f.stopped(i); i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			return
		}
	}
}
