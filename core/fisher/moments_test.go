package fisher

import (
	"fmt"
	"math"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// accuracyGrid is the domain of the accuracy requirement: μ_V ∈ [−60, 60] mV,
// σ_V² ∈ [1e-3, 1e4] mV², and three very different sigmoids.
var (
	gridMu       = []float64{-60, -40, -25, -10, -3, 0, 5, 7.7, 10, 12, 20, 35, 60}
	gridVariance = []float64{1e-3, 1e-2, 0.1, 1, 4, 25, 100, 1e3, 1e4}
	gridSigmoids = []neuron.Sigmoid{
		{PhiMax: 100, Beta: 0.3, Theta: 10},
		{PhiMax: 1, Beta: 0.05, Theta: -5},
		{PhiMax: 37, Beta: 2, Theta: 20},
	}
)

// momentErrors returns the relative errors of I1, I2, I3, c2, c3 against the
// reference, each measured against its natural magnitude (I1 and I3 are
// positive; I2, c2, c3 can cross zero, so they are scaled by E[f|V|] and the
// absolute-value integrals of the reference; c2 and c3 values below 1e-15 of
// I1/σ and I1/σ², i.e. negligible in Eqn 81, count as zero).
func momentErrors(e *Engine, mu, variance float64, ref refMoments) ([5]float64, error) {
	i1, i2, i3, err := e.Moments(mu, variance)
	if err != nil {
		return [5]float64{}, err
	}
	m := e.moments(mu, variance)
	c2, c3 := m.m1/variance, m.m2/(variance*variance)
	return [5]float64{
		scaledErr(i1, ref.i1, ref.i1),
		scaledErr(i2, ref.i2, ref.absI2),
		scaledErr(i3, ref.i3, ref.i3),
		scaledErr(c2, ref.c2, ref.absC2+math.Abs(ref.c2)+1e-15*ref.i1/math.Sqrt(variance)),
		scaledErr(c3, ref.c3, ref.absC3+math.Abs(ref.c3)+1e-15*ref.i1/variance),
	}, nil
}

// scaledErr returns |got − want|/scale, and 0 when got = want (also for a
// vanishing scale, e.g. c2 = 0 exactly for a constant density).
func scaledErr(got, want, scale float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / scale
}

func TestSigmoidMomentsMatchHighPrecisionReferenceTo1e9(t *testing.T) {
	var worst [5]float64
	var where [5]string
	points := 0
	for _, s := range gridSigmoids {
		e, err := NewEngine(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, mu := range gridMu {
			for _, v := range gridVariance {
				if testing.Short() && points%3 != 0 {
					points++
					continue
				}
				points++
				ref := referenceMoments(s, mu, v, 1/s.Beta, s.Theta)
				errs, err := momentErrors(e, mu, v, ref)
				if err != nil {
					t.Fatalf("%+v μ=%v σ²=%v: %v", s, mu, v, err)
				}
				for k, x := range errs {
					if !(x <= worst[k]) {
						worst[k], where[k] = x, fmt.Sprintf("β=%v μ=%v σ²=%v", s.Beta, mu, v)
					}
				}
			}
		}
	}
	names := [5]string{"I1", "I2", "I3", "c2", "c3"}
	for k, x := range worst {
		t.Logf("worst relative error of %s over %d points: %.2e at %s", names[k], points, x, where[k])
		if !(x <= 1e-9) {
			t.Errorf("%s relative error %.2e > 1e-9 at %s", names[k], x, where[k])
		}
	}
}

// supportOnly hides the concrete sigmoid type from the Engine, so that the
// generic FisherSupport panel scheme is exercised.
type supportOnly struct{ s neuron.Sigmoid }

func (w supportOnly) Phi(v float64) float64           { return w.s.Phi(v) }
func (w supportOnly) DPhi(v float64) float64          { return w.s.DPhi(v) }
func (w supportOnly) ScoreFactor(v float64) float64   { return w.s.ScoreFactor(v) }
func (w supportOnly) FisherDensity(v float64) float64 { return w.s.FisherDensity(v) }
func (w supportOnly) LogPhi(v float64) float64        { return w.s.LogPhi(v) }
func (w supportOnly) Validate() error                 { return w.s.Validate() }
func (w supportOnly) FisherWindow(relTol float64) (lo, hi, scale float64) {
	return w.s.FisherWindow(relTol)
}

// plainTransfer hides FisherSupport as well (the fully generic fallback).
type plainTransfer struct{ s neuron.Sigmoid }

func (w plainTransfer) Phi(v float64) float64           { return w.s.Phi(v) }
func (w plainTransfer) DPhi(v float64) float64          { return w.s.DPhi(v) }
func (w plainTransfer) ScoreFactor(v float64) float64   { return w.s.ScoreFactor(v) }
func (w plainTransfer) FisherDensity(v float64) float64 { return w.s.FisherDensity(v) }
func (w plainTransfer) LogPhi(v float64) float64        { return w.s.LogPhi(v) }
func (w plainTransfer) Validate() error                 { return w.s.Validate() }

// TestRectifiedQuadraticClosedFormMatchesReference checks the exact Gaussian
// partial moments of the step density 4a·Θ(V − θ) (Eqn 116) against the
// quadrature reference, across the threshold.
func TestRectifiedQuadraticClosedFormMatchesReference(t *testing.T) {
	worst := 0.0
	for _, rq := range []neuron.RectifiedQuadratic{{Scale: 0.25, Theta: 0}, {Scale: 3, Theta: -7}} {
		e, err := NewEngine(rq)
		if err != nil {
			t.Fatal(err)
		}
		for _, mu := range []float64{-30, -7.5, -1, 0, 0.3, 4, 20} {
			for _, v := range []float64{1e-3, 0.5, 4, 100, 1e4} {
				if (mu-rq.Theta)/math.Sqrt(v) < -30 {
					continue // I1 below 1e-197: tested separately
				}
				ref := referenceMoments(rq, mu, v, 1, rq.Theta)
				errs, err := momentErrors(e, mu, v, ref)
				if err != nil {
					t.Fatalf("%+v μ=%v σ²=%v: %v", rq, mu, v, err)
				}
				for _, x := range errs {
					worst = math.Max(worst, x)
				}
			}
		}
	}
	t.Logf("worst relative error: %.1e", worst)
	if !(worst <= 1e-9) {
		t.Errorf("worst relative error %.1e > 1e-9", worst)
	}
}

// TestGenericPanelSchemesMatchReference checks the fallback schemes for
// transfer functions without a dedicated kernel, on the domain of spec §7.2
// (μ ∈ [−30, 30] mV, σ² ∈ [0.25, 2000] mV²) with FisherSupport and, without
// it, where the Gaussian confines the integrand (σ ≲ 1/β).
func TestGenericPanelSchemesMatchReference(t *testing.T) {
	s := neuron.DefaultSigmoid()
	cases := []struct {
		name      string
		tf        neuron.Transfer
		variances []float64
	}{
		{"FisherSupport window", supportOnly{s}, []float64{0.25, 4, 30, 300, 2000}},
		{"no FisherSupport", plainTransfer{s}, []float64{0.25, 1, 4, 10}},
	}
	for _, c := range cases {
		e, err := NewEngine(c.tf)
		if err != nil {
			t.Fatal(err)
		}
		if e.method != methodPanels {
			t.Fatalf("%s: engine chose method %d, want the generic panels", c.name, e.method)
		}
		worst := 0.0
		for _, mu := range []float64{-30, -10, 0, 7.7, 15, 30} {
			for _, v := range c.variances {
				errs, err := momentErrors(e, mu, v, referenceMoments(s, mu, v, 1/s.Beta, s.Theta))
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range errs {
					worst = math.Max(worst, x)
				}
			}
		}
		t.Logf("%s: worst relative error %.1e", c.name, worst)
		if !(worst <= 1e-9) {
			t.Errorf("%s: worst relative error %.1e > 1e-9", c.name, worst)
		}
	}
}

// TestNarrowGaussianLimitGivesDerivatives: for σ → 0, c1 → f(μ),
// c2 → f′(μ) and c3 → f″(μ) (Stein's identity), with O(σ²) corrections,
// which the Stein forms resolve without cancellation even at σ² = 1e-8.
func TestNarrowGaussianLimitGivesDerivatives(t *testing.T) {
	s := neuron.DefaultSigmoid()
	e, _ := NewEngine(s)
	const v = 1e-8
	for _, mu := range []float64{-20, 0, 7.7, 10, 25} {
		c, err := e.Coefficients(mu, v, 78, 1)
		if err != nil {
			t.Fatal(err)
		}
		// f, f′, f″ by Richardson-extrapolated central differences of f.
		f := s.FisherDensity
		h := 1e-2
		d1 := func(h float64) float64 { return (f(mu+h) - f(mu-h)) / (2 * h) }
		d2 := func(h float64) float64 { return (f(mu+h) - 2*f(mu) + f(mu-h)) / (h * h) }
		f1 := (4*d1(h/2) - d1(h)) / 3
		f2 := (4*d2(h/2) - d2(h)) / 3
		if relErr(c.C1, f(mu)) > 1e-7 || math.Abs(c.C2-f1) > 1e-6*math.Abs(f(mu)) || math.Abs(c.C3-f2) > 1e-5*math.Abs(f(mu)) {
			t.Errorf("μ=%v: c = %v %v %v, want ≈ f, f′, f″ = %v %v %v", mu, c.C1, c.C2, c.C3, f(mu), f1, f2)
		}
	}
}

// TestLegendreRuleIsExactForPolynomials guards the precomputed rule.
func TestLegendreRuleIsExactForPolynomials(t *testing.T) {
	for deg := 0; deg < 2*ruleOrder; deg++ {
		got := 0.0
		for j, x := range legendre.x {
			got += legendre.w[j] * math.Pow(x, float64(deg))
		}
		want := 0.0
		if deg%2 == 0 {
			want = 2 / float64(deg+1)
		}
		if math.Abs(got-want) > 1e-14 {
			t.Errorf("∫x^%d over [−1, 1]: rule %v, exact %v", deg, got, want)
		}
	}
}
