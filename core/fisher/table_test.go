package fisher

import (
	"math"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// relErr returns |got − want| / |want|.
func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// TestReferenceTableOfSpec72IsReproducedTo1e7 checks all seven rows of the
// regression table of spec §7.2 (scipy quad with tight tolerances): c1, c2,
// c3, γ_s, g1, g2 = g3 and g4, for the paper's sigmoid with the row's θ.
func TestReferenceTableOfSpec72IsReproducedTo1e7(t *testing.T) {
	const kappa = 38.46 // the q column is Σr/κ with the code's rounded κ
	rows := []struct {
		name                        string
		mu, variance, q, theta      float64
		c1, c2, c3, gs, g1, g23, g4 float64
	}{
		{"Fig 4 start", 0.25, 0.48075, 5 / kappa, 10,
			0.417937647, 0.105190239, 0.0207937294, 2.39270142, -0.776284675, -0.199323052, -0.0374957546},
		{"Fig 3F-like", 0, 3.85, 3000 / kappa, 10,
			0.424057865, 0.100574982, 0.0170784911, 2.35816874, -0.0126208636, -0.00318951661, 0.0162180921},
		{"Fig 3F-like", -2, 10, 3000 / kappa, 10,
			0.299696983, 0.0708978093, 0.0125934027, 3.3367036, -0.0127196272, -0.00308436997, 0.015453499},
		{"Fig 3F-like", 5, 30, 3000 / kappa, 10,
			0.787651126, 0.0329068515, -0.0135727862, 1.26959763, -0.0123158216, -0.00390814121, 0.0428239433},
		{"Fig 3F-like", 15, 100, 2000 / kappa, 10,
			0.410867895, -0.0273442012, -0.00159060266, 2.43387233, -0.0182316903, -0.0062174154, 0.0467216556},
		{"n = 2 start (Fig 3D–E)", 11, 128.841, 60 / kappa, 10,
			0.457177736, -0.012463107, -0.00269103068, 2.18733311, -0.217198827, -0.0679903111, 0.0241640073},
		{"Fig 7-like", 12.5, 300, 25.0005 / kappa, 15,
			0.331748824, -0.000745958047, -0.00102174992, 3.0143287, -0.135414947, -0.0659905044, 0.00924115745},
	}
	worst := 0.0
	for _, r := range rows {
		e, err := NewEngine(neuron.Sigmoid{PhiMax: 100, Beta: 0.3, Theta: r.theta})
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.Coefficients(r.mu, r.variance, r.q, 1)
		if err != nil {
			t.Fatalf("%s μ=%v: %v", r.name, r.mu, err)
		}
		for _, x := range []struct {
			name      string
			got, want float64
		}{
			{"c1", c.C1, r.c1}, {"c2", c.C2, r.c2}, {"c3", c.C3, r.c3}, {"γ_s", c.GammaS, r.gs},
			{"g1", c.G1, r.g1}, {"g2", c.G2, r.g23}, {"g3", c.G3, r.g23}, {"g4", c.G4, r.g4},
		} {
			e := relErr(x.got, x.want)
			worst = math.Max(worst, e)
			if !(e <= 1e-7) {
				t.Errorf("%s (μ=%v, σ²=%v): %s = %.10g, want %.10g (rel. error %.1e)",
					r.name, r.mu, r.variance, x.name, x.got, x.want, e)
			}
		}
	}
	t.Logf("worst relative deviation from the table: %.1e", worst)
}

// TestGammaSValuesOfCheckC13 reproduces the γ_s = 1/c1 values of spec §9
// C13 (q = 78, paper's sigmoid) to their printed precision (half a unit in
// the last digit). One entry is off by a rounding slip in the spec:
// σ² = 25, μ = 7.7 gives γ_s = 1.15493 (also by brute-force trapezoidal
// quadrature), printed as 1.16; it is allowed 0.55 units.
func TestGammaSValuesOfCheckC13(t *testing.T) {
	e, err := NewEngine(neuron.DefaultSigmoid())
	if err != nil {
		t.Fatal(err)
	}
	mus := []float64{-10, 0, 5, 7.7, 10, 15, 20}
	cases := []struct {
		variance float64
		want     []float64
		ulp      []float64 // one unit in the last printed digit
		slack    []float64 // allowed deviation in units of ulp
	}{
		{1, []float64{43.2, 2.52, 0.92, 0.77, 0.91, 3.81, 44.8}, []float64{0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.1},
			[]float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}},
		{25, []float64{16.8, 1.97, 1.21, 1.16, 1.26, 2.30, 7.52}, []float64{0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01},
			[]float64{0.5, 0.5, 0.5, 0.55, 0.5, 0.5, 0.5}},
	}
	for _, c := range cases {
		for i, mu := range mus {
			co, err := e.Coefficients(mu, c.variance, 78, 1)
			if err != nil {
				t.Fatal(err)
			}
			gs, err := e.GammaS(mu, c.variance)
			if err != nil {
				t.Fatal(err)
			}
			if relErr(gs, co.GammaS) > 1e-15 {
				t.Errorf("GammaS(%v, %v) = %v differs from Coefficients().GammaS = %v", mu, c.variance, gs, co.GammaS)
			}
			if tol := c.slack[i] * c.ulp[i]; !(gs > 0) || math.Abs(gs-c.want[i]) > tol {
				t.Errorf("σ²=%v μ=%v: γ_s = %.4f, want %v (±%v)", c.variance, mu, gs, c.want[i], tol)
			}
		}
	}
}

// TestGammaSIsMinimalAtThetaMinusLn2OverBeta checks the location of the
// minimum of γ_s for small σ²: where φ'²/φ peaks, σ(μ) = 1/3, i.e.
// μ = θ − ln2/β (spec §9 C13), and that γ_s rises on both sides, faster
// on the high-rate side.
func TestGammaSIsMinimalAtThetaMinusLn2OverBeta(t *testing.T) {
	for _, s := range []neuron.Sigmoid{neuron.DefaultSigmoid(), {PhiMax: 37, Beta: 2, Theta: 20}, {PhiMax: 1, Beta: 0.05, Theta: -5}} {
		e, err := NewEngine(s)
		if err != nil {
			t.Fatal(err)
		}
		const variance = 1e-4
		gs := func(mu float64) float64 {
			g, err := e.GammaS(mu, variance)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		want := s.Theta - math.Ln2/s.Beta
		got := goldenMinimum(gs, want-2/s.Beta, want+2/s.Beta)
		if tol := 10 * variance * s.Beta; math.Abs(got-want) > tol {
			t.Errorf("%+v: argmin γ_s = %.6f, want θ − ln2/β = %.6f (±%.1e)", s, got, want, tol)
		}
		d := 3 / s.Beta
		lo, mid, hi := gs(want-d), gs(want), gs(want+d)
		if !(lo > mid && hi > mid && hi > lo) {
			t.Errorf("%+v: γ_s at −3/β, 0, +3/β from the minimum = %v, %v, %v; want a minimum that rises faster above", s, lo, mid, hi)
		}
	}
}

// goldenMinimum returns the minimiser of a unimodal f on [a, b].
func goldenMinimum(f func(float64) float64, a, b float64) float64 {
	r := (math.Sqrt(5) - 1) / 2
	for b-a > 1e-9*(1+math.Abs(a)) {
		x1, x2 := b-r*(b-a), a+r*(b-a)
		if f(x1) < f(x2) {
			b = x2
		} else {
			a = x1
		}
	}
	return 0.5 * (a + b)
}
