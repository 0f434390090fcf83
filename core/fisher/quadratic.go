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

// millsTerms is the depth of the continued fraction in millsRatio; 150
// terms reach full precision for x ≥ erfcPlain·√2 ≈ 1.77.
const millsTerms = 150

// erfcPlain bounds the arguments |y| < erfcPlain for which math.Erfc uses
// no exponential (its rational approximations below 1.25); above, it calls
// math.Exp, whose amd64 assembly rounds differently on CPUs with FMA, so
// normalCDF takes Φ from the Mills ratio there instead
// (TestNormalCDFIsTheSameWithoutFMA checks that this holds).
const erfcPlain = 1.25

// partialMoments returns J0 = Φ(t), J1/σ = φ(t) + tΦ(t) and
// J2/σ² = (1+t²)Φ(t) + tφ(t). For t < −2 these differences cancel, so they
// are taken from the continued fraction of the Mills ratio, x = −t:
// Φ(t)/φ(t) = M = 1/(x + K), K = 1/(x + L), L = 2/(x + 3/(x + …)), giving
// J0 = φM, J1/σ = φMK, J2/σ² = φMKL without subtraction.
func partialMoments(t float64) (j0, j1, j2 float64) {
	pdf := vmath.Exp(-0.5*t*t) * invSqrt2Pi
	if t >= -2 {
		cdf := normalCDF(t, pdf)
		return cdf, pdf + t*cdf, (1+t*t)*cdf + t*pdf
	}
	m, k, l := millsRatio(-t)
	return pdf * m, pdf * m * k, pdf * m * k * l
}

// normalCDF returns Φ(t) given pdf = φ(t): 0.5 erfc(−t/√2) where math.Erfc
// needs no exponential, else φ(|t|) M(|t|) below 0 and 1 − φ(t) M(t) above.
func normalCDF(t, pdf float64) float64 {
	if y := -t / math.Sqrt2; math.Abs(y) < erfcPlain {
		return 0.5 * math.Erfc(y)
	}
	m, _, _ := millsRatio(math.Abs(t))
	if t < 0 {
		return pdf * m
	}
	return 1 - pdf*m
}

// millsRatio returns the Mills ratio M = Φ(−x)/φ(x) = 1/(x + K) and the
// next two levels K = 1/(x + L), L of its continued fraction, x > 0.
func millsRatio(x float64) (m, k, l float64) {
	tail := 0.0
	for n := millsTerms; n >= 2; n-- {
		tail = float64(n) / (x + tail)
	}
	l = tail
	k = 1 / (x + l)
	return 1 / (x + k), k, l
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
