package capi

/*
#include <stdint.h>
*/
import "C"

import (
	"context"
	"errors"
	"math"
	"time"
	"unsafe"
)

// Test hooks. They let the Python test-suite prove that panics become
// RuntimeError/MemoryError without killing the interpreter and that the
// cancel flag stops a long call; they have no other use.

//export ns_debug_panic
func ns_debug_panic(kind C.int, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error { return debugPanic(int(kind)) })
}

// debugPanic panics in the way selected by kind: 0 a plain panic, 1 an index
// out of range, 2 a panic inside a forBlocks worker, 3 an impossible
// allocation (→ StatusNoMemory). Other kinds are invalid arguments.
func debugPanic(kind int) error {
	switch kind {
	case 0:
		panic("ns_debug_panic was asked to panic")
	case 1:
		var xs []float64
		_ = xs[kind]
	case 2:
		return forBlocks(context.Background(), 4, 1, 2, func(_, lo, _ int) error {
			if lo == 3 {
				panic("ns_debug_panic: worker panic")
			}
			return nil
		})
	case 3:
		n := math.MaxInt64 / 4
		_ = make([]float64, n)
	}
	return errors.New("kind must be 0, 1, 2 or 3")
}

//export ns_debug_sleep
func ns_debug_sleep(ms C.longlong, cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		return debugSleep(ctx, time.Duration(ms)*time.Millisecond, Progress{(*int64)(unsafe.Pointer(progress))})
	})
}

// debugSleep waits for d, keeping the progress counter at the whole
// milliseconds elapsed (d's at the end), and returns context.Canceled as
// soon as ctx is cancelled. It counts elapsed time, not ticks: a loaded
// machine drops ticks, which made the counter lag the clock.
func debugSleep(ctx context.Context, d time.Duration, p Progress) error {
	switch {
	case d < 0:
		return errors.New("ms must be >= 0")
	case d == 0:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start, reported := time.Now(), int64(0)
	deadline := time.After(d)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline:
			p.Add(d.Milliseconds() - reported)
			return nil
		case <-tick.C:
			elapsed := min(time.Since(start), d).Milliseconds()
			p.Add(elapsed - reported)
			reported = elapsed
		}
	}
}
