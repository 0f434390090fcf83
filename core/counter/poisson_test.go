package counter

import (
	"math"
	"math/big"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/natspike/natspike/core/seed"
)

const dt = 0.0005

// testRates: two paper-like groups (10 and 50 Hz), silent afferents, a
// lone fast afferent and a pair, interleaved so that groups are not blocks.
func testRates() []float64 {
	var r []float64
	for i := 0; i < 50; i++ {
		r = append(r, []float64{10, 50}[i%2])
	}
	return append(r, 0, 400, 0, 120, 120, 10)
}

// exactBinomialCDF returns P(K ≤ k), K ~ Binomial(m, q), for k = 0 … m,
// summed in 256-bit floating point from C(m, k) q^k (1 − q)^(m−k).
func exactBinomialCDF(m int, q float64) []float64 {
	const prec = 256
	bq := new(big.Float).SetPrec(prec).SetFloat64(q)
	one := new(big.Float).SetPrec(prec).SetInt64(1)
	bp := new(big.Float).SetPrec(prec).Sub(one, bq)
	cdf := make([]float64, m+1)
	acc := new(big.Float).SetPrec(prec)
	for k := 0; k <= m; k++ {
		term := new(big.Float).SetPrec(prec).SetInt(new(big.Int).Binomial(int64(m), int64(k)))
		for j := 0; j < k; j++ {
			term.Mul(term, bq)
		}
		for j := 0; j < m-k; j++ {
			term.Mul(term, bp)
		}
		acc.Add(acc, term)
		cdf[k], _ = acc.Float64()
	}
	return cdf
}

func TestBinomialTableMatchesClosedForm(t *testing.T) {
	for _, c := range []struct {
		m int
		q float64
	}{{1, 0.005}, {1, 0.9999}, {5, 0.3}, {26, 0.005}, {25, 0.025}, {400, 0.025}, {40, 0.9}, {300, 0.999}} {
		cdf := binomialTable(c.m, c.q)
		ref := exactBinomialCDF(c.m, c.q)
		for k, got := range cdf {
			if math.Abs(got-ref[k]) > 1e-15 {
				t.Errorf("m = %d, q = %v: P(K ≤ %d) = %.17g, want %.17g", c.m, c.q, k, got, ref[k])
			}
		}
		if len(cdf) > c.m {
			t.Errorf("m = %d: table has %d entries", c.m, len(cdf))
		}
		if tail := 1 - ref[len(cdf)-1]; len(cdf) < c.m && tail > 0x1p-54 {
			t.Errorf("m = %d, q = %v: tail beyond the table %.3g, want < 2^-54", c.m, c.q, tail)
		}
	}
}

// TestBinomialTableLarge: for large groups the table is finite,
// increasing, ends within 2^−54 of 1 and is short (it stops at the tail).
func TestBinomialTableLarge(t *testing.T) {
	for _, c := range []struct {
		m int
		q float64
	}{{100_000, 0.005}, {100_000, 0.5}, {1 << 20, 1e-7}} {
		cdf := binomialTable(c.m, c.q)
		for k := 1; k < len(cdf); k++ {
			if !(cdf[k] >= cdf[k-1]) || math.IsNaN(cdf[k]) {
				t.Fatalf("m = %d, q = %v: cdf[%d] = %v after %v", c.m, c.q, k, cdf[k], cdf[k-1])
			}
		}
		last := cdf[len(cdf)-1]
		mean, sd := float64(c.m)*c.q, math.Sqrt(float64(c.m)*c.q*(1-c.q))
		if math.Abs(last-1) > 1e-12 || float64(len(cdf)) > mean+12*sd+20 {
			t.Errorf("m = %d, q = %v: %d entries ending at %v", c.m, c.q, len(cdf), last)
		}
	}
}

func TestCountInvertsTable(t *testing.T) {
	cdf := []float64{0.25, 0.5, 0.75}
	for _, c := range []struct {
		u    float64
		want int
	}{{0.25, 1}, {0.4999, 1}, {0.5, 2}, {0.6, 2}, {0.75, 3}, {0.99, 3}} {
		thr, x := thresholds(cdf), uint64(c.u*0x1p53)
		if got := count(thr, x); got != c.want {
			t.Errorf("count(%v) = %d, want %d", c.u, got, c.want)
		}
		if got := bisect(thr, x); got != c.want {
			t.Errorf("bisect(%v) = %d, want %d", c.u, got, c.want)
		}
	}
}

