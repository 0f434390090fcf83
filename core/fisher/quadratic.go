package fisher

import (
	"math"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/vmath"
)

// rectifiedQuadratic gives neuron.RectifiedQuadratic (Eqn 116) exact
// Gaussian moments: its Fisher density is the step 4a·Θ(V − θ), a = Scale,
// so with t = (μ − θ)/σ, Y = V − θ, and the standard normal cdf Φ and pdf φ,
//
//	E[f] = 4a Φ(t),  E[f (V−μ)] = 4a σ φ(t),  E[f ((V−μ)² − σ²)] = −4a σ² t φ(t),
//	E[f V] = 4a (θ J0 + J1),  E[f V²] = 4a (θ² J0 + 2θ J1 + J2),  J_k = E[Y^k Θ(Y)].
//
// For μ ≫ θ + σ this gives c1 = 4a, c2 = c3 = 0 (Eqns 117–119; c1 = 1 for
// the paper's a = ¼).
type rectifiedQuadratic struct {
	amp, theta float64 // amp = 4a
}

// millsTerms is the depth of the continued fraction in partialMoments;
// 150 terms reach full precision for x ≥ 2.
const millsTerms = 150

// partialMoments returns J0 = Φ(t), J1/σ = φ(t) + tΦ(t) and
// J2/σ² = (1+t²)Φ(t) + tφ(t). For t < −2 these differences cancel, so they
// are taken from the continued fraction of the Mills ratio, x = −t:
// Φ(t)/φ(t) = M = 1/(x + K), K = 1/(x + L), L = 2/(x + 3/(x + …)), giving
// J0 = φM, J1/σ = φMK, J2/σ² = φMKL without subtraction.
func partialMoments(t float64) (j0, j1, j2 float64) {
	pdf := vmath.Exp(-0.5*t*t) * invSqrt2Pi
	if t >= -2 {
		cdf := 0.5 * math.Erfc(-t/math.Sqrt2)
		return cdf, pdf + t*cdf, (1+t*t)*cdf + t*pdf
	}
	x := -t
	tail := 0.0
	for k := millsTerms; k >= 2; k-- {
		tail = float64(k) / (x + tail)
	}
	l := tail
	k := 1 / (x + l)
	m := 1 / (x + k)
	return pdf * m, pdf * m * k, pdf * m * k * l
}

// moments returns the raw and centred moments of f under N(mu, v).
func (r rectifiedQuadratic) moments(mu, v float64) gaussMoments {
	sd := math.Sqrt(v)
	t := (mu - r.theta) / sd
	j0, j1, j2 := partialMoments(t)
	j1, j2 = sd*j1, v*j2
	pdf := vmath.Exp(-0.5*t*t) * invSqrt2Pi
	th := r.theta
	return gaussMoments{
		i1: r.amp * j0,
		i2: r.amp * (th*j0 + j1),
		i3: r.amp * (th*th*j0 + 2*th*j1 + j2),
		m1: r.amp * sd * pdf,
		m2: -r.amp * v * t * pdf,
	}
}

func newRectifiedQuadratic(q neuron.RectifiedQuadratic) rectifiedQuadratic {
	return rectifiedQuadratic{amp: 4 * q.Scale, theta: q.Theta}
}
