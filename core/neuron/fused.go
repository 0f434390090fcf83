package neuron

import "github.com/natspike/natspike/internal/vmath"

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
	z := s.Beta * (v - s.Theta)
	var sig, comp float64 // σ(z), σ(−z)
	if z >= 0 {
		e := vmath.Exp(-z)
		sig, comp = 1/(1+e), e/(1+e)
	} else {
		e := vmath.Exp(z)
		sig, comp = e/(1+e), 1/(1+e)
	}
	return s.PhiMax * sig, s.Beta * comp
}

// MaxRate returns φ_max: σ ≤ 1 in floating point (1/(1+e) and e/(1+e) with
// e ≥ 0), so φ_max·σ ≤ φ_max.
func (s Sigmoid) MaxRate() float64 { return s.PhiMax }
