package fisher

import (
	"errors"
	"math"
)

// Cache evaluates the Fisher coefficients of one Engine by interpolation
// under an error bound. During learning the operating point (μ_V, σ_V²)
// moves by a small fraction of σ_V per bin, so a Cache covers the
// neighbourhood of the current point with a patch: a box
// [μ0 ± hμ] × [v0 ± hv] on which γ_s = 1/c1, ρ2 = c2/c1 and ρ3 = c3/c1
// (Eqn 82) are tensor Chebyshev interpolants of degree cacheDegree,
// fitted from quadrature at the Chebyshev nodes. g1 … g4 follow exactly from
// ρ2, ρ3 (InverseCoefficients is invariant under C → λC).
//
// A patch is accepted only if (a) the Chebyshev coefficients of the two
// highest degrees in either variable sum to at most ½ Tol times the scale of
// each function and (b) the interpolants agree with direct quadrature to
// ½ Tol at cacheChecks points off the nodes. The scales are min |γ_s| (so Tol
// bounds the relative error of γ_s), and s2 = max(max|ρ2|, √max|ρ3|, 1/σ)
// and s2² for ρ2 and ρ3 (so Tol bounds their error relative to the size of the
// coefficient vector, which stays meaningful where c2 crosses zero). A
// rejected patch is refitted with half the size, and after cacheShrinks
// rejections the point is evaluated directly. A point outside every stored
// patch starts a new patch centred on it. The other ½ of Tol is the Taylor
// layer's (taylorShare).
//
// Taylor layer. What Coefficients and GammaS return is the degree-2 Taylor
// expansion T of the patch polynomials P (γ_s, ρ2, ρ3) around a centre
// (μc, vc), used in a box B ∋ (μc, vc) inside the patch; a point outside B
// (four comparisons) recentres the layer there, on the patch containing it.
// The remainder bound is rigorous for P: in the patch's unit coordinates
// t = (μ − μ0)/hμ, s = (v − v0)/hv, with x, y the displacements from the
// centre, Taylor's theorem to third order with the Lagrange remainder gives
//
//	|P − T| ≤ Σ_{p+q=3} |b_pq| |x|^p |y|^q + Σ_{p+q=4} M_pq |x|^p |y|^q,
//
// b_pq = ∂_t^p ∂_s^q P / (p! q!) at the centre (exact, from the Chebyshev
// coefficients and T_k(t_c + x) = Σ_p T_k^(p)(t_c)/p! x^p) and M_pq a bound
// of ∂_t^p ∂_s^q P / (p! q!) over the patch: the Chebyshev coefficients of
// that derivative (the standard derivative recurrence), summed in absolute
// value, since |T_k| ≤ 1 on [−1, 1]. The bound increases in |x| and |y|, so
// its value at a corner of B bounds the remainder on all of B (the segment
// from the centre stays in the patch). B is the largest box of the current
// aspect whose corner gives a bound ≤ ½ Tol·scale for each function, less
// 64 ulps of Σ|a_kl| for rounding. For Coefficients the ρ's remainders also
// bound those of g1 … g4 in the units of the Cache tests (g1, g2 σ, g3 σ,
// g4 σ² relative to |g1| + |g2| σ + |g4| σ²) to ½ Tol: to first order
// δg_i = J_i2 δρ2 + J_i3 δρ3 with J the derivatives of InverseCoefficients,
// so δg_i's remainder is bounded as above with the coefficients
// J_i2 b²_pq + J_i3 b³_pq and |J_i2| M²_pq + |J_i3| M³_pq, J taken at the
// centre times a margin 1.25 (B's half-widths are at most taylorSpan = 5 %
// of σ and of σ², over which J changes by much less, and the terms of second
// order in δρ are O(Tol²)); this propagation step is first order, the ρ
// bounds are rigorous. Patch error (≤ ½ Tol, by the fit's tail and check
// criteria) plus remainder (≤ ½ Tol) is at most Tol. The box's aspect
// follows the direction in which the operating point left the last box.
// Along a Fig 3F trajectory at Tol 1e-9 the layer recentres every ~550 bins
// (a recentring costs about ten patch evaluations); where the point moves
// so fast that a box serves fewer than taylorMinServed evaluations, the
// patch serves the next 16, 32, … 1024 points directly.
//
// A Cache is not safe for concurrent use (a Learner owns one per trial).
type Cache struct {
	engine  *Engine
	tol     float64
	fracMu  float64 // hμ / σ of the next patch
	fracVar float64 // hv / v of the next patch
	patches [cachePatches]patch
	next    int
	taylor  taylor
	// Fits counts fitted patches, Hits interpolated evaluations, Direct
	// evaluations by quadrature (outside the cache's reach) and Recentres
	// the Taylor expansions among the Hits.
	Fits, Hits, Direct, Recentres int
}

