package input

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// replayIntervals plays intervals×bins bins of src and returns, per
// interval and afferent, the bins (within the interval) in which it spiked;
// it fails if a bin's afferents are not in ascending order.
func replayIntervals(t *testing.T, src *PoolSource, intervals, bins int) [][][]int32 {
	t.Helper()
	out := make([][][]int32, intervals)
	var spikes []int
	for m := range out {
		out[m] = make([][]int32, src.N())
		for b := 0; b < bins; b++ {
			spikes, _ = src.Next(spikes)
			if !slices.IsSorted(spikes) {
				t.Fatalf("interval %d bin %d: afferents %v not ascending", m, b, spikes)
			}
			for _, i := range spikes {
				out[m][i] = append(out[m][i], int32(b))
			}
		}
	}
	return out
}

func TestPoolOfSizeOneReplaysOneTrainPerGroupInEveryInterval(t *testing.T) {
	rates := []float64{10, 50, 10, 0, 50, 10}
	const bins, intervals = 2000, 6
	pool, err := NewPool(rates, 0.0005, 1, bins, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	got := replayIntervals(t, pool.Source(rand.New(rand.NewPCG(5, 6))), intervals, bins)
	first := map[float64][]int32{} // the one train of each group, as first seen
	for m := range got {
		for i, train := range got[m] {
			if rates[i] == 0 {
				if len(train) != 0 {
					t.Fatalf("silent afferent %d spiked in interval %d", i, m)
				}
				continue
			}
			want, seen := first[rates[i]]
			if !seen {
				first[rates[i]] = train
				continue
			}
			if !slices.Equal(train, want) {
				t.Fatalf("interval %d afferent %d (%v Hz): spikes %v differ from %v", m, i, rates[i], train, want)
			}
		}
	}
	for r, train := range first {
		// P(no spike in 1999 bins) = (1 − r dt)^1999 ≤ e^{−10}: an empty train would make the test vacuous.
		if len(train) == 0 || train[0] == 0 {
			t.Errorf("%v Hz train %v: empty, or a spike in bin 0 (must be dropped)", r, train)
		}
	}
}

// TestPoolSpikeRatesAreBernoulliWithoutTheFirstBin checks the pool's trains
// and their replay against the nominal rate r·(1 − 1/bins): bin 0 is never
// drawn (the authors' first-bin quirk), every other bin spikes with
// probability p = r·dt.
func TestPoolSpikeRatesAreBernoulliWithoutTheFirstBin(t *testing.T) {
	const dt, bins, size, n, intervals = 0.0005, 2000, 4000, 200, 10
	rates := make([]float64, n)
	for i := range rates {
		rates[i] = []float64{10, 50}[i%2]
	}
	pool, err := NewPool(rates, dt, size, bins, rand.New(rand.NewPCG(7, 8)))
	if err != nil {
		t.Fatal(err)
	}
	for g, r := range []float64{10, 50} {
		// The pool itself: size·(bins−1) independent Bernoulli(p) bins,
		// so the count is binomial; 5 standard deviations.
		p, trials := r*dt, float64(size*(bins-1))
		count := float64(len(pool.groups[g].offsets))
		// Without the quirk, size·p = 20 (10 Hz) and 100 (50 Hz) trains would spike in bin 0.
		for j := 0; j < size; j++ {
			if train := pool.Train(g, j); len(train) > 0 && train[0] == 0 {
				t.Fatalf("%v Hz train %d spikes in bin 0", r, j)
			}
		}
		if sd := math.Sqrt(trials * p * (1 - p)); math.Abs(count-trials*p) > 5*sd {
			t.Errorf("%v Hz pool: %v spikes, binomial mean %v ± %v", r, count, trials*p, sd)
		}
	}
	got := replayIntervals(t, pool.Source(rand.New(rand.NewPCG(9, 10))), intervals, bins)
	for g, r := range []float64{10, 50} {
		count := 0.0
		for m := range got {
			for i := g; i < n; i += 2 {
				count += float64(len(got[m][i]))
				if len(got[m][i]) > 0 && got[m][i][0] == 0 {
					t.Fatalf("interval %d afferent %d spikes in bin 0", m, i)
				}
			}
		}
		// D = intervals·n/2 draws with replacement of trains whose counts
		// are iid Binomial(bins−1, p): Var = D σ² (1 + (D−1)/size), since
		// a pair of draws shares its train with probability 1/size.
		d, p := float64(intervals*n/2), r*dt
		sigma2 := float64(bins-1) * p * (1 - p)
		sd := math.Sqrt(d * sigma2 * (1 + (d-1)/size))
		rate := count / (d * bins * dt)
		want := r * (1 - 1.0/bins)
		if math.Abs(count-d*(bins-1)*p) > 5*sd {
			t.Errorf("%v Hz replay: rate %.4f Hz, want %.4f ± %.4f Hz (5 sd)", r, rate, want, 5*sd/(d*bins*dt))
		}
		t.Logf("%v Hz replay: rate %.4f Hz, nominal r(1 − 1/bins) = %.4f Hz", r, rate, want)
	}
}

func TestPoolRejectsBadSizes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct{ size, bins int }{{0, 10}, {1, 0}, {1, MaxPoolBins + 1}} {
		if _, err := NewPool([]float64{10}, 0.001, c.size, c.bins, rng); err == nil {
			t.Errorf("size %d, bins %d accepted", c.size, c.bins)
		}
	}
	if _, err := NewPool([]float64{-1}, 0.001, 1, 10, rng); err == nil {
		t.Error("negative rate accepted")
	}
}
