package fisher

import (
	"math"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/vmath"
)

// The logistic transfer function (Eqn 24) has the Fisher density
// f(u) = φ_max β² s(1−s)², s = 1/(1+e^{−z}), z = β(u − θ), which is
// log-concave, decays like e^{z} below θ and like e^{−2z} above, and has
// poles at z = ±iπ. The integrand h(u) = f(u) N(u; μ, σ²) of Eqns 77–79 is
// therefore log-concave too. sigmoidKernel finds the maximum u* of h by
// safeguarded Newton, moves out from u* until log h has dropped by dropTol
// (concavity then bounds the neglected tails by ~e^{−dropTol}), and covers
// that window with Gauss–Legendre panels no wider than gaussRatio·σ and
// poleRatio times the distance to the nearest pole. This resolves both the
// narrow-Gaussian (σ ≪ 1/β) and the wide-Gaussian (σ ≫ 1/β)
// regimes, and voltage mass far out in either tail of φ.
//
// The centred moments E[f(V)(V−μ)] and E[f(V)((V−μ)² − σ²)] cancel
// catastrophically when σ ≪ 1/β (f is nearly constant over the Gaussian).
// There the kernel uses Stein's identity for Gaussians instead,
// E[f(V)(V−μ)] = σ² E[f′(V)] and E[f(V)((V−μ)² − σ²)] = σ⁴ E[f″(V)], with
// f′ = β f (1−3s) and f″ = β² f ((1−3s)² − 3s(1−s)), which in turn cancel
// when σ ≫ 1/β. Both are accumulated; βσ < 1 selects the Stein forms.
//
// The constants were tuned against the reference of the tests: each of
// dropTol, poleRatio and gaussRatio sits about one step below the value at
// which the worst error over the accuracy grid rises above 1e-12.
const (
	dropTol    = 34.0 // log-drop of h at the window edges (e^{−34} ≈ 2e-15)
	poleRatio  = 3.0  // panel width / distance to the nearest pole of f
	gaussRatio = 9.0  // panel width / σ
	maxNewton  = 100  // iteration cap of the mode search (bisection-safeguarded)
	maxPanels  = 4096 // safety cap; windows need at most a handful of panels
)

var invSqrt2Pi = 1 / math.Sqrt(2*math.Pi)

type sigmoidKernel struct {
	amp, beta, theta float64 // amp = φ_max β²
	fMode, fCurv     float64 // argmax of f, θ − ln2/β, and −(log f)″ there, 2β²/3
}

func newSigmoidKernel(s neuron.Sigmoid) sigmoidKernel {
	return sigmoidKernel{
		amp:   s.PhiMax * s.Beta * s.Beta,
		beta:  s.Beta,
		theta: s.Theta,
		fMode: s.Theta - math.Ln2/s.Beta,
		fCurv: 2 * s.Beta * s.Beta / 3,
	}
}

// logh returns log h(u) up to the constant log(φ_max β²/(σ√2π)):
// log s + 2 log(1−s) − (u−μ)²/(2σ²) = min(z, −2z) − 3 log(1+e^{−|z|}) − ….
func (k sigmoidKernel) logh(u, mu, v float64) float64 {
	l, _ := k.loghExp(u, mu, v)
	return l
}

// loghExp returns logh(u) and the e^{−|z|} it was computed from.
func (k sigmoidKernel) loghExp(u, mu, v float64) (logh, e float64) {
	z := k.beta * (u - k.theta)
	d := u - mu
	e = vmath.Exp(-math.Abs(z))
	return math.Min(z, -2*z) - 3*math.Log1p(e) - d*d/(2*v), e
}

// slopeFrom is slope's g at u given e = e^{−|z|}: the same
// s = neuron.Logistic(z), 1/(1+e) for z ≥ 0 and e/(1+e) below, without
// another exponential.
func (k sigmoidKernel) slopeFrom(u, mu, v, e float64) float64 {
	s := 1 / (1 + e)
	if k.beta*(u-k.theta) < 0 {
		s = e / (1 + e)
	}
	return k.beta*(1-3*s) - (u-mu)/v
}