const (
	cacheDegree  = 7
	cacheNodes   = cacheDegree + 1
	cachePatches = 4
	cacheChecks  = 4
	cacheShrinks = 8
	// Initial and largest patch sizes relative to σ_V and σ_V².
	cacheFracMu, cacheMaxFracMu   = 0.25, 2.0
	cacheFracVar, cacheMaxFracVar = 0.1, 0.5
)

type patch struct {
	valid            bool
	mu0, hMu, v0, hV float64
	scale            [3]float64                          // of γ_s, ρ2, ρ3 (see Cache)
	coef             [3][cacheNodes * cacheNodes]float64 // γ_s, ρ2, ρ3
	derived                                              // from coef (not part of the state)
}

// derived holds what the Taylor layer needs of a patch's coefficients.
type derived struct {
	quartic [3]quartic
	absSum  [3]float64 // Σ_kl |a_kl|
}

// derive sets p's derived quantities from its coefficients.
func (p *patch) derive() {
	for a := range p.coef {
		p.quartic[a] = quarticBounds(&p.coef[a])
		s := 0.0
		for _, x := range p.coef[a] {
			s += math.Abs(x)
		}
		p.absSum[a] = s
	}
}

// chebCos[k][i] = cos(π k (i + ½) / N), the DCT of the Chebyshev fit.
var chebCos = func() (c [cacheNodes][cacheNodes]float64) {
	for k := range cacheNodes {
		for i := range cacheNodes {
			c[k][i] = math.Cos(math.Pi * float64(k) * (float64(i) + 0.5) / cacheNodes)
		}
	}
	return c
}()

// NewCache returns a Cache over e whose interpolated coefficients meet the
// relative error bound tol (see Cache), 1e-14 ≤ tol < 1.
func NewCache(e *Engine, tol float64) (*Cache, error) {
	if e == nil {
		return nil, errors.New("fisher: NewCache: nil Engine")
	}
	if !(tol >= 1e-14 && tol < 1) {
		return nil, errors.New("coefficient tolerance must be in [1e-14, 1)")
	}
	return &Cache{engine: e, tol: tol, fracMu: cacheFracMu, fracVar: cacheFracVar}, nil
}

// Tol returns the error bound the Cache was built with.
func (c *Cache) Tol() float64 { return c.tol }

// patchTol is the part of Tol a patch is fitted to (the rest is the Taylor
// layer's).
func (c *Cache) patchTol() float64 { return (1 - taylorShare) * c.tol }

// Coefficients is Engine.Coefficients within the Cache's error bound. The
// raw moments I1 … I3 are reconstructed from the interpolated c's.
func (c *Cache) Coefficients(mu, variance, q, eps0 float64) (Coefficients, error) {
	var co Coefficients
	err := c.CoefficientsInto(&co, mu, variance, q, eps0)
	return co, err
}

// CoefficientsInto is Coefficients writing its result into *dst (zero on
// error), for per-bin callers that keep the coefficients in place. A point
// in the Taylor layer's box is served here (as by InverseInto); every other
// goes through coefficientsBeyondBox.
func (c *Cache) CoefficientsInto(dst *Coefficients, mu, variance, q, eps0 float64) error {
	if t := &c.taylor; t.covers(mu, variance, q, 3) && coefficientArgsOK(mu, variance, q, eps0) {
		c.Hits++
		t.served++
		gs, r2, r3 := t.eval3(mu, variance)
		return fromRatios(dst, gs, r2, r3, mu, variance, q)
	}
	return c.coefficientsBeyondBox(dst, mu, variance, q, eps0)
}

// Ratios are ρ2 = c2/c1 and ρ3 = c3/c1 (Eqn 82) of the coefficients that
// InverseInto left incomplete, for CompleteCoefficients.
type Ratios struct{ R2, R3 float64 }

