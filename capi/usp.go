package capi

/*
#include <stdint.h>
*/
import "C"

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/seed"
	"github.com/natspike/natspike/internal/config"
)

// uspBlock is the number of USP samples drawn from one random stream; block
// b uses stream (seed, b), so results do not depend on the worker count.
const uspBlock = 256

//export ns_sample_usps
func ns_sample_usps(neuronJSON *C.char, rates *C.double, n, samples, bins, rootSeed C.longlong, out *C.double,
	cancel *C.int32_t, progress *C.int64_t, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		c, m, e := neuronAndLen(neuronJSON, n, false)
		if e != nil {
			return e
		}
		if samples < 0 || samples > 1<<34 || bins < 1 || bins > 1<<32 {
			return fmt.Errorf("samples must be in [0, 2^34] and bins in [1, 2^32], got %d and %d", samples, bins)
		}
		if e := checkProduct("samples x n", int64(samples), int64(n)); e != nil {
			return e
		}
		if e := checkBuffers(m, buffer{"rates", rates}, buffer{"out", out}); e != nil {
			return e
		}
		ctx, stop := watchCancel((*int32)(unsafe.Pointer(cancel)))
		defer stop()
		res := doubles(out, int(samples)*m)
		return checkResult(sampleUSPs(ctx, c, doubles(rates, m), int(samples), int(bins), uint64(rootSeed),
			res, Progress{(*int64)(unsafe.Pointer(progress))}), "out", res)
	})
}

// sampleUSPs fills out (samples × n) with the USP vectors at the last of
// `bins` bins of independent Poisson trains that start from zero traces.
func sampleUSPs(ctx context.Context, c config.NeuronConfig, rates []float64, samples, bins int, root uint64,
	out []float64, p Progress) error {
	_, k, err := c.Build()
	if err != nil {
		return err
	}
	if err := input.ValidateRates(rates, k.Dt); err != nil {
		return err
	}
	n := len(rates)
	blocks := (samples + uspBlock - 1) / uspBlock
	return forBlocks(ctx, blocks, 1, workers(blocks, 1), func(_, b, _ int) error {
		lo, hi := b*uspBlock, min((b+1)*uspBlock, samples)
		rng := seed.Stream(root, uint64(b), seed.TestSet)
		if err := input.SampleUSPs(out[lo*n:hi*n], k, rates, bins, rng); err != nil {
			return err
		}
		p.Add(int64(hi - lo))
		return nil
	})
}
