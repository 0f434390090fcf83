package capi

import (
	"context"
	"runtime"
	"sync"
)

// workers returns how many goroutines forBlocks should use for n items in
// blocks of the given size.
func workers(n, block int) int {
	return max(1, min(runtime.GOMAXPROCS(0), (n+block-1)/block))
}

// forBlocks calls body(w, lo, hi) for the blocks [lo, hi) of [0, n) on nw
// goroutines; w in [0, nw) identifies the worker so that it can own scratch
// state. Blocks are claimed in order. The error returned is the one of the
// lowest failing block, so it does not depend on scheduling; blocks after it
// are skipped. Cancellation of ctx is checked between blocks, and panics in
// workers are recovered into errors (they would otherwise kill the process).
func forBlocks(ctx context.Context, n, block, nw int, body func(w, lo, hi int) error) error {
	if nw <= 1 { // inline: waking another thread costs ~30 µs
		for lo := 0; lo < n; lo += block {
			if err := runBlock(ctx, 0, lo, min(lo+block, n), body); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		mu      sync.Mutex
		next    int
		failAt  = n
		failErr error
		wg      sync.WaitGroup
	)
	claim := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		lo := next
		next += block
		return lo, lo < n && lo < failAt
	}
	fail := func(lo int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if lo < failAt {
			failAt, failErr = lo, err
		}
	}
	for w := range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo, ok := claim(); ok; lo, ok = claim() {
				if err := runBlock(ctx, w, lo, min(lo+block, n), body); err != nil {
					fail(lo, err)
				}
			}
		}()
	}
	wg.Wait()
	return failErr
}

func runBlock(ctx context.Context, w, lo, hi int, body func(w, lo, hi int) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = recovered(r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return err
	}
	injectWorkerFault() // test hook (fault.go)
	return body(w, lo, hi)
}
