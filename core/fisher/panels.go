package fisher

import (
	"math"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/vmath"
)

// Generic scheme for transfer functions without a dedicated kernel:
// uniform Gauss–Legendre panels over μ ± genericSigmas·σ, intersected with
// FisherWindow when φ implements neuron.FisherSupport. Panels are at most
// genericGauss·σ and genericScale·scale wide. It assumes that the voltage
// mass weighted by φ'²/φ lies inside that window, which holds whenever the
// Gaussian, not the tail of φ'²/φ, confines the integrand.
const (
	genericSigmas = 12.0  // half-width of the window in σ
	genericGauss  = 6.0   // panel width / σ
	genericScale  = 3.0   // panel width / FisherWindow scale
	windowRelTol  = 1e-18 // relTol passed to FisherWindow
)

type panelKernel struct {
	t             neuron.Transfer
	hasWindow     bool
	lo, hi, scale float64
}

func newPanelKernel(t neuron.Transfer) panelKernel {
	k := panelKernel{t: t}
	fs, ok := t.(neuron.FisherSupport)
	if !ok {
		return k
	}
	lo, hi, scale := fs.FisherWindow(windowRelTol)
	if lo < hi && scale > 0 && !math.IsInf(hi-lo, 0) && !math.IsInf(scale, 0) {
		k.hasWindow, k.lo, k.hi, k.scale = true, lo, hi, scale
	}
	return k
}

// window returns the integration interval and the number of panels.
func (k panelKernel) window(mu, sd float64) (a, b float64, panels int) {
	a, b = mu-genericSigmas*sd, mu+genericSigmas*sd
	width := genericGauss * sd
	if k.hasWindow && a < k.hi && b > k.lo {
		a, b = math.Max(a, k.lo), math.Min(b, k.hi)
		width = math.Min(width, genericScale*k.scale)
	}
	panels = int(math.Min(math.Ceil((b-a)/width), maxPanels))
	return a, b, max(panels, 1)
}

// moments returns the raw and centred moments of f under N(mu, v).
func (k panelKernel) moments(mu, v float64) gaussMoments {
	sd := math.Sqrt(v)
	a, b, panels := k.window(mu, sd)
	near := math.Min(math.Max(mu, a), b) - mu // offset of the window point nearest μ
	shift := near * near / (2 * v)
	var acc sums
	h := (b - a) / float64(panels)
	for i := range panels {
		k.panel(&acc, a+float64(i)*h, a+float64(i+1)*h, mu, v, shift)
	}
	n := vmath.Exp(-shift) * invSqrt2Pi / sd
	return gaussMoments{i1: acc.s0 * n, i2: acc.s1 * n, i3: acc.s2 * n, m1: acc.a * n, m2: acc.b * n}
}

// panel adds f g (1, u, u², u−μ, (u−μ)² − σ²) on one Gauss–Legendre panel,
// g = e^{shift − (u−μ)²/(2σ²)}, the nodes' g evaluated together first
// (vmath.ExpSlice, bit for bit vmath.Exp) and added in node order.
func (k panelKernel) panel(acc *sums, x0, x1, mu, v, shift float64) {
	h, c := 0.5*(x1-x0), 0.5*(x1+x0)
	inv2v := 0.5 / v
	var g [ruleOrder]float64
	for j, t := range legendre.x {
		d := c + h*t - mu
		g[j] = shift - d*d*inv2v
	}
	vmath.ExpSlice(g[:], g[:])
	for j, t := range legendre.x {
		u := c + h*t
		d := u - mu
		fg := h * legendre.w[j] * k.t.FisherDensity(u) * g[j]
		acc.s0 += fg
		acc.s1 += fg * u
		acc.s2 += fg * u * u
		acc.a += fg * d
		acc.b += fg * (d*d - v)
	}
}
