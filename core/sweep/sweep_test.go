package sweep

import (
	"context"
	"errors"
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
