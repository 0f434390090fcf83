package fisher

import (
	"math"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// FuzzCoefficients: Engine.Coefficients validates its arguments and the
// numerical range; whatever it returns without an error must be finite.
func FuzzCoefficients(f *testing.F) {
	f.Add(0.0, 3.85, 78.0, 1.0, 0.3, 10.0, false)
	f.Add(5.0, 30.0, 78.0, 1.0, 0.3, 10.0, true)
	f.Add(100.0, 1.0, 1.0, 1.0, 0.3, 10.0, false)
	f.Add(math.NaN(), 1.0, 1.0, 1.0, 0.3, 10.0, false)
	f.Add(-1e300, 1e300, 1e300, 1e-300, 1e300, -1e300, false)
	f.Add(0.0, 1e-300, 1e-300, 1e300, 1e-300, 0.0, true)
	f.Fuzz(func(t *testing.T, mu, variance, q, eps0, beta, theta float64, quadratic bool) {
		var tr neuron.Transfer = neuron.Sigmoid{PhiMax: 100, Beta: beta, Theta: theta}
		if quadratic {
			tr = neuron.RectifiedQuadratic{Scale: beta, Theta: theta}
		}
		if tr.Validate() != nil {
			return
		}
		e, err := NewEngine(tr)
		if err != nil {
			return
		}
		c, err := e.Coefficients(mu, variance, q, eps0)
		if err != nil {
			return
		}
		for name, x := range map[string]float64{"I1": c.I1, "I2": c.I2, "I3": c.I3, "c1": c.C1, "c2": c.C2,
			"c3": c.C3, "gamma_s": c.GammaS, "g1": c.G1, "g2": c.G2, "g3": c.G3, "g4": c.G4} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("Coefficients(%v, %v, %v, %v) for %+v: %s = %v without an error", mu, variance, q, eps0, tr, name, x)
			}
		}
	})
}