// slope returns (log h)′(u) = β(1 − 3s) − (u−μ)/σ² and the curvature −(log h)″.
func (k sigmoidKernel) slope(u, mu, v float64) (g, curv float64) {
	s := neuron.Logistic(k.beta * (u - k.theta))
	return k.beta*(1-3*s) - (u-mu)/v, 3*k.beta*k.beta*s*(1-s) + 1/v
}

// mode returns the maximiser u* of h and −(log h)″(u*). The maximum of a
// product of log-concave factors lies between their maxima μ and θ − ln2/β.
func (k sigmoidKernel) mode(mu, v float64) (u, curv float64) {
	lo, hi := math.Min(mu, k.fMode), math.Max(mu, k.fMode)
	u = (k.fCurv*k.fMode + mu/v) / (k.fCurv + 1/v)
	for range maxNewton {
		var g float64
		g, curv = k.slope(u, mu, v)
		if g > 0 {
			lo = u
		} else {
			hi = u
		}
		next := u + g/curv
		if !(next >= lo && next <= hi) {
			next = 0.5 * (lo + hi)
		}
		if math.Abs(next-u)*math.Sqrt(curv) < 1e-6 {
			return next, curv
		}
		u = next
	}
	return u, curv
}

// edges returns points a < mode < b where log h ≤ peak − dropTol.
// Concavity makes the tangent at x an upper bound of log h, so one linear
// extension from x reaches the required drop. Each side takes at most four
// steps; the two sides' steps alternate, so that their chains of dependent
// operations overlap in the CPU.
func (k sigmoidKernel) edges(mode, peak, width, mu, v float64) (a, b float64) {
	a, b = mode+(-1)*math.Sqrt(2*dropTol)*width, mode+1*math.Sqrt(2*dropTol)*width
	doneA, doneB := false, false
	for range 4 {
		if !doneA {
			a, doneA = k.edgeStep(a, mode, peak, -1, mu, v)
		}
		if !doneB {
			b, doneB = k.edgeStep(b, mode, peak, 1, mu, v)
		}
		if doneA && doneB {
			break
		}
	}
	return a, b
}

// edgeStep returns x and true where log h(x) ≤ peak − dropTol, else the
// next point on side dir (±1) of the mode and false.
func (k sigmoidKernel) edgeStep(x, mode, peak, dir, mu, v float64) (float64, bool) {
	l, e := k.loghExp(x, mu, v)
	drop := peak - l
	if drop >= dropTol {
		return x, true
	}
	g := k.slopeFrom(x, mu, v, e)
	secant := drop / math.Abs(x-mode)
	return x + dir*(dropTol-drop)/math.Max(math.Abs(g), secant), false
}

// window returns the integration interval [a, b] and the mode u*.
func (k sigmoidKernel) window(mu, v float64) (a, b, mode float64) {
	mode, curv := k.mode(mu, v)
	peak := k.logh(mode, mu, v)
	width := 1 / math.Sqrt(curv)
	a, b = k.edges(mode, peak, width, mu, v)
	return a, b, mode
}

// integrate returns the panel sums over the window and the factor that
// turns them into expectations (1/(σ√2π) times the Gaussian at the mode,
// which the panel loop divides out to stay clear of underflow).
func (k sigmoidKernel) integrate(mu, v float64, onlyS0 bool) (acc sums, norm float64) {
	acc.onlyS0 = onlyS0
	a, b, mode := k.window(mu, v)
	dm := mode - mu
	shift := dm * dm / (2 * v)
	sd := math.Sqrt(v)
	w := gaussRatio * sd
	switch {
	case w <= poleRatio*math.Pi/k.beta:
		k.uniform(&acc, a, b, w, mu, v, shift)
	case b <= k.theta:
		k.marchLeft(&acc, b, a, w, mu, v, shift)
	case a >= k.theta:
		k.marchRight(&acc, a, b, w, mu, v, shift)
	default:
		k.marchLeft(&acc, k.theta, a, w, mu, v, shift)
		k.marchRight(&acc, k.theta, b, w, mu, v, shift)
	}
	return acc, vmath.Exp(-shift) * invSqrt2Pi / sd
}

