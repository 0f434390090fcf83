package fisher

import (
	"errors"
	"math"

	"github.com/natspike/natspike/core/neuron"
)

// Coefficients are the Fisher-information coefficients of the Gaussian
// approximation at one operating point (μ_V, σ_V², q).
type Coefficients struct {
	Mu, Var, Q     float64 // μ_V (mV), σ_V² (mV²) and q (Eqn 36) they were computed at
	I1, I2, I3     float64 // Eqns 77–79: E[f V^k], f = φ'²/φ, k = 0, 1, 2, V ~ N(μ_V, σ_V²)
	C1, C2, C3     float64 // Eqn 82, from the centred moments
	GammaS         float64 // γ_s = 1/c1, Eqn 107
	G1, G2, G3, G4 float64 // Eqns 102–105, from the closed 2×2 form (InverseCoefficients)
}

// CopyTo sets *dst to c one field at a time: per-bin callers copy
// coefficients whose fields were just stored one by one, which a block
// copy's wider loads would wait for (store forwarding).
func (c *Coefficients) CopyTo(dst *Coefficients) {
	dst.Mu, dst.Var, dst.Q = c.Mu, c.Var, c.Q
	dst.I1, dst.I2, dst.I3 = c.I1, c.I2, c.I3
	dst.C1, dst.C2, dst.C3, dst.GammaS = c.C1, c.C2, c.C3, c.GammaS
	dst.G1, dst.G2, dst.G3, dst.G4 = c.G1, c.G2, c.G3, c.G4
}

// GaussianMomenter is implemented by transfer functions that know the
// Gaussian moments of their Fisher density f = φ'²/φ in closed form. For
// V ~ N(mu, variance) it returns m0 = E[f(V)], m1 = E[f(V)(V − mu)] and
// m2 = E[f(V)((V − mu)² − variance)], so that c1 = m0, c2 = m1/σ² and
// c3 = m2/σ⁴ (Eqn 82). An Engine prefers it over quadrature and derives the
// raw moments I2, I3 of Eqns 78–79 from these.
type GaussianMomenter interface {
	FisherGaussianMoments(mu, variance float64) (m0, m1, m2 float64)
}

// gaussMoments are the moments of f = φ'²/φ under V ~ N(μ, σ²) that an
// Engine computes: raw i1, i2, i3 (Eqns 77–79) and centred m1, m2 (see
// GaussianMomenter).
type gaussMoments struct {
	i1, i2, i3 float64
	m1, m2     float64
}

// fromCentred completes raw moments from the centred ones.
func fromCentred(mu, variance, m0, m1, m2 float64) gaussMoments {
	return gaussMoments{
		i1: m0,
		i2: mu*m0 + m1,
		i3: m2 + 2*mu*m1 + (mu*mu+variance)*m0,
		m1: m1,
		m2: m2,
	}
}

// method is the moment algorithm an Engine selected for its transfer function.
type method int

const (
	methodSigmoid   method = iota // logistic φ, Eqn 24: mode-centred panels, Stein forms
	methodQuadratic               // rectified quadratic φ, Eqn 116: Gaussian partial moments
	methodClosed                  // GaussianMomenter
	methodPanels                  // any other φ: panels over the Gaussian (∩ FisherWindow)
)

// Engine evaluates the Fisher coefficients for one transfer function. All
// precomputation happens in NewEngine; afterwards an Engine is immutable,
// safe for concurrent use, and Moments, Coefficients and GammaS allocate
// nothing.
type Engine struct {
	t      neuron.Transfer
	method method
	sig    sigmoidKernel
	quad   rectifiedQuadratic
	closed GaussianMomenter
	panels panelKernel
}

