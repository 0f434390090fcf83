package fisher

import (
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// inner returns aᵀ g b, or a·b when g is nil. It panics on length mismatches.
func inner(g mat.Symmetric, a, b []float64) float64 {
	if g == nil {
		checkLen("b", b, len(a))
		return floats.Dot(a, b)
	}
	n := g.SymmetricDim()
	checkLen("a", a, n)
	checkLen("b", b, n)
	if n == 0 {
		return 0
	}
	return mat.Inner(mat.NewVecDense(n, a), g, mat.NewVecDense(n, b))
}

// Norm returns the length √(aᵀ G a) of a in the Fisher metric g (e.g. from
// Matrix, Eqn 81), or the Euclidean length when g is nil. It is NaN if g is
// indefinite along a.
func Norm(g mat.Symmetric, a []float64) float64 {
	return math.Sqrt(inner(g, a, a))
}

// Angle returns the angle (radians, in [0, π]) between a and b in the metric
// g, arccos(aᵀGb / √(aᵀGa · bᵀGb)), or the Euclidean angle when g is nil —
// the measure of Fig 12A–B. It evaluates the equivalent, well-conditioned
// 2·atan2(‖â − b̂‖, ‖â + b̂‖) of the normalised vectors â = a/‖a‖, b̂ = b/‖b‖,
// so small angles are accurate and Angle(g, a, a) = 0 exactly; this
// allocates two vectors of length n. It is NaN if a or b has zero length.
func Angle(g mat.Symmetric, a, b []float64) float64 {
	checkLen("b", b, len(a))
	na, nb := Norm(g, a), Norm(g, b)
	if !(na > 0 && nb > 0) {
		return math.NaN()
	}
	diff := make([]float64, len(a))
	sum := make([]float64, len(a))
	for i := range a {
		x, y := a[i]/na, b[i]/nb
		diff[i], sum[i] = x-y, x+y
	}
	d := math.Sqrt(math.Max(0, inner(g, diff, diff)))
	s := math.Sqrt(math.Max(0, inner(g, sum, sum)))
	return 2 * math.Atan2(d, s)
}
