package fisher

import "math"

// taylor is the Cache's degree-2 Taylor layer: γ_s, ρ2, ρ3 expanded to
// second order around (mu0, v0) from the patch polynomial P, valid in the
// box [muLo, muHi] × [vLo, vHi] (inside the patch) where the remainder bound
// stays within the Taylor share of the error budget (see Cache).
type taylor struct {
	count                int     // functions expanded (1: γ_s; 3: γ_s, ρ2, ρ3); 0: none
	q                    float64 // of the g's bound (count 3)
	mu0, v0              float64 // centre
	muLo, muHi, vLo, vHi float64 // the box
	aspect               float64 // half-height ÷ half-width of the next box (mV² per mV); 0: unset
	d                    [3][6]float64
	// d[a] = f, ∂f/∂μ, ∂f/∂v, ½∂²f/∂μ², ∂²f/∂μ∂v, ½∂²f/∂v² of P at the centre.
}

const (
	// taylorShare is the part of Tol left to the Taylor remainder; patches
	// are fitted to the rest.
	taylorShare = 0.75
	// taylorAspect bounds how far one recentring moves the box's aspect.
	taylorAspect = 4.0
	// taylorSpan bounds the box's half-widths relative to σ and σ².
	taylorSpan = 0.05
)

// covers reports whether the expansion serves count functions at (mu, v)
// (and q, for count 3).
func (t *taylor) covers(mu, v, q float64, count int) bool {
	return t.count >= count && mu >= t.muLo && mu <= t.muHi && v >= t.vLo && v <= t.vHi && (count < 3 || q == t.q)
}

// eval returns the expansion's first count functions at (mu, v).
func (t *taylor) eval(mu, v float64, count int) (f [3]float64) {
	dm, dv := mu-t.mu0, v-t.v0
	for a := range count {
		d := &t.d[a]
		f[a] = d[0] + dm*(d[1]+dm*d[3]+dv*d[4]) + dv*(d[2]+dv*d[5])
	}
	return f
}

// monomial is the expansion of a patch polynomial around a point in the
// patch's unit coordinates: P(t0+x, s0+y) = Σ_pq b[p][q] x^p y^q.
type monomial [cacheNodes][cacheNodes]float64

// shiftedChebyshev returns m with T_k(x0+x) = Σ_p m[k][p] x^p.
func shiftedChebyshev(x0 float64) (m [cacheNodes][cacheNodes]float64) {
	m[0][0], m[1][0], m[1][1] = 1, x0, 1
	for k := 2; k < cacheNodes; k++ {
		for p := 0; p <= k; p++ {
			s := 2*x0*m[k-1][p] - m[k-2][p]
			if p > 0 {
				s += 2 * m[k-1][p-1]
			}
			m[k][p] = s
		}
	}
	return m
}

// expandPatch returns the monomial coefficients of Σ_kl a_kl T_k(t) T_l(s)
// around (t0+x, s0+y) given the shifted bases mt and ms of t0 and s0.
func expandPatch(a *[cacheNodes * cacheNodes]float64, mt, ms *[cacheNodes][cacheNodes]float64) (b monomial) {
	var u [cacheNodes][cacheNodes]float64 // u[k][q] = Σ_l a_kl ms[l][q]
	for k := range cacheNodes {
		for l := range cacheNodes {
			for q := 0; q <= l; q++ {
				u[k][q] += a[k*cacheNodes+l] * ms[l][q]
			}
		}
	}
	for k := range cacheNodes {
		for p := 0; p <= k; p++ {
			for q := range cacheNodes {
				b[p][q] += mt[k][p] * u[k][q]
			}
		}
	}
	return b
}

// remainder bounds |P − T2| at displacement (x, y) in unit coordinates:
// Σ_{p+q≥3} |b_pq| |x|^p |y|^q, the exact remainder's triangle bound.
func (b *monomial) remainder(x, y float64) float64 {
	x, y = math.Abs(x), math.Abs(y)
	r, xp := 0.0, 1.0
	for p := range cacheNodes {
		row, yq := 0.0, 1.0
		for q := range cacheNodes {
			if p+q >= 3 {
				row += math.Abs(b[p][q]) * yq
			}
			yq *= y
		}
		r += row * xp
		xp *= x
	}
	return r
}