// NewEngine validates t and prepares the quadrature for it: the logistic
// transfer function of Eqn 24 (neuron.Sigmoid) gets a dedicated scheme,
// neuron.RectifiedQuadratic (Eqn 116) and any GaussianMomenter exact Gaussian
// moments, and all others composite Gauss–Legendre panels over μ ± 12σ,
// restricted to FisherWindow when t implements neuron.FisherSupport.
// Parameters of a *neuron.Sigmoid or *neuron.RectifiedQuadratic are copied:
// later changes to the pointee do not reach the Engine.
func NewEngine(t neuron.Transfer) (*Engine, error) {
	if t == nil {
		return nil, errors.New("transfer function is nil")
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{t: t}
	switch tt := t.(type) {
	case neuron.Sigmoid:
		e.method, e.sig = methodSigmoid, newSigmoidKernel(tt)
	case *neuron.Sigmoid:
		e.method, e.sig = methodSigmoid, newSigmoidKernel(*tt)
	case neuron.RectifiedQuadratic:
		e.method, e.quad = methodQuadratic, newRectifiedQuadratic(tt)
	case *neuron.RectifiedQuadratic:
		e.method, e.quad = methodQuadratic, newRectifiedQuadratic(*tt)
	case GaussianMomenter:
		e.method, e.closed = methodClosed, tt
	default:
		e.method, e.panels = methodPanels, newPanelKernel(t)
	}
	return e, nil
}

// Transfer returns the transfer function the Engine was built for.
func (e *Engine) Transfer() neuron.Transfer { return e.t }

// moments dispatches to the selected algorithm; arguments are valid.
func (e *Engine) moments(mu, variance float64) gaussMoments {
	switch e.method {
	case methodSigmoid:
		return e.sig.moments(mu, variance)
	case methodQuadratic:
		return e.quad.moments(mu, variance)
	case methodClosed:
		m0, m1, m2 := e.closed.FisherGaussianMoments(mu, variance)
		return fromCentred(mu, variance, m0, m1, m2)
	default:
		return e.panels.moments(mu, variance)
	}
}

// Moments returns the generalized voltage moments I1 = E[f], I2 = E[f V] and
// I3 = E[f V²] of Eqns 77–79, f = φ'²/φ, for V ~ N(mu, variance) (mV, mV²).
// It fails for invalid arguments and when I1 underflows to zero.
func (e *Engine) Moments(mu, variance float64) (i1, i2, i3 float64, err error) {
	if err := checkGaussian(mu, variance); err != nil {
		return 0, 0, 0, err
	}
	m := e.moments(mu, variance)
	if !(m.i1 > 0) {
		return 0, 0, 0, errVanishing(mu, variance)
	}
	if !finite(m.i1, m.i2, m.i3) {
		return 0, 0, 0, errNumerical(mu, variance)
	}
	return m.i1, m.i2, m.i3, nil
}

// GammaS returns γ_s = 1/c1 = 1/E[φ'(V)²/φ(V)] (Eqn 107), the only
// coefficient the approximate rule of Eqn 114 needs.
func (e *Engine) GammaS(mu, variance float64) (float64, error) {
	if err := checkGaussian(mu, variance); err != nil {
		return 0, err
	}
	var i1 float64
	switch e.method {
	case methodSigmoid:
		i1 = e.sig.firstMoment(mu, variance)
	default:
		i1 = e.moments(mu, variance).i1
	}
	gs := 1 / i1
	if math.IsInf(gs, 0) || !(gs > 0) {
		return 0, errVanishing(mu, variance)
	}
	return gs, nil
}

// Coefficients returns the moments (Eqns 77–79), c1, c2, c3 (Eqn 82),
// γ_s (Eqn 107) and g1 … g4 (Eqns 102–105) at mean potential mu (mV),
// variance (mV²), total-rate constant q = c_ε ε0² Σ r_i (Eqn 36) and kernel
// prefactor eps0. c2 and c3 come from the centred moments E[f (V−μ)]/σ² and
// E[f ((V−μ)² − σ²)]/σ⁴, which avoid the cancellation of the raw forms (for
// the sigmoid with βσ < 1 from the equivalent E[f′(V)] and E[f″(V)], which
// also avoid the cancellation of the centred forms for small σ). It fails
// for invalid arguments, when I1 underflows, and when μ² > q σ² makes Eqn 81
// indefinite.
func (e *Engine) Coefficients(mu, variance, q, eps0 float64) (Coefficients, error) {
	if err := checkCoefficientArgs(mu, variance, q, eps0); err != nil {
		return Coefficients{}, err
	}
	m := e.moments(mu, variance)
	if !(m.i1 > 0) || math.IsInf(1/m.i1, 0) {
		return Coefficients{}, errVanishing(mu, variance)
	}
	c := Coefficients{
		Mu: mu, Var: variance, Q: q,
		I1: m.i1, I2: m.i2, I3: m.i3,
		C1: m.i1, C2: m.m1 / variance, C3: m.m2 / (variance * variance),
		GammaS: 1 / m.i1,
	}
	det := inverseDet(1, c.C2/c.C1, c.C3/c.C1, mu, variance, q)
	if !(det > 0) || math.IsInf(det, 0) {
		return Coefficients{}, errSingular(mu, variance, q)
	}
	c.G1, c.G2, c.G3, c.G4 = InverseCoefficients(c.C1, c.C2, c.C3, mu, variance, q, eps0)
	if !finite(c.I1, c.I2, c.I3, c.C2, c.C3, c.GammaS, c.G1, c.G2, c.G4) {
		return Coefficients{}, errNumerical(mu, variance)
	}
	return c, nil
}
