package sweep

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/natspike/natspike/core/seed"
)

func drawAll(t *testing.T, n, workers int) []float64 {
	out := make([]float64, n)
	err := Run(context.Background(), 0, n, workers, func(_ context.Context, i int) error {
		r := seed.Stream(42, uint64(i), seed.Inputs)
		s := 0.0
		for k := 0; k < 1000+i%7*100; k++ {
			s += r.Float64()
		}
		out[i] = s
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestResultsIdenticalForAnyWorkerCount(t *testing.T) {
	ref := drawAll(t, 50, 1)
	for _, w := range []int{2, 8} {
		got := drawAll(t, 50, w)
		for i := range ref {
			if got[i] != ref[i] {
				t.Fatalf("workers=%d trial %d: %v != %v", w, i, got[i], ref[i])
			}
		}
	}
}

func TestFirstErrorNamesTrialAndStopsOthers(t *testing.T) {
	var ran atomic.Int64
	err := Run(context.Background(), 0, 1000, 2, func(ctx context.Context, i int) error {
		ran.Add(1)
		if i == 3 {
			return errors.New("boom")
		}
		select { // a trial takes 1 ms unless cancelled
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
			return nil
		}
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "trial 3: boom") {
		t.Fatalf("got %v", err)
	}
	if ran.Load() > 500 {
		t.Errorf("%d of 1000 trials ran: the failure did not stop the sweep", ran.Load())
	}
}

func TestTheLowestFailingTrialIsReportedWhateverFailsFirst(t *testing.T) {
	// Trial 9 fails at once, trial 4 only after 30 ms and trial 2 after 10 ms
	// of work; every other trial takes 1 ms. With any number of workers Run
	// reports trial 2, and every trial before it has completed.
	delay := map[int]time.Duration{2: 10 * time.Millisecond, 4: 30 * time.Millisecond, 9: 0}
	for _, w := range []int{1, 2, 3, 8, 32} {
		var completed atomic.Int64
		err := Run(context.Background(), 0, 40, w, func(ctx context.Context, i int) error {
			d, fails := delay[i]
			if !fails {
				d = time.Millisecond
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
			}
			if fails {
				return fmt.Errorf("boom %d", i)
			}
			return nil
		}, func(i int) {
			if i < 2 {
				completed.Add(1)
			}
		})
		if err == nil || err.Error() != "trial 2: boom 2" {
			t.Errorf("workers=%d: got %v, want trial 2: boom 2", w, err)
		}
		if completed.Load() != 2 {
			t.Errorf("workers=%d: %d of the 2 trials before the failure completed", w, completed.Load())
		}
	}
}

func TestAFailureCancelsOnlyTheTrialsAfterIt(t *testing.T) {
	// Trial 1 fails while trials 0 and 2 run; trial 0 must run to its end
	// (it could fail too), trial 2 is cancelled.
	cancelled := make([]atomic.Bool, 3)
	err := Run(context.Background(), 0, 3, 3, func(ctx context.Context, i int) error {
		if i == 1 {
			time.Sleep(5 * time.Millisecond)
			return errors.New("boom")
		}
		select {
		case <-ctx.Done():
			cancelled[i].Store(true)
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
			return nil
		}
	}, nil)
	if err == nil || err.Error() != "trial 1: boom" {
		t.Fatalf("got %v", err)
	}
	if cancelled[0].Load() || !cancelled[2].Load() {
		t.Errorf("cancelled: trial 0 %v (want false), trial 2 %v (want true)", cancelled[0].Load(), cancelled[2].Load())
	}
}

func TestCancellationReturnsPromptlyAndKeepsFinished(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var finished atomic.Int64
	start := time.Now()
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	err := Run(ctx, 0, 1000, 2, func(ctx context.Context, i int) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
			return nil
		}
	}, func(int) { finished.Add(1) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if el := time.Since(start); el > 150*time.Millisecond {
		t.Errorf("cancellation took %v", el)
	}
	if finished.Load() == 0 {
		t.Error("no finished trials reported")
	}
}

func TestStreamsDifferByTrialAndPurpose(t *testing.T) {
	a := seed.Stream(1, 0, seed.Inputs).Uint64()
	for _, r := range []*rand.Rand{seed.Stream(1, 1, seed.Inputs), seed.Stream(1, 0, seed.Teacher), seed.Stream(2, 0, seed.Inputs)} {
		if r.Uint64() == a {
			t.Error("streams collide")
		}
	}
	if seed.Stream(1, 0, seed.Inputs).Uint64() != a {
		t.Error("stream not reproducible")
	}
}
