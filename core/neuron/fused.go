package neuron

import (
	"math"

	"github.com/natspike/natspike/internal/vmath"
)

// RateScorer is implemented by transfer functions that compute φ(V) and
// the score factor φ'(V)/φ(V) together, bit for bit equal to Phi and
// ScoreFactor but cheaper. The learning rules need both in every bin.
type RateScorer interface {
	PhiAndScore(v float64) (phi, score float64)
}

// Bounded is implemented by transfer functions with a finite largest rate:
// Phi(v) ≤ MaxRate() for every v, also after rounding, so that
// Phi(v)·dt ≤ MaxRate()·dt in floating point.
type Bounded interface {
	MaxRate() float64
}

// PhiAndScore returns φ(V) and φ'/φ with one exponential: σ(z) and
// σ(−z) = 1 − σ(z) share e^{−|z|}, and each is formed by the expression
// logistic uses in its branch, so both equal Phi and ScoreFactor exactly.
func (s Sigmoid) PhiAndScore(v float64) (phi, score float64) {
	return s.PhiAndScoreOf(v, vmath.Exp(s.Exponent(v)))
}

// Exponent returns −|z|, z = β(V − θ), the argument of PhiAndScore's one
// exponential, for a caller that evaluates the exponentials of many
// potentials together (vmath.ExpSlice) and passes each to PhiAndScoreOf.
// (−|z| is logistic's argument in either branch: −z for z ≥ 0, z below.)
func (s Sigmoid) Exponent(v float64) float64 { return -math.Abs(s.Beta * (v - s.Theta)) }

// PhiAndScoreOf is PhiAndScore(v) given e = e^{Exponent(v)}.
func (s Sigmoid) PhiAndScoreOf(v, e float64) (phi, score float64) {
	var sig, comp float64 // σ(z), σ(−z)
	if s.Beta*(v-s.Theta) >= 0 {
		sig, comp = 1/(1+e), e/(1+e)
	} else {
		sig, comp = e/(1+e), 1/(1+e)
	}
	return s.PhiMax * sig, s.Beta * comp
}

// MaxRate returns φ_max: σ ≤ 1 in floating point (1/(1+e) and e/(1+e) with
// e ≥ 0), so φ_max·σ ≤ φ_max.
func (s Sigmoid) MaxRate() float64 { return s.PhiMax }
