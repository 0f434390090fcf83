package fisher

import "gonum.org/v1/gonum/integrate/quad"

// ruleOrder is the number of Gauss–Legendre nodes per panel. A 24-point rule
// integrates a Gaussian over 9σ, or an analytic function over three times
// the distance to its nearest complex singularity, to ~1e-14; a few panels
// cover a typical window (48 nodes at μ = 0, σ² = 4 for the paper's φ).
const ruleOrder = 24

// legendre holds the ruleOrder-point Gauss–Legendre rule on [−1, 1]; it is
// computed once and only read afterwards.
var legendre = newLegendreRule(ruleOrder)

type legendreRule struct {
	x, w [ruleOrder]float64
}

func newLegendreRule(n int) legendreRule {
	var r legendreRule
	quad.Legendre{}.FixedLocations(r.x[:n], r.w[:n], -1, 1)
	return r
}

// sums accumulates Σ w·f·g·(1, u, u², …) over quadrature nodes; the
// meaning of a … d depends on the kernel.
type sums struct {
	s0, s1, s2 float64
	a, b, c, d float64
	onlyS0     bool // accumulate s0 alone
}