// reach returns the largest x ≥ 0 (up to 2, the patch's width) with
// b.remainder(x, aspect·x) ≤ budget, by Newton's method from above on the
// convex increasing polynomial, then stepped down until the bound holds.
func (b *monomial) reach(aspect, budget float64) float64 {
	if !(budget > 0) {
		return 0
	}
	var c [2*cacheNodes - 1]float64 // remainder(x, aspect·x) = Σ_n c[n] x^n
	for p := range cacheNodes {
		for q := range cacheNodes {
			if p+q >= 3 {
				c[p+q] += math.Abs(b[p][q]) * math.Pow(aspect, float64(q))
			}
		}
	}
	x := 2.0
	for n := 3; n < len(c); n++ {
		if c[n] > 0 {
			x = math.Min(x, math.Pow(budget/c[n], 1/float64(n)))
		}
	}
	for range 8 {
		f, df := 0.0, 0.0 // Horner for Σ c_n x^n and its derivative
		for n := len(c) - 1; n >= 0; n-- {
			df = df*x + f
			f = f*x + c[n]
		}
		f -= budget
		if !(f > 0) || !(df > 0) {
			break
		}
		x -= f / df
	}
	for range 4000 {
		if b.remainder(x, aspect*x) <= budget {
			return x
		}
		x *= 0.995
	}
	return 0 // not reached for finite coefficients
}

// recentre expands p's first count functions around (mu, v), a point of p,
// and sets the box where every remainder bound stays within its budget
// (for count 3 that of g1 … g4 with q too).
func (c *Cache) recentre(p *patch, mu, v, q float64, count int) {
	t := &c.taylor
	t0, s0 := (mu-p.mu0)/p.hMu, (v-p.v0)/p.hV
	mt, ms := shiftedChebyshev(t0), shiftedChebyshev(s0)
	var bs [3]monomial
	for a := range count {
		bs[a] = expandPatch(&p.coef[a], &mt, &ms)
	}
	t.adaptAspect(mu, v, p, &bs[0])
	unit := math.Min(math.Max(t.aspect*p.hMu/p.hV, 1/64.0), 64) // the aspect in the patch's unit coordinates
	t.aspect = unit * p.hV / p.hMu
	x := 2.0
	for a := range count {
		b := &bs[a]
		x = math.Min(x, b.reach(unit, c.taylorBudget(p, a)))
		t.d[a] = [6]float64{b[0][0], b[1][0] / p.hMu, b[0][1] / p.hV,
			b[2][0] / (p.hMu * p.hMu), b[1][1] / (p.hMu * p.hV), b[0][2] / (p.hV * p.hV)}
	}
	if count == 3 {
		x = math.Min(x, c.inverseReach(p, &bs, unit, mu, v, q))
	}
	x = math.Min(x, math.Min(taylorSpan*math.Sqrt(v)/p.hMu, taylorSpan*v/(unit*p.hV)))
	t.count, t.q, t.mu0, t.v0 = count, q, mu, v
	t.muLo, t.muHi = math.Max(mu-x*p.hMu, p.mu0-p.hMu), math.Min(mu+x*p.hMu, p.mu0+p.hMu)
	t.vLo, t.vHi = math.Max(v-unit*x*p.hV, p.v0-p.hV), math.Min(v+unit*x*p.hV, p.v0+p.hV)
}

// taylorBudget is the Taylor share of the bound on function a of p, less an
// allowance for rounding (64 ulps of Σ|a_kl|).
func (c *Cache) taylorBudget(p *patch, a int) float64 {
	sum := 0.0
	for _, x := range p.coef[a] {
		sum += math.Abs(x)
	}
	return taylorShare*c.tol*p.scale[a] - 64*epsilon*sum
}

const epsilon = 0x1p-52

