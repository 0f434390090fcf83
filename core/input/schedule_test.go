package input

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveNext is the obvious O(n)-per-bin form of Poisson.Next: scan the
// afferents in order and redraw the gap of each one that is due.
func naiveNext(p *Poisson, next []int64, bin int64) []int {
	var out []int
	for i, b := range next {
		if b == bin {
			out = append(out, i)
			next[i] = bin + p.gap(i)
		}
	}
	return out
}

// TestPoissonMatchesNaiveScanOverWheelHeapAndBitset checks the timing
// wheel against a per-bin scan on the same random stream, with rates that
// exercise small and large buckets and far-future spikes.
func TestPoissonMatchesNaiveScanOverWheelAndHeap(t *testing.T) {
	const n, dt = 3000, 0.0005
	rates := make([]float64, n)
	for i := range rates {
		rates[i] = []float64{0, 0.05, 3, 40, 900}[i%5]
	}
	fast, err := NewPoisson(rates, dt, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	slow := &Poisson{logq: fast.logq, rng: rand.New(rand.NewPCG(5, 6))}
	next := make([]int64, n)
	for i := range next {
		next[i] = math.MaxInt64
		if rates[i] > 0 {
			next[i] = slow.gap(i) - 1
		}
	}
	var got []int
	large, far := 0, 0
	for bin := int64(0); bin < 30000; bin++ {
		far += len(fast.sched.far)
		got, _ = fast.Next(got)
		want := naiveNext(slow, next, bin)
		if !slices.Equal(got, want) {
			t.Fatalf("bin %d: wheel %v, scan %v", bin, got, want)
		}
		if len(got) >= 24 {
			large++
		}
	}
	if large == 0 || far == 0 {
		t.Errorf("test did not exercise large buckets (%d bins) or the heap (%d)", large, far)
	}
}

func TestPoissonRestartReplaysNewPoisson(t *testing.T) {
	rates := []float64{10, 50, 0, 5}
	a, _ := NewPoisson(rates, 0.0005, rand.New(rand.NewPCG(1, 1)))
	for range 100 {
		a.Next(nil)
	}
	a.Restart(rand.New(rand.NewPCG(2, 2)))
	b, _ := NewPoisson(rates, 0.0005, rand.New(rand.NewPCG(2, 2)))
	for bin := range 5000 {
		x, _ := a.Next(nil)
		y, _ := b.Next(nil)
		if !slices.Equal(x, y) {
			t.Fatalf("bin %d: %v vs %v", bin, x, y)
		}
	}
}
