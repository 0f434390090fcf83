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

	// served counts the evaluations since the last recentring; after one
	// that served fewer than taylorMinServed, the patch itself serves the
	// next skip points outside the box (backoff: 16, 32, … 1024).
	served, skip, backoff int
	// gen counts the changes of the box or the expansion (InverseLanes'
	// mirrors follow it).
	gen uint64
}

const (
	// taylorShare is the part of Tol left to the Taylor remainder; patches
	// are fitted to the rest.
	taylorShare = 0.5
	// taylorAspect bounds how far one recentring moves the box's aspect.
	taylorAspect = 4.0
	// taylorSpan bounds the box's half-widths relative to σ and σ².
	taylorSpan = 0.05
	// taylorMinServed is about the cost of a recentring in evaluations of a
	// patch; taylorMaxBackoff bounds the patch's turns.
	taylorMinServed, taylorMaxBackoff = 8, 1024
)

// covers reports whether the expansion serves count functions at (mu, v)
// (and q, for count 3).
func (t *taylor) covers(mu, v, q float64, count int) bool {
	return t.count >= count && mu >= t.muLo && mu <= t.muHi && v >= t.vLo && v <= t.vHi && (count < 3 || q == t.q)
}

// boxValid reports what covers relies on: a box within finite bounds at
// positive σ² and, for count 3, a q that checkCoefficientArgs accepts, so
// that a point the box covers has valid arguments but possibly eps0.
// Every recentring sets such a box; SetState drops a restored one that is not.
func (t *taylor) boxValid() bool {
	finiteBox := t.muLo-t.muLo == 0 && t.muHi-t.muHi == 0 && t.vHi-t.vHi == 0
	return finiteBox && t.vLo > 0 && (t.count < 3 || positiveOK(t.q))
}

// eval sets f's first count entries (1 or 3) to the expansion's functions
// at (mu, v).
func (t *taylor) eval(f *[3]float64, mu, v float64, count int) {
	if count == 3 {
		f[0], f[1], f[2] = t.eval3(mu, v)
		return
	}
	f[0] = t.eval1(mu, v)
}

// eval1 returns the expansion's γ_s at (mu, v).
func (t *taylor) eval1(mu, v float64) float64 {
	return quadratic(&t.d[0], mu-t.mu0, v-t.v0)
}

// eval3 returns the expansion's three functions at (mu, v), the per-bin call.
func (t *taylor) eval3(mu, v float64) (gs, r2, r3 float64) {
	dm, dv := mu-t.mu0, v-t.v0
	return quadratic(&t.d[0], dm, dv), quadratic(&t.d[1], dm, dv), quadratic(&t.d[2], dm, dv)
}

// quadratic evaluates one function's expansion d at displacement (dm, dv).
func quadratic(d *[6]float64, dm, dv float64) float64 {
	return d[0] + dm*(d[1]+dm*d[3]+dv*d[4]) + dv*(d[2]+dv*d[5])
}

// expansion holds, for one function, the Taylor coefficients of a patch
// polynomial at a point in the patch's unit coordinates to third order,
// b[p][q] = ∂_t^p ∂_s^q P / (p! q!) for p + q ≤ 3.
type expansion [4][4]float64

// quartic holds bounds of |∂_t^p ∂_s^(4−p) P| / (p! (4−p)!) over the whole
// patch, p = 0 … 4, for one function.
type quartic [5]float64

// shiftedChebyshev returns m with T_k(x0+x) = Σ_p m[k][p] x^p, i.e.
// m[k][p] = T_k^(p)(x0) / p!, for p ≤ 3.
func shiftedChebyshev(x0 float64) (m [cacheNodes][4]float64) {
	m[0][0], m[1][0], m[1][1] = 1, x0, 1
	for k := 2; k < cacheNodes; k++ {
		for p := range 4 {
			s := 2*x0*m[k-1][p] - m[k-2][p]
			if p > 0 {
				s += 2 * m[k-1][p-1]
			}
			m[k][p] = s
		}
	}
	return m
}

// expand returns the third-order Taylor coefficients of Σ_kl a_kl T_k(t) T_l(s)
// at the point whose shifted bases are mt and ms.
func expand(a *[cacheNodes * cacheNodes]float64, mt, ms *[cacheNodes][4]float64) (b expansion) {
	var u [4][cacheNodes]float64 // u[q][k] = Σ_l a_kl ms[l][q]
	for k := range cacheNodes {
		row := (*[cacheNodes]float64)(a[k*cacheNodes : (k+1)*cacheNodes])
		var s0, s1, s2, s3 float64
		for l, x := range row {
			m := &ms[l]
			s0, s1, s2, s3 = s0+x*m[0], s1+x*m[1], s2+x*m[2], s3+x*m[3]
		}
		u[0][k], u[1][k], u[2][k], u[3][k] = s0, s1, s2, s3
	}
	for p := range 4 {
		for q := range 4 - p {
			s := 0.0
			for k := range cacheNodes {
				s += mt[k][p] * u[q][k]
			}
			b[p][q] = s
		}
	}
	return b
}