// TestCountMatchesDefinition: for short (scanned) and long (bisected)
// tables, count on the integer thresholds equals #{k : cdf[k] ≤ u} counted
// one by one in floating point, for the uniforms u = x·2^−53 of Key.Float64
// on, next to and between the table's entries.
func TestCountMatchesDefinition(t *testing.T) {
	for _, c := range []struct {
		m int
		q float64
	}{{1, 0.3}, {50, 0.025}, {400, 0.025}, {5000, 0.025}, {300, 0.999}} {
		cdf := binomialTable(c.m, c.q)
		thr := thresholds(cdf)
		xs := []uint64{1<<53 - 1}
		for _, p := range cdf {
			f := uint64(math.Floor(p * 0x1p53))
			xs = append(xs, f-1, f, f+1, f+2)
		}
		for _, x := range xs {
			u := float64(x) * 0x1p-53
			if u < cdf[0] || u >= 1 {
				continue
			}
			want := 0
			for _, p := range cdf {
				if p <= u {
					want++
				}
			}
			if got := count(thr, x); got != want {
				t.Fatalf("m = %d, q = %v (%d entries): count(%v) = %d, want %d", c.m, c.q, len(cdf), u, got, want)
			}
		}
	}
}

// spikeStats runs bins bins of one stream and returns per-afferent counts,
// pairwise joint counts, per-bin group totals and one afferent's train.
type spikeStats struct {
	counts []float64
	joint  [][]float64
	totals map[int][]int // group rate (Hz) → histogram of spikes per bin
	train  []float64     // afferent 1 (50 Hz)
}

func collect(t *testing.T, rates []float64, bins int) spikeStats {
	p, err := NewPoisson(rates, dt)
	if err != nil {
		t.Fatal(err)
	}
	n := len(rates)
	st := spikeStats{counts: make([]float64, n), joint: make([][]float64, n), totals: map[int][]int{},
		train: make([]float64, bins)}
	for i := range st.joint {
		st.joint[i] = make([]float64, n)
	}
	k := NewKey(42, 3, seed.Inputs)
	var spikes []int32
	seen := make([]bool, n)
	for b := 0; b < bins; b++ {
		spikes = p.Spikes(spikes, k, uint64(b))
		perGroup := map[int]int{}
		for _, i := range spikes {
			if seen[i] {
				t.Fatalf("bin %d: afferent %d drawn twice", b, i)
			}
			seen[i] = true
			st.counts[i]++
			perGroup[int(rates[i])]++
			if i == 1 {
				st.train[b] = 1
			}
			for _, j := range spikes {
				st.joint[i][j]++
			}
		}
		for _, r := range rates {
			h := st.totals[int(r)]
			if h == nil {
				h = make([]int, 64)
				st.totals[int(r)] = h
			}
		}
		for r, h := range st.totals {
			h[perGroup[r]]++
		}
		for _, i := range spikes {
			seen[i] = false
		}
	}
	return st
}

// TestPoissonMatchesBernoulliModel checks the generator against the
// closed-form Bernoulli-per-bin model with 5-standard-error tolerances
// (each check fails by chance with probability < 1e−6; the seed is fixed).
func TestPoissonMatchesBernoulliModel(t *testing.T) {
	rates := testRates()
	const bins = 400_000
	st := collect(t, rates, bins)
	n := len(rates)
	for i, r := range rates {
		q := r * dt
		if r == 0 {
			if st.counts[i] != 0 {
				t.Errorf("silent afferent %d spiked %v times", i, st.counts[i])
			}
			continue
		}
		if z := (st.counts[i] - bins*q) / math.Sqrt(bins*q*(1-q)); math.Abs(z) > 5 {
			t.Errorf("afferent %d (%v Hz): %v spikes, z = %.2f", i, r, st.counts[i], z)
		}
	}
	checkGroupTotals(t, rates, st, bins)
	checkPairCorrelations(t, rates, st, bins, n)
	checkLagCorrelations(t, st.train)
}