// InverseInto serves the per-bin caller that reads only γ_s and g1 … g4 of
// the coefficients: at a point in the Taylor layer's box where the inverse
// is regular it sets Mu, Var, Q, GammaS and G1 … G4 of *dst to what
// CoefficientsInto would (leaving the other fields as they were), *r to the
// ratios that CompleteCoefficients completes them from, and reports true;
// elsewhere it changes nothing and reports false (call CoefficientsInto).
func (c *Cache) InverseInto(dst *Coefficients, r *Ratios, mu, variance, q, eps0 float64) bool {
	t := &c.taylor
	if !t.covers(mu, variance, q, 3) || !positiveOK(eps0) { // covers implies the rest of coefficientArgsOK (boxValid)
		return false
	}
	// eval3 and fromRatios, written out: a call spills every live value
	dm, dv := mu-t.mu0, variance-t.v0
	gs, r2, r3 := quadratic(&t.d[0], dm, dv), quadratic(&t.d[1], dm, dv), quadratic(&t.d[2], dm, dv)
	det := inverseDet(1, r2, r3, mu, variance, q)
	if !regular(det) {
		return false
	}
	g1, g2, g4 := ratioInverse(r2, r3, mu, variance, q, det)
	c.Hits++
	t.served++
	setInverse(dst, mu, variance, q, gs, g1, g2, g4)
	r.R2, r.R3 = r2, r3
	return true
}

// setInverse sets the point, γ_s and the inverse's g1 … g4 of *dst (g3 = g2,
// the inverse being symmetric), leaving its other fields as they were.
func setInverse(dst *Coefficients, mu, variance, q, gs, g1, g2, g4 float64) {
	dst.Mu, dst.Var, dst.Q, dst.GammaS = mu, variance, q, gs
	dst.G1, dst.G2, dst.G3, dst.G4 = g1, g2, g2, g4
}

// coefficientsBeyondBox is CoefficientsInto at any point: it checks the
// arguments, recentres the Taylor layer or evaluates a patch or quadrature.
func (c *Cache) coefficientsBeyondBox(dst *Coefficients, mu, variance, q, eps0 float64) error {
	if !coefficientArgsOK(mu, variance, q, eps0) {
		if err := checkCoefficientArgs(mu, variance, q, eps0); err != nil {
			*dst = Coefficients{}
			return err
		}
	}
	var f [3]float64
	if !c.interpolate(&f, mu, variance, q, 3) {
		c.Direct++
		co, err := c.engine.Coefficients(mu, variance, q, eps0)
		*dst = co
		return err
	}
	return fromRatios(dst, f[0], f[1], f[2], mu, variance, q)
}

// fromRatios sets *dst to the coefficients of γ_s = gs, ρ2 = r2, ρ3 = r3 at
// (mu, variance, q), or zero with an error where the inverse is singular.
func fromRatios(dst *Coefficients, gs, r2, r3, mu, variance, q float64) error {
	g1, g2, g4, det := inverseOfRatios(r2, r3, mu, variance, q)
	if !regular(det) {
		*dst = Coefficients{}
		return errSingular(mu, variance, q)
	}
	setInverse(dst, mu, variance, q, gs, g1, g2, g4)
	CompleteCoefficients(dst, Ratios{r2, r3})
	return nil
}

// regular reports whether Δ = det (inverseDet) is positive and finite,
// where the g's are valid.
func regular(det float64) bool { return det > 0 && !math.IsInf(det, 0) }

// CompleteCoefficients sets I1 … I3 and C1 … C3 of *dst from its Mu, Var
// and GammaS and the ratios r, completing what InverseInto set.
func CompleteCoefficients(dst *Coefficients, r Ratios) {
	mu, variance, c1 := dst.Mu, dst.Var, 1/dst.GammaS
	c2, c3 := r.R2*c1, r.R3*c1
	dst.I1, dst.I2 = c1, mu*c1+c2*variance
	dst.I3 = c3*variance*variance + 2*mu*c2*variance + (mu*mu+variance)*c1
	dst.C1, dst.C2, dst.C3 = c1, c2, c3
}

// GammaS is Engine.GammaS within the Cache's error bound. A point in the
// Taylor layer's box is served here; every other goes through
// gammaSBeyondBox.
func (c *Cache) GammaS(mu, variance float64) (float64, error) {
	if t := &c.taylor; t.covers(mu, variance, 0, 1) { // which implies gaussianOK (boxValid)
		c.Hits++
		t.served++
		return t.eval1(mu, variance), nil
	}
	return c.gammaSBeyondBox(mu, variance)
}

