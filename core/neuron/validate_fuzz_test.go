package neuron

import (
	"math"
	"testing"
)

// Fuzz targets for the validators of this package: a kernel or transfer
// function that validates must evaluate to finite numbers. Validation
// admits any finite parameters; products of a few of them overflow only
// beyond magnitudes of ~1e100, where the C ABI reports the non-finite
// result as an error (capi.checkResult), so the properties are checked
// within [1e-100, 1e100] and for potentials up to the learning loop's
// divergence bound of 1e6 mV.

func FuzzKernelValidate(f *testing.F) {
	f.Add(1.0, 0.010, 0.003, 0.0005)
	f.Add(1.0, 0.003, 0.003, 0.0005)
	f.Add(-1.0, 0.010, 0.003, 0.0005)
	f.Add(1.0, 0.010, 0.003, 0.5)
	f.Add(math.NaN(), math.Inf(1), 0.0, -0.0)
	f.Add(1e-200, 1e300, 1e-300, 1e-310)
	f.Fuzz(func(t *testing.T, eps0, tauM, tauS, dt float64) {
		k := Kernel{Eps0: eps0, TauM: tauM, TauS: tauS, Dt: dt}
		if k.Validate() != nil {
			return
		}
		dm, ds := k.Decays()
		if !(dm >= 0 && dm <= 1 && ds >= 0 && ds <= 1) {
			t.Fatalf("valid kernel %+v has decays %v, %v", k, dm, ds)
		}
		if v := k.Eval(dt); math.IsNaN(v) {
			t.Fatalf("valid kernel %+v: eps(dt) = %v", k, v)
		}
	})
}

func FuzzTransferValidate(f *testing.F) {
	f.Add(100.0, 0.3, 10.0, 0.25, 5.0, false)
	f.Add(100.0, 0.3, 10.0, 0.25, 5.0, true)
	f.Add(-1.0, 0.0, math.NaN(), 0.0, 0.0, false)
	f.Add(1e308, 1e308, -1e308, 1e308, 1e308, true)
	f.Fuzz(func(t *testing.T, phiMax, beta, theta, scale, v float64, quadratic bool) {
		var tr Transfer = Sigmoid{PhiMax: phiMax, Beta: beta, Theta: theta}
		if quadratic {
			tr = RectifiedQuadratic{Scale: scale, Theta: theta}
		}
		if tr.Validate() != nil || !plausible(phiMax, beta, theta, scale) || !(math.Abs(v) <= 1e6) {
			return
		}
		if phi := tr.Phi(v); math.IsNaN(phi) || phi < 0 {
			t.Fatalf("%+v: phi(%v) = %v", tr, v, phi)
		}
		if d := tr.FisherDensity(v); math.IsNaN(d) || d < 0 {
			t.Fatalf("%+v: phi'^2/phi(%v) = %v", tr, v, d)
		}
	})
}

// plausible reports whether every |x| lies in {0} ∪ [1e-100, 1e100].
func plausible(xs ...float64) bool {
	for _, x := range xs {
		if a := math.Abs(x); a != 0 && !(a >= 1e-100 && a <= 1e100) {
			return false
		}
	}
	return true
}
