package fisher

// inverseDet returns Δ = det(c1 I + M C) for C = [[c1, c2], [c2, c3]] and
// M = [[q, μ], [μ, σ²]] (Eqns 83–106). Δ/c1² = det(G)/det(c1 Σ_usp) for the
// matrix G of Eqn 81, so Δ > 0 whenever G is positive definite.
func inverseDet(c1, c2, c3, mu, variance, q float64) float64 {
	detC := c1*c3 - c2*c2
	detM := q*variance - mu*mu
	return c1*c1 + c1*(q*c1+2*mu*c2+variance*c3) + detM*detC
}

// InverseCoefficients returns g1 … g4 of the inverse Fisher matrix
// (Eqns 101–105) by the closed 2×2 form (the Woodbury identity
// applied to Eqn 81): with C' = [[c1 ε0², c2 ε0], [c2 ε0, c3]] and
// M' = [[q/ε0², μ/ε0], [μ/ε0, σ²]],
//
//	[[ε0² g1, ε0 g3], [ε0 g2, g4]] = −C' (c1 I + M' C')⁻¹.
//
// Because C'(c1 I + M'C')⁻¹ = D C (c1 I + M C)⁻¹ D with D = diag(ε0, 1), the
// ε0 factors cancel and, using adj(c1 I + M C) = c1 I + adj(C) adj(M),
//
//	g1 = −(c1² + det C σ²)/Δ,  g2 = g3 = −(c1 c2 − det C μ)/Δ,  g4 = −(c1 c3 + det C q)/Δ,
//	Δ = c1² + c1 (q c1 + 2 μ c2 + σ² c3) + (q σ² − μ²)(c1 c3 − c2²).
//
// This is exactly symmetric (g2 = g3), independent of eps0 (which is accepted
// for symmetry with Engine.Coefficients), and finite for singular C, e.g.
// c1 = 1, c2 = c3 = 0 gives g1 = −1/(q+1), g2 = g3 = g4 = 0 (Eqns 120–124).
// The g's are invariant under C → λC, so they are evaluated with c1 = 1,
// c2/c1, c3/c1, which keeps tiny c1 (voltage far in a tail of φ) from
// underflowing. The result is ±Inf or NaN when Δ ≤ 0, which needs μ² > q σ²
// (no weights and rates produce that, Eqn 85).
func InverseCoefficients(c1, c2, c3, mu, variance, q, eps0 float64) (g1, g2, g3, g4 float64) {
	_ = eps0 // cancels exactly, see above
	g1, g2, g4, _ = inverseOfRatios(c2/c1, c3/c1, mu, variance, q)
	return g1, g2, g2, g4
}

// inverseOfRatios is InverseCoefficients at c1 = 1, c2 = r2, c3 = r3 (g3 =
// g2), with Δ = inverseDet(1, r2, r3, …), which is > 0 and finite where the
// g's are valid.
func inverseOfRatios(r2, r3, mu, variance, q float64) (g1, g2, g4, delta float64) {
	delta = inverseDet(1, r2, r3, mu, variance, q)
	g1, g2, g4 = ratioInverse(r2, r3, mu, variance, q, delta)
	return g1, g2, g4, delta
}

// ratioInverse is inverseOfRatios given its Δ = delta (small enough to be
// inlined into the per-bin Cache.InverseInto).
func ratioInverse(r2, r3, mu, variance, q, delta float64) (g1, g2, g4 float64) {
	detC := r3 - r2*r2
	return -(1 + detC*variance) / delta, -(r2 - detC*mu) / delta, -(r3 + detC*q) / delta
}

// InverseCoefficientsPaper returns g1 … g4 (ε0 = 1) by the paper's two
// Sherman–Morrison steps, written independently of InverseCoefficients:
//
//	k1 = c1⁻¹ [c1 (q+1) + c2 μ]⁻¹                                           (Eqn 88)
//	k2 = [1 + c1⁻¹ (c2 μ + c3 σ²) − k1 A B]⁻¹,  A = c1 μ + c2 σ², B = c2 q + c3 μ  (Eqn 91)
//	g1 = c1 (−k1 c1 + k1 k2 c1⁻¹ c2 A − k1² k2 c1 A B)                         (Eqn 102)
//	g2 = c1 (−k1 c2 + k1 k2 c1⁻¹ c3 A − k1² k2 c2 A B)                         (Eqn 103)
//	g3 = c1 (k1 k2 B − k2 c1⁻² c2)                                            (Eqn 104)
//	g4 = c1 (k1 k2 c1⁻¹ c2 B − k2 c1⁻² c3)                                    (Eqn 105)
//
// It is kept as an executable cross-check of Eqns 88–105 (g2 = g3 holds only
// up to rounding here).
func InverseCoefficientsPaper(c1, c2, c3, mu, variance, q float64) (g1, g2, g3, g4 float64) {
	a := c1*mu + c2*variance
	b := c2*q + c3*mu
	k1 := 1 / (c1 * (c1*(q+1) + c2*mu))
	k2 := 1 / (1 + (c2*mu+c3*variance)/c1 - k1*a*b)
	g1 = c1 * (-k1*c1 + k1*k2*c2*a/c1 - k1*k1*k2*c1*a*b)
	g2 = c1 * (-k1*c2 + k1*k2*c3*a/c1 - k1*k1*k2*c2*a*b)
	g3 = c1 * (k1*k2*b - k2*c2/(c1*c1))
	g4 = c1 * (k1*k2*c2*b/c1 - k2*c3/(c1*c1))
	return g1, g2, g3, g4
}

// GammaU returns the uniform heterosynaptic factor of Eqn 108,
// γ_u = −c_ε ε0 (c_ε ε0 g1 Σ_i x_i^ε + g3 V), for the USP sum sumX = Σ_i x_i^ε,
// the potential v = V (mV), c_ε (s) and ε0.
func (c *Coefficients) GammaU(sumX, v, cEps, eps0 float64) float64 {
	return -cEps * eps0 * (cEps*eps0*c.G1*sumX + c.G3*v)
}

// GammaW returns the weight-proportional heterosynaptic factor of Eqn 109,
// γ_w = c_ε ε0 g2 Σ_i x_i^ε + g4 V.
func (c *Coefficients) GammaW(sumX, v, cEps, eps0 float64) float64 {
	return cEps*eps0*c.G2*sumX + c.G4*v
}
