package counter

import (
	"math"
	"slices"
	"testing"

	"github.com/natspike/natspike/core/seed"
)

// FuzzPoisson: for any valid rates the spikes of a bin are distinct,
// in range, never silent afferents, the same when drawn again, and those
// of referenceSpikes (the stream definition without the fast paths).
func FuzzPoisson(f *testing.F) {
	f.Add(10.0, 50.0, 0.0, uint8(7), uint64(3))
	f.Add(1999.0, 1e-9, 400.0, uint8(1), uint64(1<<40))
	f.Fuzz(func(t *testing.T, r1, r2, r3 float64, n uint8, bin uint64) {
		rates := make([]float64, int(n)%40+1)
		for i := range rates {
			rates[i] = []float64{r1, r2, r3}[i%3]
		}
		p, err := NewPoisson(rates, dt)
		if err != nil {
			for _, r := range rates {
				if math.IsNaN(r) || r < 0 || r*dt >= 1 || math.IsInf(r, 0) {
					return
				}
			}
			t.Fatalf("valid rates %v rejected: %v", rates, err)
		}
		bin %= 1 << 40
		k := NewKey(1, 2, seed.Inputs)
		a := p.Spikes(nil, k, bin)
		seen := map[int32]bool{}
		for _, i := range a {
			if i < 0 || int(i) >= len(rates) || seen[i] || rates[i] == 0 {
				t.Fatalf("bin %d: spikes %v for rates %v", bin, a, rates)
			}
			seen[i] = true
		}
		b := p.Spikes(nil, k, bin)
		if len(a) != len(b) {
			t.Fatalf("bin %d drawn twice: %v, %v", bin, a, b)
		}
		if ref := referenceSpikes(rates, dt, k, bin); !slices.Equal(a, ref) {
			t.Fatalf("bin %d, rates %v: %v, reference %v", bin, rates, a, ref)
		}
	})
}
