package lanes_test

import (
	"context"
	"fmt"
	"math"

	"github.com/natspike/natspike/core/lanes"
	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// Example runs 20 trials of the natural rule in batches of lanes.Width on
// two workers; the result of a trial depends only on (Seed, trial), so the
// batching and the number of workers do not matter.
func Example() {
	n := 10
	rates, w0, target := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range rates {
		rates[i] = []float64{10, 50}[i%2]
		w0[i], target[i] = 0.05*math.Sin(float64(i)), 0.05*math.Cos(float64(i))
	}
	cfg := learn.Config{Transfer: neuron.DefaultSigmoid(), Kernel: neuron.DefaultKernel(),
		Rule: rule.DefaultConfig(rule.Natural, 5e-3), Rates: rates, W0: w0,
		Teacher: learn.Teacher{Kind: learn.Realizable, Weights: target}, Duration: 5, Seed: 1}
	cfg.Rule.CoefficientTol = 1e-9

	trials := make([]uint64, 20)
	for i := range trials {
		trials[i] = uint64(i)
	}
	res := make([]learn.Result, len(trials))
	if err := lanes.RunParallel(context.Background(), cfg, trials, res, 2); err != nil {
		fmt.Println(err)
		return
	}
	improved := 0
	for _, r := range res {
		if r.WeightDistance[1] < r.WeightDistance[0] {
			improved++
		}
	}
	fmt.Printf("%d of %d trials moved towards the teacher\n", improved, len(res))

	alone := make([]learn.Result, 1)
	if err := lanes.Run(context.Background(), cfg, trials[13:14], alone); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("trial 13 alone equals trial 13 in its batch:", alone[0].Final[0] == res[13].Final[0])
	// Output:
	// 20 of 20 trials moved towards the teacher
	// trial 13 alone equals trial 13 in its batch: true
}
