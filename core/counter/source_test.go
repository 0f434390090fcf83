package counter

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/seed"
)

var _ input.Source = (*Source)(nil)

func TestSourceMatchesSpikes(t *testing.T) {
	rates := testRates()
	p, _ := NewPoisson(rates, dt)
	q, _ := NewPoisson(rates, dt)
	k := NewKey(2, 9, seed.Inputs)
	src := NewSource(p, k)
	if src.N() != len(rates) {
		t.Fatalf("N = %d, want %d", src.N(), len(rates))
	}
	var got []int
	for b := uint64(0); b < 5000; b++ {
		got, _ = src.Next(got)
		want := q.Spikes(nil, k, b)
		if len(got) != len(want) {
			t.Fatalf("bin %d: %v, want %v", b, got, want)
		}
		for i := range want {
			if got[i] != int(want[i]) {
				t.Fatalf("bin %d: %v, want %v", b, got, want)
			}
		}
	}
}

// TestSourceSeek: a source moved to bin b continues exactly as one that
// drew bins 0 … b−1.
func TestSourceSeek(t *testing.T) {
	rates := testRates()
	p, _ := NewPoisson(rates, dt)
	q, _ := NewPoisson(rates, dt)
	k := NewKey(5, 1, seed.Inputs)
	a, b := NewSource(p, k), NewSource(q, k)
	var x, y []int
	for range 777 {
		x, _ = a.Next(x)
	}
	b.Seek(777)
	for bin := 777; bin < 1777; bin++ {
		x, _ = a.Next(x)
		y, _ = b.Next(y)
		if !slices.Equal(x, y) || a.Bin() != b.Bin() {
			t.Fatalf("bin %d: %v after drawing, %v after Seek", bin, x, y)
		}
	}
}

// TestSourceFollowsRateSchedule: 200 afferents at 10 Hz, then 60 Hz from
// bin 20000: the spike count of each segment is within 5 standard
// deviations of r·dt·bins·n (Poisson-binomial variance ≤ the mean).
func TestSourceFollowsRateSchedule(t *testing.T) {
	n, switchAt, bins := 200, 20000, 40000
	lo, hi := make([]float64, n), make([]float64, n)
	for i := range lo {
		lo[i], hi[i] = 10, 60
	}
	p, err := NewPoisson(lo, dt)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(p, NewKey(1, 2, seed.Inputs))
	var spikes []int
	count := [2]float64{}
	for k := 0; k < bins; k++ {
		if k == switchAt {
			if err := src.SetRates(hi, dt); err != nil {
				t.Fatal(err)
			}
		}
		spikes, _ = src.Next(spikes)
		count[k/switchAt] += float64(len(spikes))
	}
	for j, r := range []float64{10, 60} {
		mean := r * dt * float64(switchAt) * float64(n)
		if sd := math.Sqrt(mean); math.Abs(count[j]-mean) > 5*sd {
			t.Errorf("segment %d: %v spikes, want %v ± %v", j, count[j], mean, 5*sd)
		}
	}
	if err := src.SetRates(append(hi[:n-1:n-1], 3000), dt); err == nil || !strings.Contains(err.Error(), "rates[199]*dt must be < 1") {
		t.Errorf("SetRates with r·dt > 1: %v", err)
	}
}