// checkGroupTotals: the per-bin number of spikes of each group follows
// Binomial(m, r dt): χ² over cells with expectation ≥ 20 plus the lumped
// tail, compared with the 1e−6 quantile via Wilson–Hilferty.
func checkGroupTotals(t *testing.T, rates []float64, st spikeStats, bins int) {
	members := map[int]int{}
	for _, r := range rates {
		members[int(r)]++
	}
	for r, h := range st.totals {
		if r == 0 {
			continue
		}
		ref := distuv.Binomial{N: float64(members[r]), P: float64(r) * dt}
		chi, cells, rest, restObs := 0.0, 0, 1.0, float64(bins)
		for k := 0; k < len(h); k++ {
			e := float64(bins) * ref.Prob(float64(k))
			if e < 20 {
				break
			}
			chi += (float64(h[k]) - e) * (float64(h[k]) - e) / e
			rest -= ref.Prob(float64(k))
			restObs -= float64(h[k])
			cells++
		}
		if e := float64(bins) * rest; e > 0 {
			chi += (restObs - e) * (restObs - e) / e
			cells++
		}
		if limit := chiSquareQuantile(cells-1, 4.753); chi > limit {
			t.Errorf("%d Hz group: χ² = %.2f over %d cells, want < %.2f", r, chi, cells, limit)
		}
	}
}

// chiSquareQuantile is the Wilson–Hilferty approximation of the χ²_k
// quantile at z standard normal deviations (z = 4.753: 1 − 1e−6).
func chiSquareQuantile(k int, z float64) float64 {
	a := 2 / (9 * float64(k))
	return float64(k) * math.Pow(1-a+z*math.Sqrt(a), 3)
}

// checkPairCorrelations: every pair of distinct afferents (same or
// different group) is uncorrelated within a bin, |ρ| < 5/√bins.
func checkPairCorrelations(t *testing.T, rates []float64, st spikeStats, bins, n int) {
	bound := 5 / math.Sqrt(float64(bins))
	worst := 0.0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if rates[i] == 0 || rates[j] == 0 {
				continue
			}
			pi, pj := st.counts[i]/float64(bins), st.counts[j]/float64(bins)
			rho := (st.joint[i][j]/float64(bins) - pi*pj) / math.Sqrt(pi*(1-pi)*pj*(1-pj))
			worst = math.Max(worst, math.Abs(rho))
			if math.Abs(rho) > bound {
				t.Errorf("afferents %d (%v Hz) and %d (%v Hz): ρ = %.3g, want |ρ| < %.3g", i, rates[i], j, rates[j], rho, bound)
			}
		}
	}
	t.Logf("largest |ρ| between afferents: %.3g (bound %.3g)", worst, bound)
}

func checkLagCorrelations(t *testing.T, train []float64) {
	bound := 5 / math.Sqrt(float64(len(train)))
	for lag := 1; lag <= 8; lag++ {
		if r := correlation(train[:len(train)-lag], train[lag:]); math.Abs(r) > bound {
			t.Errorf("lag %d: autocorrelation %.3g, want |ρ| < %.3g", lag, r, bound)
		}
	}
}

// TestPoissonIsPureFunction: a bin's spikes do not depend on which bins
// were drawn before (nor on a fresh generator).
func TestPoissonIsPureFunction(t *testing.T) {
	rates := testRates()
	p, _ := NewPoisson(rates, dt)
	k := NewKey(1, 2, seed.Inputs)
	var fwd [][]int32
	for b := 0; b < 2000; b++ {
		fwd = append(fwd, p.Spikes(nil, k, uint64(b)))
	}
	q, _ := NewPoisson(rates, dt)
	for b := len(fwd) - 1; b >= 0; b-- {
		got := q.Spikes(nil, k, uint64(b))
		if len(got) != len(fwd[b]) {
			t.Fatalf("bin %d: %v backwards, %v forwards", b, got, fwd[b])
		}
		for i := range got {
			if got[i] != fwd[b][i] {
				t.Fatalf("bin %d: %v backwards, %v forwards", b, got, fwd[b])
			}
		}
	}
}