// adaptAspect sets the box's aspect for a recentring at (mu, v): the first
// one balances γ_s's pure third-order terms, later ones move it towards the
// direction the operating point left the last box in (at most
// taylorAspect-fold per recentring, geometrically averaged).
func (t *taylor) adaptAspect(mu, v float64, p *patch, b *monomial) {
	if !(t.aspect > 0) || math.IsInf(t.aspect, 0) {
		unit := 1.0
		if b[3][0] != 0 && b[0][3] != 0 {
			unit = math.Min(math.Max(math.Cbrt(math.Abs(b[3][0]/b[0][3])), 1/16.0), 16)
		}
		t.aspect = unit * p.hV / p.hMu
		return
	}
	if t.count == 0 {
		return
	}
	seen := math.Abs(v-t.v0) / math.Abs(mu-t.mu0)
	seen = math.Min(math.Max(seen, t.aspect/taylorAspect), t.aspect*taylorAspect) // NaN → t.aspect/taylorAspect
	t.aspect = math.Sqrt(t.aspect * seen)
}

// inverseReach returns the largest box (in unit coordinates, as reach) on
// which ρ2's and ρ3's remainders, propagated to g1 … g4 to first order with
// a margin taylorMargin for the variation of the derivatives, stay within
// the Taylor share of Tol in cacheError's units (g1, g2 σ, g3 σ, g4 σ²
// relative to |g1| + |g2| σ + |g4| σ²).
func (c *Cache) inverseReach(p *patch, bs *[3]monomial, unit, mu, v, q float64) float64 {
	j2, j3 := inverseSensitivity(bs[1][0][0], bs[2][0][0], mu, v, q)
	x := 2.0
	for i := range j2 {
		if math.IsInf(j2[i], 0) || math.IsInf(j3[i], 0) {
			return 0
		}
		var comb monomial // the remainder of g_i to first order
		for k := range comb {
			for l := range comb[k] {
				comb[k][l] = j2[i]*bs[1][k][l] + j3[i]*bs[2][k][l]
			}
		}
		sum := 0.0
		for k := range p.coef[1] {
			sum += math.Abs(j2[i]*p.coef[1][k]) + math.Abs(j3[i]*p.coef[2][k])
		}
		x = math.Min(x, comb.reach(unit, taylorShare*c.tol-64*epsilon*sum))
	}
	return x
}

// taylorMargin multiplies the first-order propagation of the ρ's
// remainders to the g's (see inverseReach).
const taylorMargin = 1.25

// inverseSensitivity returns taylorMargin ∂g_i/∂ρ_a w_i / (|g1| + |g2| σ +
// |g4| σ²) for i = 1, 2, 4, a = 2, 3 and w = (1, σ, σ²), at ρ2 = r2, ρ3 = r3
// (InverseCoefficients with c1 = 1: g_i = −N_i/Δ, so ∂g_i = −(∂N_i + g_i ∂Δ)/Δ;
// g3 = g2). A non-finite result is +Inf (no Taylor box).
func inverseSensitivity(r2, r3, mu, v, q float64) (j2, j3 [3]float64) {
	m := q*v - mu*mu
	delta := inverseDet(1, r2, r3, mu, v, q)
	g1, g2, _, g4 := InverseCoefficients(1, r2, r3, mu, v, q, 1)
	s := math.Sqrt(v)
	norm := math.Abs(g1) + math.Abs(g2)*s + math.Abs(g4)*s*s
	dDelta2, dDelta3 := 2*mu-2*r2*m, v+m
	g := [3]float64{g1, g2, g4}
	w := [3]float64{1, s, v}
	dN2 := [3]float64{-2 * r2 * v, 1 + 2*r2*mu, -2 * r2 * q}
	dN3 := [3]float64{v, -mu, 1 + q}
	for i := range g {
		f := -taylorMargin * w[i] / (norm * delta)
		j2[i], j3[i] = f*(dN2[i]+g[i]*dDelta2), f*(dN3[i]+g[i]*dDelta3)
		if math.IsNaN(j2[i]) || math.IsNaN(j3[i]) {
			j2[i], j3[i] = math.Inf(1), math.Inf(1)
		}
	}
	return j2, j3
}