// gammaSBeyondBox is GammaS at any point: it checks the arguments,
// recentres the Taylor layer or evaluates a patch or quadrature.
func (c *Cache) gammaSBeyondBox(mu, variance float64) (float64, error) {
	if !gaussianOK(mu, variance) {
		if err := checkGaussian(mu, variance); err != nil {
			return 0, err
		}
	}
	var f [3]float64
	if !c.interpolate(&f, mu, variance, 0, 1) {
		c.Direct++
		return c.engine.GammaS(mu, variance)
	}
	return f[0], nil
}

// interpolate sets the first count of γ_s, ρ2, ρ3 at (mu, v) in f from the
// Taylor layer, recentring it on the patch that contains (mu, v) when its
// box does not; it returns false where no patch meets the bound.
func (c *Cache) interpolate(f *[3]float64, mu, v, q float64, count int) bool {
	t := &c.taylor
	if !t.covers(mu, v, q, count) {
		p := c.lookup(mu, v)
		if p == nil {
			return false
		}
		if !t.worthRecentring() {
			c.Hits++
			f[0], f[1], f[2] = p.eval(mu, v, count)
			return true
		}
		c.Recentres++
		c.recentre(p, mu, v, q, count)
	}
	c.Hits++
	t.served++
	t.eval(f, mu, v, count)
	return true
}

// lookup returns a patch that contains (mu, v), fitting a new one if none
// does, or nil if no patch meets the error bound there.
func (c *Cache) lookup(mu, v float64) *patch {
	for k := range cachePatches {
		p := &c.patches[(c.next+cachePatches-1-k)%cachePatches]
		if p.valid && math.Abs(mu-p.mu0) <= p.hMu && math.Abs(v-p.v0) <= p.hV {
			return p
		}
	}
	for range cacheShrinks {
		p := patch{mu0: mu, hMu: c.fracMu * math.Sqrt(v), v0: v, hV: c.fracVar * v}
		ok, err := c.fit(&p)
		if err != nil {
			return nil
		}
		if ok {
			c.Fits++
			c.fracMu = math.Min(1.5*c.fracMu, cacheMaxFracMu)
			c.fracVar = math.Min(1.5*c.fracVar, cacheMaxFracVar)
			slot := &c.patches[c.next]
			*slot = p
			c.next = (c.next + 1) % cachePatches
			return slot
		}
		c.fracMu /= 2
		c.fracVar /= 2
	}
	return nil
}

// sample returns γ_s, ρ2, ρ3 by quadrature.
func (c *Cache) sample(mu, v float64) (f [3]float64, err error) {
	if err := checkGaussian(mu, v); err != nil {
		return f, err
	}
	m := c.engine.moments(mu, v)
	if !(m.i1 > 0) || !finite(m.i1, m.m1, m.m2) || math.IsInf(1/m.i1, 0) {
		return f, errVanishing(mu, v)
	}
	return [3]float64{1 / m.i1, m.m1 / v / m.i1, m.m2 / (v * v) / m.i1}, nil
}

// fit computes p's Chebyshev coefficients and reports whether they meet
// the error bound.
func (c *Cache) fit(p *patch) (bool, error) {
	var vals [3][cacheNodes][cacheNodes]float64
	scale := [3]float64{math.Inf(1), 0, 0}
	for i := range cacheNodes {
		for j := range cacheNodes {
			f, err := c.sample(p.mu0+p.hMu*chebCos[1][i], p.v0+p.hV*chebCos[1][j])
			if err != nil {
				return false, err
			}
			for a := range 3 {
				vals[a][i][j] = f[a]
			}
			scale[0] = math.Min(scale[0], math.Abs(f[0]))
			scale[1] = math.Max(scale[1], math.Abs(f[1]))
			scale[2] = math.Max(scale[2], math.Abs(f[2]))
		}
	}
	// 1/σ floors the scale where c2 and c3 vanish (rectified quadratic φ):
	// errors of ρ2 σ and ρ3 σ² are those of g2 σ and g4 σ² relative to g1.
	scale[1] = math.Max(math.Max(scale[1], math.Sqrt(scale[2])), 1/math.Sqrt(p.v0+p.hV))
	scale[2] = math.Max(scale[2], scale[1]*scale[1])
	p.scale = scale
	for a := range 3 {
		chebyshevCoefficients(&p.coef[a], &vals[a])
		if tail(&p.coef[a]) > c.patchTol()*scale[a] {
			return false, nil
		}
	}
	p.valid = true
	p.derive()
	return c.check(p, scale)
}