// chebyshevDerivative returns the coefficients of d/dx Σ_k c_k T_k(x) in
// the same basis.
func chebyshevDerivative(c [cacheNodes]float64) (d [cacheNodes]float64) {
	for k := cacheNodes - 2; k >= 0; k-- {
		d[k] = 2 * float64(k+1) * c[k+1]
		if k+2 < cacheNodes {
			d[k] += d[k+2]
		}
	}
	d[0] /= 2
	return d
}

// quarticBounds returns the quartic bounds of Σ_kl a_kl T_k(t) T_l(s):
// the Chebyshev coefficients of ∂_t^p ∂_s^q P, summed in absolute value,
// bound it on [−1, 1]² because |T_k| ≤ 1 there.
func quarticBounds(a *[cacheNodes * cacheNodes]float64) (m quartic) {
	var d [cacheNodes][cacheNodes]float64
	for p := range 5 {
		for k := range cacheNodes {
			copy(d[k][:], a[k*cacheNodes:(k+1)*cacheNodes])
		}
		for range p { // ∂_t: along k, for every l
			for l := range cacheNodes {
				var col [cacheNodes]float64
				for k := range cacheNodes {
					col[k] = d[k][l]
				}
				col = chebyshevDerivative(col)
				for k := range cacheNodes {
					d[k][l] = col[k]
				}
			}
		}
		for range 4 - p { // ∂_s: along l
			for k := range cacheNodes {
				d[k] = chebyshevDerivative(d[k])
			}
		}
		s := 0.0
		for k := range cacheNodes {
			for _, x := range d[k] {
				s += math.Abs(x)
			}
		}
		m[p] = s / float64(factorial[p]*factorial[4-p])
	}
	return m
}

var factorial = [5]int{1, 1, 2, 6, 24}

// remainder bounds |P − T2| at displacement (x, y) in unit coordinates
// within the patch: the third-order terms exactly, the rest by Taylor's
// theorem with the quartic bounds (Lagrange form).
func remainder(b *expansion, m *quartic, x, y float64) float64 {
	x, y = math.Abs(x), math.Abs(y)
	cubic := math.Abs(b[3][0])*x*x*x + math.Abs(b[2][1])*x*x*y + math.Abs(b[1][2])*x*y*y + math.Abs(b[0][3])*y*y*y
	quart := 0.0
	for p := range 5 {
		quart += m[p] * math.Pow(x, float64(p)) * math.Pow(y, float64(4-p))
	}
	return cubic + quart
}

// reach returns the largest x ≥ 0 (up to 2, the patch's width) with
// remainder(b, m, x, aspect·x) ≤ budget (up to 0.1 % below it): Newton's
// method from above on c3 x³ + c4 x⁴, then stepped down until the bound
// holds.
func reach(b *expansion, m *quartic, aspect, budget float64) float64 {
	if !(budget > 0) {
		return 0
	}
	a2 := aspect * aspect
	c3 := math.Abs(b[3][0]) + math.Abs(b[2][1])*aspect + math.Abs(b[1][2])*a2 + math.Abs(b[0][3])*a2*aspect
	c4, ap := 0.0, 1.0
	for p := 4; p >= 0; p-- {
		c4 += m[p] * ap
		ap *= aspect
	}
	x := 2.0
	if c3 > 0 {
		x = math.Min(x, math.Cbrt(budget/c3))
	}
	if c4 > 0 {
		x = math.Min(x, math.Sqrt(math.Sqrt(budget/c4)))
	}
	for range 30 {
		f, df := x*x*x*(c3+c4*x)-budget, x*x*(3*c3+4*c4*x)
		step := f / df
		if !(step > 1e-4*x) {
			break
		}
		x -= step
	}
	for range 2000 {
		if x*x*x*(c3+c4*x) <= budget {
			return x
		}
		x *= 0.999
	}
	return 0 // not reached for finite coefficients
}

// worthRecentring decides, at a point outside the box, between recentring
// (true) and evaluating the patch: where the operating point moves so fast
// that expansions serve fewer than taylorMinServed evaluations, the patch
// serves the next 16, 32, … taylorMaxBackoff such points.
func (t *taylor) worthRecentring() bool {
	switch {
	case t.skip > 0:
		t.skip--
		return false
	case t.count > 0 && t.served < taylorMinServed:
		t.backoff = min(max(2*t.backoff, 16), taylorMaxBackoff)
		t.skip, t.count = t.backoff, 0
		t.gen++
		return false
	case t.count > 0:
		t.backoff = 0
	}
	t.served = 0
	return true
}

