package lanes

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/rule"
)

func TestRunParallelEqualsRun(t *testing.T) {
	cfg := fig3Config(rule.Approximate, 2e-2, 0.5, 12)
	cfg.Rule.CoefficientTol = 1e-9
	trials := []uint64{4, 8, 15, 16, 23, 42, 0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 14}
	ref := make([]learn.Result, len(trials))
	if err := Run(context.Background(), cfg, trials, ref); err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 3} {
		var done atomic.Int64
		c := cfg
		c.Progress = func(bins int) { done.Add(int64(bins)) }
		got := make([]learn.Result, len(trials))
		if err := RunParallel(context.Background(), c, trials, got, workers); err != nil {
			t.Fatal(err)
		}
		for j := range trials {
			for i, w := range ref[j].Weights {
				if got[j].Weights[i] != w {
					t.Fatalf("%d workers, trial %d: weight %d = %v, Run gives %v", workers, trials[j], i, got[j].Weights[i], w)
				}
			}
		}
		if want := int64(len(trials) * cfg.Bins()); done.Load() != want {
			t.Fatalf("%d workers: progress %d trial-bins, want %d", workers, done.Load(), want)
		}
	}
}

func TestRunParallelErrors(t *testing.T) {
	cfg := fig3Config(rule.Euclidean, 1e6, 1, 10)
	trials := make([]uint64, 20)
	for i := range trials {
		trials[i] = uint64(i)
	}
	err := RunParallel(context.Background(), cfg, trials, make([]learn.Result, 20), 2)
	if !errors.Is(err, learn.ErrDiverged) || strings.HasPrefix(err.Error(), "trial") {
		t.Fatalf("error %q, want ErrDiverged naming the trial once", err)
	}
	t.Log(err)
	if err := RunParallel(context.Background(), cfg, trials, make([]learn.Result, 3), 2); err == nil {
		t.Fatal("result count mismatch accepted")
	}
}
