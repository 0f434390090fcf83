package neuron

import (
	"math"
	"strings"
	"testing"
)

func TestKernelDiscreteSumIsUnitAreaC1(t *testing.T) {
	k := DefaultKernel()
	sum, sq, peak := 0.0, 0.0, 0.0
	for i := 0; i < 20000; i++ {
		e := k.Eval(float64(i) * k.Dt)
		sum += e * k.Dt
		sq += e * e * k.Dt
		peak = math.Max(peak, e)
	}
	if math.Abs(sum-0.99931) > 5e-5 {
		t.Errorf("Σ ε(k dt) dt = %v, want 0.99931", sum)
	}
	if math.Abs(k.SquaredIntegral()-38.461538461538) > 1e-9 {
		t.Errorf("∫ε² = %v, want 38.4615", k.SquaredIntegral())
	}
	if math.Abs(sq-38.4613) > 2e-3 {
		t.Errorf("discrete Σ ε² dt = %v, want 38.4613", sq)
	}
	if math.Abs(peak-59.67) > 0.01 {
		t.Errorf("grid peak %v, want 59.67", peak)
	}
	if math.Abs(k.CEps()-0.026) > 1e-15 {
		t.Errorf("c_eps = %v, want 0.026", k.CEps())
	}
}

func TestAlphaKernelIsLimitOfEqn28(t *testing.T) {
	a := Kernel{Eps0: 1, TauM: 0.01, TauS: 0.01, Dt: 0.0005}
	b := Kernel{Eps0: 1, TauM: 0.01, TauS: 0.01 * (1 + 1e-7), Dt: 0.0005}
	for _, tt := range []float64{0.001, 0.005, 0.02, 0.1} {
		if d := math.Abs(a.Eval(tt)-b.Eval(tt)) / a.Eval(tt); d > 1e-5 {
			t.Errorf("alpha kernel at %v differs from near-equal Eqn 28 by %v", tt, d)
		}
	}
	if a.CEps() != 0.04 {
		t.Errorf("alpha c_eps %v", a.CEps())
	}
}

func TestSigmoidDerivedQuantitiesMatchFiniteDifferences(t *testing.T) {
	s := DefaultSigmoid()
	for _, v := range []float64{-100, -20, 0, 7.7, 10, 30, 200} {
		h := 1e-5
		fd := (s.Phi(v+h) - s.Phi(v-h)) / (2 * h)
		if d := math.Abs(fd - s.DPhi(v)); d > 1e-7*math.Max(1, math.Abs(fd)) {
			t.Errorf("φ'(%v) = %v, finite difference %v", v, s.DPhi(v), fd)
		}
		if p := s.Phi(v); p > 1e-300 {
			if d := math.Abs(s.ScoreFactor(v) - s.DPhi(v)/p); d > 1e-12 {
				t.Errorf("φ'/φ(%v) mismatch %v", v, d)
			}
			want := s.DPhi(v) * s.DPhi(v) / p
			if d := math.Abs(s.FisherDensity(v) - want); d > 1e-12*math.Max(1, want) {
				t.Errorf("φ'²/φ(%v) mismatch %v", v, d)
			}
			if d := math.Abs(s.LogPhi(v) - math.Log(p)); d > 1e-12 {
				t.Errorf("log φ(%v) mismatch %v", v, d)
			}
		}
	}
}

func TestSigmoidStaysFiniteInExtremeTails(t *testing.T) {
	s := DefaultSigmoid()
	for _, v := range []float64{-1e6, -5000, 5000, 1e6} {
		for _, x := range []float64{s.Phi(v), s.DPhi(v), s.ScoreFactor(v), s.FisherDensity(v), s.LogPhi(v)} {
			if math.IsNaN(x) || math.IsInf(x, 1) {
				t.Fatalf("non-finite value %v at V = %v", x, v)
			}
		}
	}
	if got := s.LogPhi(-5000); math.Abs(got-(math.Log(100)+0.3*(-5010))) > 1e-9 {
		t.Errorf("log-sigmoid tail %v", got)
	}
}

func TestRectifiedQuadraticFisherDensityIsOneAboveThreshold(t *testing.T) {
	q := RectifiedQuadratic{Scale: 0.25, Theta: 5}
	if q.FisherDensity(7) != 1 || q.FisherDensity(4) != 0 || q.ScoreFactor(3) != 0 {
		t.Error("rectified quadratic density")
	}
	if math.Abs(q.ScoreFactor(9)-q.DPhi(9)/q.Phi(9)) > 1e-15 {
		t.Error("score factor")
	}
}

func TestValidationNamesParameter(t *testing.T) {
	cases := []struct {
		err  error
		name string
	}{
		{Sigmoid{PhiMax: -1, Beta: 1}.Validate(), "phi_max"},
		{Sigmoid{PhiMax: 1, Beta: math.NaN()}.Validate(), "beta"},
		{Sigmoid{PhiMax: 1, Beta: 1, Theta: math.Inf(1)}.Validate(), "theta"},
		{Kernel{Eps0: 1, TauM: 0.01, TauS: 0.003, Dt: 0.003}.Validate(), "dt"},
		{Kernel{Eps0: 0, TauM: 0.01, TauS: 0.003, Dt: 0.001}.Validate(), "eps0"},
		{func() error { _, e := NewDendritic([]float64{0.5, 1.5}); return e }(), "attenuation[1]"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.name) {
			t.Errorf("error %v should name %q", c.err, c.name)
		}
	}
}
