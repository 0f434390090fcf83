package sweep

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// FuzzRun: every index in [first, first+n) runs exactly once and is
// reported done, for any worker count; a failing trial stops the sweep
// with an error naming a trial.
func FuzzRun(f *testing.F) {
	f.Add(0, 10, 4, -1)
	f.Add(5, 0, 0, -1)
	f.Add(-3, 7, -2, 2)
	f.Add(1<<40, 3, 1, 0)
	f.Fuzz(func(t *testing.T, first, n, workers, failAt int) {
		n, workers = min(n, 200), min(workers, 16)
		seen := make([]atomic.Int32, max(n, 0))
		done := make([]atomic.Int32, max(n, 0))
		err := Run(context.Background(), first, n, workers, func(_ context.Context, i int) error {
			seen[i-first].Add(1)
			if i-first == failAt {
				return errors.New("boom")
			}
			return nil
		}, func(i int) { done[i-first].Add(1) })
		if n < 0 {
			if err == nil {
				t.Fatalf("n = %d accepted", n)
			}
			return
		}
		failed := failAt >= 0 && failAt < n
		if failed != (err != nil) {
			t.Fatalf("failAt %d of %d: err %v", failAt, n, err)
		}
		for k := range seen {
			if s, d := seen[k].Load(), done[k].Load(); s > 1 || d > s || (!failed && (s != 1 || d != 1)) || (k == failAt && d != 0) {
				t.Fatalf("trial %d ran %d times, done %d times (failAt %d, n %d)", first+k, s, d, failAt, n)
			}
		}
	})
}
