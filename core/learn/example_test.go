package learn_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// A complete learning run: 100 afferents at 10 and 50 Hz, a realizable
// teacher, and the natural-gradient rule with the paper's learning rate in
// the authors' convention (Fig 3F protocol, 5 minutes instead of 133).
func Example() {
	const n = 100
	rng := rand.New(rand.NewPCG(1, 2))
	rates, w0, target := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range rates {
		rates[i] = 10
		if i >= n/2 {
			rates[i] = 50
		}
		w0[i] = (2*rng.Float64() - 1) / n
		target[i] = (2*rng.Float64() - 1) / n
	}
	r := rule.DefaultConfig(rule.Natural, 6e-4)
	r.LR = rule.Authors
	cfg := learn.Config{
		Transfer: neuron.DefaultSigmoid(), Kernel: neuron.DefaultKernel(), Rule: r,
		Rates: rates, W0: w0, Teacher: learn.Teacher{Kind: learn.Realizable, Weights: target},
		Duration: 300, RecordEvery: 200000, Seed: 3,
	}
	var res learn.Result
	if err := learn.Run(context.Background(), cfg, &res); err != nil {
		panic(err)
	}
	last := len(res.KL) - 1
	fmt.Printf("records at t = %v s\n", res.Times)
	fmt.Printf("D_KL fell by more than half: %v\n", res.KL[last] < res.KL[0]/2)
	fmt.Printf("closer to the target: %v\n", res.WeightDistance[last] < res.WeightDistance[0])
	// Output:
	// records at t = [0 100 200 300] s
	// D_KL fell by more than half: true
	// closer to the target: true
}