// recentre expands p's first count functions around (mu, v), a point of p,
// and sets the box where every remainder bound stays within its budget
// (for count 3 that of g1 … g4 with q too).
func (c *Cache) recentre(p *patch, mu, v, q float64, count int) {
	t := &c.taylor
	t0, s0 := (mu-p.mu0)/p.hMu, (v-p.v0)/p.hV
	mt, ms := shiftedChebyshev(t0), shiftedChebyshev(s0)
	var bs [3]expansion
	for a := range count {
		bs[a] = expand(&p.coef[a], &mt, &ms)
	}
	t.adaptAspect(mu, v, p, &bs[0])
	unit := math.Min(math.Max(t.aspect*p.hMu/p.hV, 1/64.0), 64) // the aspect in the patch's unit coordinates
	t.aspect = unit * p.hV / p.hMu
	x := 2.0
	for a := range count {
		b := &bs[a]
		x = math.Min(x, reach(b, &p.quartic[a], unit, c.taylorBudget(p, a)))
		t.d[a] = [6]float64{b[0][0], b[1][0] / p.hMu, b[0][1] / p.hV,
			b[2][0] / (p.hMu * p.hMu), b[1][1] / (p.hMu * p.hV), b[0][2] / (p.hV * p.hV)}
	}
	if count == 3 {
		x = math.Min(x, c.inverseReach(p, &bs, unit, mu, v, q))
	}
	x = math.Min(x, math.Min(taylorSpan*math.Sqrt(v)/p.hMu, taylorSpan*v/(unit*p.hV)))
	t.count, t.q, t.mu0, t.v0 = count, q, mu, v
	t.gen++
	t.muLo, t.muHi = math.Max(mu-x*p.hMu, p.mu0-p.hMu), math.Min(mu+x*p.hMu, p.mu0+p.hMu)
	t.vLo, t.vHi = math.Max(v-unit*x*p.hV, p.v0-p.hV), math.Min(v+unit*x*p.hV, p.v0+p.hV)
}

// taylorBudget is the Taylor share of the bound on function a of p, less an
// allowance for rounding (64 ulps of Σ|a_kl|).
func (c *Cache) taylorBudget(p *patch, a int) float64 {
	return taylorShare*c.tol*p.scale[a] - 64*epsilon*p.absSum[a]
}

const epsilon = 0x1p-52

// adaptAspect sets the box's aspect for a recentring at (mu, v): the first
// one balances γ_s's pure third-order terms, later ones move it towards the
// direction the operating point left the last box in (at most
// taylorAspect-fold per recentring, geometrically averaged).
func (t *taylor) adaptAspect(mu, v float64, p *patch, b *expansion) {
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
	seen := math.Abs(v-t.v0) / math.Abs(mu-t.mu0) // +Inf for a move in v alone
	if math.IsNaN(seen) {
		return // no move (the layer is recentred for another count or q)
	}
	seen = math.Min(math.Max(seen, t.aspect/taylorAspect), t.aspect*taylorAspect)
	t.aspect = math.Sqrt(t.aspect * seen)
}

// inverseReach returns the largest box (in unit coordinates, as reach) on
// which ρ2's and ρ3's remainders, propagated to g1 … g4 to first order with
// a margin taylorMargin for the variation of the derivatives, stay within
// the Taylor share of Tol in cacheError's units (g1, g2 σ, g3 σ, g4 σ²
// relative to |g1| + |g2| σ + |g4| σ²).
func (c *Cache) inverseReach(p *patch, bs *[3]expansion, unit, mu, v, q float64) float64 {
	j2, j3 := inverseSensitivity(bs[1][0][0], bs[2][0][0], mu, v, q)
	x := 2.0
	for i := range j2 {
		if math.IsInf(j2[i], 0) || math.IsInf(j3[i], 0) {
			return 0
		}
		var b expansion // g_i's remainder to first order
		for k := range b {
			for l := range b[k] {
				b[k][l] = j2[i]*bs[1][k][l] + j3[i]*bs[2][k][l]
			}
		}
		var m quartic
		for k := range m {
			m[k] = math.Abs(j2[i])*p.quartic[1][k] + math.Abs(j3[i])*p.quartic[2][k]
		}
		sum := math.Abs(j2[i])*p.absSum[1] + math.Abs(j3[i])*p.absSum[2]
		x = math.Min(x, reach(&b, &m, unit, taylorShare*c.tol-64*epsilon*sum))
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
