package capi

/*
#include <stdint.h>
*/
import "C"

import (
	"context"
	"fmt"
	"unsafe"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/seed"
	"github.com/natspike/natspike/internal/config"
)

// Monte-Carlo sampling layout: a fixed number of independent chains (so the
// numbers do not depend on the worker count), each burnt in for mcBurn bins
// and sampled every mcStride bins (5 τ_m at the defaults).
const (
	mcChains = 8
	mcBurn   = 1000
	mcStride = 100
	mcChunk  = 2048 // samples held in memory per chain at a time
)

//export ns_monte_carlo_fisher
func ns_monte_carlo_fisher(neuronJSON *C.char, w, rates *C.double, n, samples, rootSeed C.longlong,
	out *C.double, cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, m, e := neuronAndLen(neuronJSON, n, true)
		if e != nil {
			return e
		}
		if samples < 1 || samples > 1<<34 {
			return fmt.Errorf("samples must be in [1, 2^34], got %d", samples)
		}
		if e := checkBuffers(m, buffer{"weights", w}, buffer{"rates", rates}, buffer{"out", out}); e != nil {
			return e
		}
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		job := mcJob{cfg: c, w: doubles(w, m), rates: doubles(rates, m), samples: int(samples), seed: uint64(rootSeed),
			progress: Progress{(*int64)(unsafe.Pointer(progress))}}
		if e := job.memory(); e != nil {
			return e
		}
		res := doubles(out, m*m)
		return checkResult(job.run(ctx, res), "out", res)
	})
}

type mcJob struct {
	cfg      config.NeuronConfig
	w, rates []float64
	samples  int
	seed     uint64
	progress Progress
}

// run averages E[φ'²/φ x xᵀ] over stationary USP samples (Eqn 67) from
// mcChains chains, chain c drawing from stream (seed, c).
func (j mcJob) run(ctx context.Context, out []float64) error {
	if err := checkFinite("weights", j.w); err != nil {
		return err
	}
	if err := input.ValidateRates(j.rates, j.cfg.Dt); err != nil {
		return err
	}
	n := len(j.w)
	sums := make([]*mat.SymDense, mcChains)
	err := forBlocks(ctx, mcChains, 1, workers(mcChains, 1), func(_, c, _ int) error {
		s, err := j.chain(ctx, c)
		sums[c] = s
		return err
	})
	if err != nil {
		return err
	}
	total := mat.NewSymDense(n, nil)
	for _, s := range sums {
		total.AddSym(total, s)
	}
	total.ScaleSym(1/float64(j.samples), total)
	copySym(out, total)
	return nil
}

// chain returns Σ φ'²/φ x xᵀ over its share of the samples.
func (j mcJob) chain(ctx context.Context, c int) (*mat.SymDense, error) {
	tr, k, err := j.cfg.Build()
	if err != nil {
		return nil, err
	}
	n := len(j.w)
	count := j.samples/mcChains + boolInt(c < j.samples%mcChains)
	sum, block := mat.NewSymDense(n, nil), mat.NewSymDense(n, nil)
	rng := seed.Stream(j.seed, uint64(c), seed.Inputs)
	buf := make([]float64, min(count, mcChunk)*n)
	burn := mcBurn
	for done := 0; done < count; done += mcChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows := min(mcChunk, count-done)
		if err := input.StationaryUSPs(buf[:rows*n], k, j.rates, burn, mcStride, rng); err != nil {
			return nil, err
		}
		burn = mcBurn // each chunk restarts a chain: chunks stay independent and reproducible
		fisher.MonteCarloMatrix(block, tr, j.w, mat.NewDense(rows, n, buf[:rows*n]))
		block.ScaleSym(float64(rows), block)
		sum.AddSym(sum, block)
		j.progress.Add(int64(rows))
	}
	return sum, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
