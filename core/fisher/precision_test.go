package fisher

import (
	"math"
	"math/big"
	"testing"
)

// bigG evaluates the closed form of InverseCoefficients in 400-bit arithmetic.
func bigG(c1, c2, c3, mu, v, q float64) [4]float64 {
	prec := uint(400)
	f := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	mul := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(prec).Mul(a, b) }
	add := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(prec).Add(a, b) }
	sub := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(prec).Sub(a, b) }
	quo := func(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(prec).Quo(a, b) }
	C1, C2, C3, M, V, Q := f(c1), f(c2), f(c3), f(mu), f(v), f(q)
	detC := sub(mul(C1, C3), mul(C2, C2))
	detM := sub(mul(Q, V), mul(M, M))
	tr := add(add(mul(Q, C1), mul(f(2), mul(M, C2))), mul(V, C3))
	delta := add(add(mul(C1, C1), mul(C1, tr)), mul(detM, detC))
	g1 := quo(add(mul(C1, C1), mul(detC, V)), delta)
	g2 := quo(sub(mul(C1, C2), mul(detC, M)), delta)
	g4 := quo(add(mul(C1, C3), mul(detC, Q)), delta)
	a, _ := g1.Float64()
	b, _ := g2.Float64()
	d, _ := g4.Float64()
	return [4]float64{-a, -b, -b, -d}
}

// TestInverseCoefficientsAreAccurateToRounding compares both float64
// evaluations of g1 … g4 with a 400-bit evaluation at realistic operating
// points: the closed form stays within 1e-12 (relative to max|g|), and is the
// more accurate of the two.
func TestInverseCoefficientsAreAccurateToRounding(t *testing.T) {
	var closed, paper float64
	for _, c := range coefficientSamples(t, 500) {
		g1, g2, g3, g4 := InverseCoefficients(c.C1, c.C2, c.C3, c.Mu, c.Var, c.Q, 1)
		p1, p2, p3, p4 := InverseCoefficientsPaper(c.C1, c.C2, c.C3, c.Mu, c.Var, c.Q)
		ex := bigG(c.C1, c.C2, c.C3, c.Mu, c.Var, c.Q)
		sc := gScale(ex[0], ex[1], ex[3])
		for i, g := range []float64{g1, g2, g3, g4} {
			closed = math.Max(closed, math.Abs(g-ex[i])/sc)
		}
		for i, g := range []float64{p1, p2, p3, p4} {
			paper = math.Max(paper, math.Abs(g-ex[i])/sc)
		}
	}
	t.Logf("worst error vs 400-bit: closed form %.1e, paper formulas %.1e", closed, paper)
	if !(closed <= 1e-12) {
		t.Errorf("closed form off by %.1e relative", closed)
	}
}
