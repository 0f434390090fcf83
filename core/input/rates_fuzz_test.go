package input

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Fuzz targets for ValidateRates and the replay validator: valid rates
// give a source whose spike lists are ascending afferent indices in [0, n).

func FuzzValidateRates(f *testing.F) {
	f.Add(10.0, 50.0, 0.0005, uint8(2))
	f.Add(0.0, 0.0, 0.0005, uint8(3))
	f.Add(1999.0, 1.0, 0.0005, uint8(1))
	f.Add(2000.0, 1.0, 0.0005, uint8(1))
	f.Add(-1.0, math.NaN(), 0.0005, uint8(2))
	f.Add(10.0, 10.0, 0.0005, uint8(0))
	f.Fuzz(func(t *testing.T, r0, r1, dt float64, n uint8) {
		rates := make([]float64, n%16)
		for i := range rates {
			rates[i] = []float64{r0, r1}[i%2]
		}
		if !(dt > 0) || math.IsInf(dt, 0) || ValidateRates(rates, dt) != nil {
			return
		}
		p, err := NewPoisson(rates, dt, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatalf("rates %v passed ValidateRates but NewPoisson: %v", rates, err)
		}
		var spikes []int
		for range 64 {
			if spikes, err = p.Next(spikes); err != nil {
				t.Fatal(err)
			}
			for j, s := range spikes {
				if s < 0 || s >= len(rates) || (j > 0 && s <= spikes[j-1]) {
					t.Fatalf("bad spike list %v for %d afferents", spikes, len(rates))
				}
			}
		}
	})
}

func FuzzNewReplay(f *testing.F) {
	f.Add([]byte{0, 1, 1, 0}, 2)
	f.Add([]byte{0, 2}, 1)
	f.Add([]byte{}, 0)
	f.Add([]byte{1, 1, 1}, 2)
	f.Add([]byte{1}, -3)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		spikes := make([]float64, len(data))
		for i, b := range data {
			spikes[i] = float64(b) / 2
		}
		r, err := NewReplay(spikes, n)
		if err != nil {
			return
		}
		var out []int
		for range r.Bins() {
			if out, err = r.Next(out); err != nil {
				t.Fatal(err)
			}
		}
	})
}
