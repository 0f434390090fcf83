package fisher

import (
	"math"
	"slices"

	"github.com/natspike/natspike/core/neuron"
)

// This file holds an independent high-precision reference for the Gaussian
// moments of f = φ'²/φ: tanh-sinh (double-exponential) quadrature, refined
// level by level to convergence, on every interval of a fine partition of
// the real line (σ steps out to μ ± 40σ, 1/β steps over the whole stretch
// between μ and θ and 60/β beyond, and wide outer intervals). It uses only
// Transfer.FisherDensity and shares no code with the package.

const refComps = 12

// magnitudeComp marks the components that only estimate magnitudes (they
// integrate absolute values, which have kinks); they are not refined.
var magnitudeComp = [refComps]bool{3: true, 5: true, 7: true, 9: true, 11: true}

// refMoments are reference expectations under N(μ, σ²) together with the
// absolute magnitudes needed for meaningful relative errors.
type refMoments struct {
	i1, i2, i3 float64 // E[f], E[f V], E[f V²]
	absI2      float64 // E[f |V|]
	c2, c3     float64 // E[f (V−μ)]/σ², E[f ((V−μ)² − σ²)]/σ⁴
	absC2      float64 // magnitude scale of c2 (see centred)
	absC3      float64 // magnitude scale of c3
}

// tanhSinh integrates the vector function F over [a, b]; F writes
// refComps values and their absolute values are accumulated alongside to
// form the convergence test. The step is halved until two levels agree to
// 1e-12 of the absolute integral; as the double-exponential error roughly
// squares with each halving, the last level is then accurate to rounding.
func tanhSinh(F func(u float64, out *[refComps]float64), a, b float64) [refComps]float64 {
	c, h := 0.5*(a+b), 0.5*(b-a)
	const tMax = 4.0
	var sum, abs [refComps]float64
	var out [refComps]float64
	add := func(t float64) {
		sh := 0.5 * math.Pi * math.Sinh(t)
		ch := math.Cosh(sh)
		w := 0.5 * math.Pi * math.Cosh(t) / (ch * ch)
		if w == 0 {
			return
		}
		F(c+h*math.Tanh(sh), &out)
		for k, v := range out {
			sum[k] += w * v
			abs[k] += w * math.Abs(v)
		}
	}
	step := 0.5
	for t := -tMax; t <= tMax+1e-12; t += step {
		add(t)
	}
	var prev [refComps]float64
	for k := range prev {
		prev[k] = h * step * sum[k]
	}
	for level := 0; level < 10; level++ {
		for t := -tMax + step/2; t < tMax; t += step {
			add(t)
		}
		step /= 2
		done := true
		var cur [refComps]float64
		for k := range cur {
			cur[k] = h * step * sum[k]
			tol := 1e-12*abs[k] + 1e-280 // the floor ignores (sub)normal-range noise
			if k+1 < refComps && magnitudeComp[k+1] {
				tol += 1e-14 * abs[k+1] // rounding floor of the subtracted forms
			}
			if !magnitudeComp[k] && math.Abs(cur[k]-prev[k]) > h*step*tol && level < 9 {
				done = false
			}
		}
		prev = cur
		if done && level >= 1 {
			break
		}
	}
	return prev
}

// refBreaks returns the partition described above; scale is 1/β.
func refBreaks(mu, variance, scale, theta float64) []float64 {
	sd := math.Sqrt(variance)
	var x []float64
	for j := -40; j <= 40; j++ {
		x = append(x, mu+sd*float64(j))
	}
	lo, hi := math.Min(mu, theta)-60*scale, math.Max(mu, theta)+60*scale
	for j := math.Floor((lo - theta) / scale); theta+scale*j <= hi; j++ {
		x = append(x, theta+scale*j)
	}
	slices.Sort(x)
	outer := 1000 * (sd + scale)
	x = append([]float64{x[0] - outer}, x...)
	x = append(x, x[len(x)-1]+outer)
	return slices.Compact(x)
}

// referenceMoments integrates over the partition. f0 and f1 are a constant
// and a slope subtracted from f in the centred moments (exact, because
// E[V−μ] = E[(V−μ)((V−μ)² − σ²)] = E[(V−μ)² − σ²] = 0); this keeps the
// reference accurate for tiny σ. Both variants, with and without the
// subtraction, are computed and the one with the smaller magnitude scale is
// returned.
func referenceMoments(t neuron.Transfer, mu, variance, scale, theta float64) refMoments {
	sd := math.Sqrt(variance)
	f0 := t.FisherDensity(mu)
	f1 := (t.FisherDensity(mu+sd) - t.FisherDensity(mu-sd)) / (2 * sd)
	norm := 1 / (sd * math.Sqrt(2*math.Pi))
	F := func(u float64, out *[refComps]float64) {
		d := u - mu
		g := norm * math.Exp(-d*d/(2*variance))
		f := t.FisherDensity(u)
		fg := f * g
		e1 := (f - f0) * g
		e2 := (f - f0 - f1*d) * g
		d2 := d*d - variance
		*out = [refComps]float64{
			fg, fg * u, fg * u * u, fg * math.Abs(u),
			fg * d, fg * math.Abs(d), e1 * d, math.Abs(e1 * d),
			fg * d2, math.Abs(fg * d2), e2 * d2, math.Abs(e2 * d2),
		}
	}
	var tot [refComps]float64
	br := refBreaks(mu, variance, scale, theta)
	for i := 0; i+1 < len(br); i++ {
		r := tanhSinh(F, br[i], br[i+1])
		for k := range tot {
			tot[k] += r[k]
		}
	}
	ref := refMoments{i1: tot[0], i2: tot[1], i3: tot[2], absI2: tot[3]}
	ref.c2, ref.absC2 = pickCentred(tot[4], tot[5], tot[6], tot[7])
	ref.c3, ref.absC3 = pickCentred(tot[8], tot[9], tot[10], tot[11])
	ref.c2 /= variance
	ref.absC2 /= variance
	ref.c3 /= variance * variance
	ref.absC3 /= variance * variance
	return ref
}

func pickCentred(plain, plainAbs, sub, subAbs float64) (val, scale float64) {
	if subAbs < plainAbs {
		return sub, subAbs
	}
	return plain, plainAbs
}
