package counter

import (
	"fmt"
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/seed"
	"github.com/natspike/natspike/internal/benchcpu"
)

// fig3Rates is the Fig 3F input at size n: half the afferents at 10 Hz,
// half at 50 Hz.
func fig3Rates(n int) []float64 {
	rates := make([]float64, n)
	for i := range rates {
		rates[i] = []float64{10, 50}[2*i/n]
	}
	return rates
}

// BenchmarkSpikes measures one bin of the Fig 3F input (50 afferents at
// 10 Hz, 50 at 50 Hz, dt = 0.5 ms), CPU time.
func BenchmarkSpikes(b *testing.B) {
	p, err := NewPoisson(fig3Rates(100), dt)
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

// BenchmarkInputSource compares, in one run, the two input.Source
// implementations learn.Run can read on the Fig 3F input: "counter" (this
// package's Source, learn.Run's Poisson inputs) and "pcg" (input.Poisson:
// a PCG stream, geometric gaps and a timing wheel, learn.Run's inputs
// before the counter-based streams), CPU time per bin.
func BenchmarkInputSource(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		rates := fig3Rates(n)
		sources := map[string]func() (input.Source, error){
			"pcg": func() (input.Source, error) {
				return input.NewPoisson(rates, dt, seed.Stream(1, 0, seed.Inputs))
			},
			"counter": func() (input.Source, error) {
				p, err := NewPoisson(rates, dt)
				return NewSource(p, NewKey(1, 0, seed.Inputs)), err
			},
		}
		for _, name := range []string{"pcg", "counter"} {
			b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
				src, err := sources[name]()
				if err != nil {
					b.Fatal(err)
				}
				var spikes []int
				m := benchcpu.Start(b)
				for range b.N {
					spikes, _ = src.Next(spikes)
				}
				m.Stop(1, "bin")
			})
		}
	}
}
