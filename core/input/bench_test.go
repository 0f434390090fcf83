package input

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/benchcpu"
)

// BenchmarkPoissonNext measures input generation alone, one bin of the
// Fig 3F setting (half the afferents at 10 Hz, half at 50 Hz), per synapse.
func BenchmarkPoissonNext(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rates := make([]float64, n)
			for i := range rates {
				rates[i] = 10
				if i >= n/2 {
					rates[i] = 50
				}
			}
			src, err := NewPoisson(rates, neuron.DefaultKernel().Dt, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				b.Fatal(err)
			}
			var spikes []int
			m := benchcpu.Start(b)
			for range b.N {
				spikes, _ = src.Next(spikes)
			}
			m.Stop(n, "synapse-step")
		})
	}
}
