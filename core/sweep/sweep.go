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
// succeeded. The first failure cancels the remaining trials; Run returns
// it wrapped with the trial index, or ctx.Err() if ctx was cancelled. Trials
// that completed before a failure or cancellation keep their results.
func Run(ctx context.Context, first, n, workers int, trial func(ctx context.Context, i int) error, done func(i int)) error {
	if n < 0 {
		return fmt.Errorf("n_trials must be >= 0, got %d", n)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var once sync.Once
	var firstErr error
	fail := func(err error) { once.Do(func() { firstErr = err; cancel() }) }
	var wg sync.WaitGroup
	for w := 0; w < min(Workers(workers), max(n, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := trial(ctx, i); err != nil {
					fail(wrap(ctx, i, err))
					continue
				}
				if done != nil {
					done(i)
				}
			}
		}()
	}
	feed(ctx, next, first, n)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func feed(ctx context.Context, next chan<- int, first, n int) {
	defer close(next)
	for i := first; i < first+n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			return
		}
	}
}

func wrap(ctx context.Context, i int, err error) error {
	if ctx.Err() != nil && err == ctx.Err() {
		return err
	}
	return fmt.Errorf("trial %d: %w", i, err)
}