// check compares p with quadrature at cacheChecks points between the nodes.
func (c *Cache) check(p *patch, scale [3]float64) (bool, error) {
	for k := range cacheChecks {
		t, s := 0.69*float64(1-2*(k&1)), 0.375*float64(1-(k&2)) // between nodes
		mu, v := p.mu0+p.hMu*t, p.v0+p.hV*s
		want, err := c.sample(mu, v)
		if err != nil {
			return false, err
		}
		g, r2, r3 := p.eval(mu, v, 3)
		for a, got := range [3]float64{g, r2, r3} {
			if math.Abs(got-want[a]) > c.patchTol()*scale[a] {
				p.valid = false
				return false, nil
			}
		}
	}
	return true, nil
}

// chebyshevCoefficients turns values at the tensor Chebyshev nodes into the
// coefficients of Σ_kl a_kl T_k(t) T_l(s) (a two-dimensional DCT-II).
func chebyshevCoefficients(dst *[cacheNodes * cacheNodes]float64, vals *[cacheNodes][cacheNodes]float64) {
	var rows [cacheNodes][cacheNodes]float64 // rows[k][j] = Σ_i vals[i][j] cos_k(i)
	for k := range cacheNodes {
		for j := range cacheNodes {
			s := 0.0
			for i := range cacheNodes {
				s += vals[i][j] * chebCos[k][i]
			}
			rows[k][j] = s
		}
	}
	for k := range cacheNodes {
		for l := range cacheNodes {
			s := 0.0
			for j := range cacheNodes {
				s += rows[k][j] * chebCos[l][j]
			}
			f := 4.0 / (cacheNodes * cacheNodes)
			if k == 0 {
				f /= 2
			}
			if l == 0 {
				f /= 2
			}
			dst[k*cacheNodes+l] = f * s
		}
	}
}

// tail returns the sum of |a_kl| over the two highest degrees in k or l,
// an estimate of the interpolation error.
func tail(a *[cacheNodes * cacheNodes]float64) float64 {
	s := 0.0
	for k := range cacheNodes {
		for l := range cacheNodes {
			if k >= cacheNodes-2 || l >= cacheNodes-2 {
				s += math.Abs(a[k*cacheNodes+l])
			}
		}
	}
	return s
}

// eval returns the first `count` interpolants (γ_s, ρ2, ρ3) at (mu, v)
// (count 1 or 3), Σ_k T_k(t) Σ_l a_kl T_l(s).
func (p *patch) eval(mu, v float64, count int) (gs, r2, r3 float64) {
	var tm, tv [cacheNodes]float64
	chebyshevBasis(&tm, (mu-p.mu0)/p.hMu)
	chebyshevBasis(&tv, (v-p.v0)/p.hV)
	gs = rowSum(&p.coef[0], &tm, &tv)
	if count == 1 {
		return gs, 0, 0
	}
	return gs, rowSum(&p.coef[1], &tm, &tv), rowSum(&p.coef[2], &tm, &tv)
}

// rowSum returns Σ_k tm[k] Σ_l a[k][l] tv[l]; the inner sums are written
// out as balanced trees for instruction-level parallelism.
func rowSum(a *[cacheNodes * cacheNodes]float64, tm, tv *[cacheNodes]float64) float64 {
	var r [cacheNodes]float64
	for k := range r {
		c := (*[cacheNodes]float64)(a[k*cacheNodes : (k+1)*cacheNodes])
		r[k] = ((c[0]*tv[0] + c[1]*tv[1]) + (c[2]*tv[2] + c[3]*tv[3])) +
			((c[4]*tv[4] + c[5]*tv[5]) + (c[6]*tv[6] + c[7]*tv[7]))
	}
	return ((r[0]*tm[0] + r[1]*tm[1]) + (r[2]*tm[2] + r[3]*tm[3])) +
		((r[4]*tm[4] + r[5]*tm[5]) + (r[6]*tm[6] + r[7]*tm[7]))
}

// rowSum is written out for eight nodes.
var _ = [1]struct{}{}[cacheNodes-8]

// chebyshevBasis fills t with T_0(x) … T_{N−1}(x).
func chebyshevBasis(t *[cacheNodes]float64, x float64) {
	t[0], t[1] = 1, x
	for k := 2; k < cacheNodes; k++ {
		t[k] = 2*x*t[k-1] - t[k-2]
	}
}
