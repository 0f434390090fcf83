package counter

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/natspike/natspike/core/seed"
)

const draws = 1_000_000

// corrBound is 5 standard errors of a sample correlation of independent
// sequences of length draws.
var corrBound = 5 / math.Sqrt(draws)

func TestMixIsSplitMix64(t *testing.T) {
	// The published SplitMix64 generator seeded with 0 outputs
	// 0xe220a8397b1dcdaf and then 0x6e789e6aa1b965f4.
	if got := Mix(0); got != 0xe220a8397b1dcdaf {
		t.Fatalf("Mix(0) = %#x, want 0xe220a8397b1dcdaf", got)
	}
	if got := Mix(golden); got != 0x6e789e6aa1b965f4 {
		t.Fatalf("Mix(γ) = %#x, want 0x6e789e6aa1b965f4", got)
	}
}

func sample(k Key, offset uint64) []float64 {
	u := make([]float64, draws)
	for i := range u {
		u[i] = k.Float64(offset + uint64(i))
	}
	return u
}

// TestUniformChiSquare: 1000 equal cells, 999 degrees of freedom; the
// 10^−4 and 1 − 10^−4 quantiles of χ²_999 are ≈ 841 and ≈ 1174 (Wilson–Hilferty).
func TestUniformChiSquare(t *testing.T) {
	u := sample(NewKey(1, 0, seed.Inputs), 0)
	const cells = 1000
	counts := make([]float64, cells)
	for _, x := range u {
		if !(x >= 0 && x < 1) {
			t.Fatalf("Float64 = %v outside [0, 1)", x)
		}
		counts[int(x*cells)]++
	}
	chi := 0.0
	want := float64(draws) / cells
	for _, c := range counts {
		chi += (c - want) * (c - want) / want
	}
	if chi < 841 || chi > 1174 {
		t.Fatalf("χ² = %.1f over %d cells, want in [841, 1174]", chi, cells)
	}
}

// TestUniformKS: √N·D of the Kolmogorov–Smirnov test is below 2.25
// (P ≈ 8e−5 under uniformity).
func TestUniformKS(t *testing.T) {
	u := sample(NewKey(2, 3, seed.Teacher), 1<<40)
	slices.Sort(u)
	d := 0.0
	for i, x := range u {
		d = math.Max(d, math.Max(float64(i+1)/draws-x, x-float64(i)/draws))
	}
	if s := d * math.Sqrt(draws); s > 2.25 {
		t.Fatalf("√N·D = %.3f, want < 2.25", s)
	}
}

func correlation(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	return sab / math.Sqrt(saa*sbb)
}

func TestLagCorrelations(t *testing.T) {
	u := sample(NewKey(3, 7, seed.Inputs), 0)
	for lag := 1; lag <= 16; lag++ {
		if r := correlation(u[:draws-lag], u[lag:]); math.Abs(r) > corrBound {
			t.Errorf("lag %d: correlation %.2g, want |ρ| < %.2g", lag, r, corrBound)
		}
	}
}

// TestCrossStreamCorrelations compares streams that differ by one in the
// trial, the purpose or the root seed, at the same positions.
func TestCrossStreamCorrelations(t *testing.T) {
	base := sample(NewKey(10, 20, seed.Inputs), 0)
	for name, k := range map[string]Key{
		"trial+1":    NewKey(10, 21, seed.Inputs),
		"purpose+1":  NewKey(10, 20, seed.Teacher),
		"root+1":     NewKey(11, 20, seed.Inputs),
		"root^trial": NewKey(20, 10, seed.Inputs),
		"neuron 1":   NewNeuronKey(10, 20, seed.Inputs, 1),
		"neuron 2":   NewNeuronKey(10, 20, seed.Inputs, 2),
	} {
		if r := correlation(base, sample(k, 0)); math.Abs(r) > corrBound {
			t.Errorf("%s: correlation %.2g, want |ρ| < %.2g", name, r, corrBound)
		}
	}
}

// TestNeuronZeroIsTheTrialKey: neuron 0 of a layer draws the single
// neuron's stream.
func TestNeuronZeroIsTheTrialKey(t *testing.T) {
	if NewNeuronKey(3, 4, seed.Teacher, 0) != NewKey(3, 4, seed.Teacher) {
		t.Fatal("neuron 0's key differs from the trial's")
	}
	if NewNeuronKey(3, 4, seed.Teacher, 1) == NewNeuronKey(3, 4, seed.Teacher, 2) {
		t.Fatal("neurons 1 and 2 share a key")
	}
}

// TestOverlappingWeylSequences: two streams whose first-round keys differ
// by exactly γ would give SplitMix64 sequences shifted by one position; the
// second keyed round must decorrelate them.
func TestOverlappingWeylSequences(t *testing.T) {
	k1 := NewKey(5, 5, seed.Inputs)
	k2 := Key{a: k1.a + golden, b: Mix(k1.b)}
	a, b := sample(k1, 1), sample(k2, 0)
	if r := correlation(a, b); math.Abs(r) > corrBound {
		t.Fatalf("shifted Weyl sequences: correlation %.2g, want |ρ| < %.2g", r, corrBound)
	}
}

// TestBelowUniform: χ² over 7 values (6 degrees of freedom, 10^−4 quantile
// 27.9).
func TestBelowUniform(t *testing.T) {
	k := NewKey(4, 0, seed.Inputs)
	var counts [7]float64
	for c := uint64(0); c < draws; c++ {
		v := k.Below(c, 7)
		if v >= 7 {
			t.Fatalf("Below(·, 7) = %d", v)
		}
		counts[v]++
	}
	chi, want := 0.0, float64(draws)/7
	for _, c := range counts {
		chi += (c - want) * (c - want) / want
	}
	if chi > 27.9 {
		t.Fatalf("χ² = %.2f over 7 values, want < 27.9", chi)
	}
}

// TestPureFunction: values do not depend on the order of evaluation.
func TestPureFunction(t *testing.T) {
	k := NewKey(9, 9, seed.Inputs)
	fwd := make([]uint64, 1000)
	for c := range fwd {
		fwd[c] = k.Uint64(uint64(c))
	}
	for c := len(fwd) - 1; c >= 0; c-- {
		if NewKey(9, 9, seed.Inputs).Uint64(uint64(c)) != fwd[c] {
			t.Fatalf("position %d differs when evaluated backwards", c)
		}
	}
}

// TestStreamMatchesPositions: a *rand.Rand over Key.Stream draws exactly
// Float64 at successive positions.
func TestStreamMatchesPositions(t *testing.T) {
	k := NewKey(3, 1, seed.Teacher)
	r := rand.New(k.Stream(100))
	for c := uint64(100); c < 1100; c++ {
		if got, want := r.Float64(), k.Float64(c); got != want {
			t.Fatalf("position %d: rand.Float64 %v, Key.Float64 %v", c, got, want)
		}
	}
}