func TestPoissonRejectsBadRates(t *testing.T) {
	for _, r := range [][]float64{nil, {-1}, {math.NaN()}, {2000}} {
		if _, err := NewPoisson(r, dt); err == nil {
			t.Errorf("rates %v accepted", r)
		}
	}
}

// TestPoissonCrossTrialIndependence: the trains of adjacent trials (which
// run in adjacent lanes) and of adjacent root seeds are uncorrelated: for
// every afferent and for the per-bin spike count, |ρ| < 5/√bins.
func TestPoissonCrossTrialIndependence(t *testing.T) {
	rates := testRates()
	p, _ := NewPoisson(rates, dt)
	const bins = 200_000
	draw := func(k Key) (trains [][]float64, totals []float64) {
		trains = make([][]float64, len(rates))
		for i := range trains {
			trains[i] = make([]float64, bins)
		}
		totals = make([]float64, bins)
		var spikes []int32
		for b := 0; b < bins; b++ {
			spikes = p.Spikes(spikes, k, uint64(b))
			for _, i := range spikes {
				trains[i][b] = 1
			}
			totals[b] = float64(len(spikes))
		}
		return trains, totals
	}
	baseTrains, baseTotals := draw(NewKey(7, 10, seed.Inputs))
	bound := 5 / math.Sqrt(bins)
	for name, k := range map[string]Key{"trial+1": NewKey(7, 11, seed.Inputs), "root+1": NewKey(8, 10, seed.Inputs)} {
		trains, totals := draw(k)
		if r := correlation(baseTotals, totals); math.Abs(r) > bound {
			t.Errorf("%s: per-bin spike counts correlate, ρ = %.3g", name, r)
		}
		for i, r := range rates {
			if r == 0 {
				continue
			}
			if rho := correlation(baseTrains[i], trains[i]); math.Abs(rho) > bound {
				t.Errorf("%s: afferent %d (%v Hz) trains correlate, ρ = %.3g, want |ρ| < %.3g", name, i, r, rho, bound)
			}
		}
	}
}

// TestStrideFitsEveryRateLayout: the stride is 2n whatever the rates, and
// every group's block of positions (K and its members) ends within it, so
// bins never share a position, before or after SetRates.
func TestStrideFitsEveryRateLayout(t *testing.T) {
	n := 40
	layouts := [][]float64{make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)}
	for i := range n {
		layouts[0][i] = 10
		layouts[1][i] = float64(i + 1)          // n groups of one
		layouts[2][i] = float64(i%2) * 30       // half silent
		layouts[3][i] = []float64{5, 9, 0}[i%3] // three groups
	}
	p, err := NewPoisson(layouts[0], dt)
	if err != nil {
		t.Fatal(err)
	}
	for li, rates := range layouts {
		if err := p.SetRates(rates, dt); err != nil {
			t.Fatal(err)
		}
		if p.Stride() != uint64(2*n) {
			t.Fatalf("layout %d: stride %d, want %d", li, p.Stride(), 2*n)
		}
		for _, g := range p.groups {
			if end := g.base + uint64(len(g.members)) + 1; end > p.Stride() {
				t.Fatalf("layout %d: a group's positions end at %d, beyond the stride %d", li, end, p.Stride())
			}
		}
	}
	if err := p.SetRates(layouts[0][:n-1], dt); err == nil {
		t.Error("SetRates accepted rates of another length")
	}
}

// TestSetRatesEqualsNewPopulation: after SetRates a bin is drawn exactly
// as by a population created with the new rates (nothing is redrawn).
func TestSetRatesEqualsNewPopulation(t *testing.T) {
	a, b := testRates(), testRates()
	for i := range b {
		b[i] = 3 * b[i] / 2
	}
	p, _ := NewPoisson(a, dt)
	fresh, _ := NewPoisson(b, dt)
	k := NewKey(4, 4, seed.Inputs)
	if err := p.SetRates(b, dt); err != nil {
		t.Fatal(err)
	}
	for bin := uint64(0); bin < 3000; bin++ {
		if x, y := p.Spikes(nil, k, bin), fresh.Spikes(nil, k, bin); !slices.Equal(x, y) {
			t.Fatalf("bin %d: %v after SetRates, %v fresh", bin, x, y)
		}
	}
}