// panelWidth returns the width of a panel whose point nearest to the pole
// line z = 0 is at u: poleRatio·√(z² + π²)/β, at most maxWidth.
func (k sigmoidKernel) panelWidth(u, maxWidth float64) float64 {
	z := k.beta * (u - k.theta)
	return math.Min(maxWidth, poleRatio*math.Sqrt(z*z+math.Pi*math.Pi)/k.beta)
}

// uniform covers [a, b] with equal panels at most maxWidth wide; it is used
// when the Gaussian, not the poles of f, limits the panel width.
func (k sigmoidKernel) uniform(acc *sums, a, b, maxWidth, mu, v, shift float64) {
	n := int(math.Min(math.Ceil((b-a)/maxWidth), maxPanels))
	h := (b - a) / float64(n)
	for i := range n {
		k.panel(acc, a+float64(i)*h, a+float64(i+1)*h, mu, v, shift)
	}
}

// marchRight covers [x, end] (x ≥ θ) with panels growing away from θ.
func (k sigmoidKernel) marchRight(acc *sums, x, end, maxWidth, mu, v, shift float64) {
	for i := 0; x < end && i < maxPanels; i++ {
		next := math.Min(x+k.panelWidth(x, maxWidth), end)
		k.panel(acc, x, next, mu, v, shift)
		x = next
	}
}

// marchLeft covers [end, x] (x ≤ θ) with panels growing away from θ.
func (k sigmoidKernel) marchLeft(acc *sums, x, end, maxWidth, mu, v, shift float64) {
	for i := 0; x > end && i < maxPanels; i++ {
		next := math.Max(x-k.panelWidth(x, maxWidth), end)
		k.panel(acc, next, x, mu, v, shift)
		x = next
	}
}

// panel adds one Gauss–Legendre panel on [x0, x1] to acc: s0, s1, s2 get
// f̃ g (1, u, u²), a, b the Stein factors f̃ g (1−3s) and
// f̃ g ((1−3s)² − 3s(1−s)), and c, d the centred f̃ g (u−μ) and
// f̃ g ((u−μ)² − σ²), with f̃ = s(1−s)² = f/(φ_max β²) and
// g = e^{shift − (u−μ)²/(2σ²)}.
// When acc.onlyS0 is set only s0 is accumulated (GammaS). The nodes are
// vmath.LogisticPanel's (an AVX2 kernel where the CPU has one); the sums
// add the nodes in order.
func (k sigmoidKernel) panel(acc *sums, x0, x1, mu, v, shift float64) {
	p := vmath.LogisticPanel{
		H: 0.5 * (x1 - x0), C: 0.5 * (x1 + x0), Mu: mu, Beta: k.beta, Theta: k.theta,
		Shift: shift, Inv2v: 0.5 / v, V: v,
	}
	a := [vmath.PanelTerms]float64{acc.s0, acc.s1, acc.s2, acc.a, acc.b, acc.c, acc.d}
	p.Sums(&a, legendre.x[:], legendre.w[:], acc.onlyS0)
	acc.s0, acc.s1, acc.s2, acc.a, acc.b, acc.c, acc.d = a[0], a[1], a[2], a[3], a[4], a[5], a[6]
}

// moments returns the raw and centred moments of f under N(mu, v).
func (k sigmoidKernel) moments(mu, v float64) gaussMoments {
	acc, norm := k.integrate(mu, v, false)
	n := k.amp * norm
	m := gaussMoments{i1: acc.s0 * n, i2: acc.s1 * n, i3: acc.s2 * n, m1: acc.c * n, m2: acc.d * n}
	if k.beta*k.beta*v < 1 {
		m.m1, m.m2 = v*k.beta*acc.a*n, v*v*k.beta*k.beta*acc.b*n
	}
	return m
}

// firstMoment returns I1 = E[f(V)] only.
func (k sigmoidKernel) firstMoment(mu, v float64) float64 {
	acc, norm := k.integrate(mu, v, true)
	return acc.s0 * (k.amp * norm)
}
