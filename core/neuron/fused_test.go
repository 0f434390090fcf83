package neuron

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/internal/vmath"
)

// TestPhiAndScoreIsBitIdenticalToPhiAndScoreFactor over the whole range of
// the argument: both tails, zero, the branch point and non-finite values;
// also with the exponentials evaluated together (vmath.ExpSlice, whose
// AVX2 kernel takes groups of four) and passed to PhiAndScoreOf.
func TestPhiAndScoreIsBitIdenticalToPhiAndScoreFactor(t *testing.T) {
	s := Sigmoid{PhiMax: 100, Beta: 0.3, Theta: 10}
	vs := []float64{0, 10, math.Nextafter(10, 11), math.Nextafter(10, 9), -1e308, 1e308, math.Inf(1), math.Inf(-1), math.NaN(), -2500, 2500}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		vs = append(vs, 10+rng.NormFloat64()*math.Pow(10, 4*rng.Float64()-2))
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	exps := make([]float64, len(vs))
	for i, v := range vs {
		exps[i] = s.Exponent(v)
	}
	vmath.ExpSlice(exps, exps)
	for i, v := range vs {
		phi, score := s.PhiAndScore(v)
		if !same(phi, s.Phi(v)) || !same(score, s.ScoreFactor(v)) {
			t.Fatalf("V = %v: PhiAndScore = (%v, %v), Phi, ScoreFactor = (%v, %v)", v, phi, score, s.Phi(v), s.ScoreFactor(v))
		}
		if bp, bs := s.PhiAndScoreOf(v, exps[i]); !same(bp, phi) || !same(bs, score) {
			t.Fatalf("V = %v: PhiAndScoreOf with ExpSlice = (%v, %v), PhiAndScore = (%v, %v)", v, bp, bs, phi, score)
		}
		if phi > s.MaxRate() || phi*5e-4 > s.MaxRate()*5e-4 {
			t.Fatalf("V = %v: φ = %v above MaxRate %v", v, phi, s.MaxRate())
		}
	}
}
