package counter

import (
	"testing"

	"github.com/natspike/natspike/core/seed"
	"github.com/natspike/natspike/internal/benchcpu"
)

// BenchmarkSpikes measures one bin of the Fig 3F input (50 afferents at
// 10 Hz, 50 at 50 Hz, dt = 0.5 ms), CPU time.
func BenchmarkSpikes(b *testing.B) {
	rates := make([]float64, 100)
	for i := range rates {
		rates[i] = []float64{10, 50}[i/50]
	}
	p, err := NewPoisson(rates, dt)
	if err != nil {
		b.Fatal(err)
	}
	k := NewKey(1, 0, seed.Inputs)
	var spikes []int32
	m := benchcpu.Start(b)
	for i := range b.N {
		spikes = p.Spikes(spikes, k, uint64(i))
	}
	m.Stop(1, "bin")
}
