package lanes

import (
	"context"
	"errors"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/sweep"
)

// RunParallel is Run with the batches of Width trials spread over
// sweep.Workers(workers) goroutines. Results are bit-identical to Run for
// any number of workers. A failure cancels the batches after it; the
// error is the lowest failing batch's, as Run returns it (naming the
// trial, the first to fail in bin order within it); cfg.Progress, if set,
// is called from several goroutines and must be safe for concurrent use.
func RunParallel(ctx context.Context, cfg learn.Config, trials []uint64, res []learn.Result, workers int) error {
	if len(res) != len(trials) {
		return Run(ctx, cfg, trials, res) // reports the mismatch
	}
	batches := (len(trials) + Width - 1) / Width
	err := sweep.Run(ctx, 0, batches, workers, func(ctx context.Context, b int) error {
		lo, hi := b*Width, min((b+1)*Width, len(trials))
		return Run(ctx, cfg, trials[lo:hi], res[lo:hi])
	}, nil)
	// sweep.Run wraps a failure with its index, here a batch number; the
	// error from Run already names the trial.
	if inner := errors.Unwrap(err); inner != nil && ctx.Err() == nil {
		return inner
	}
	return err
}
