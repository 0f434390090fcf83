package fisher

import (
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/neuron"
)

// TestInvalidArgumentsAreReportedByName checks the validated errors: the
// message names the parameter and its allowed range.
func TestInvalidArgumentsAreReportedByName(t *testing.T) {
	e, err := NewEngine(neuron.DefaultSigmoid())
	if err != nil {
		t.Fatal(err)
	}
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		mu, variance, q, eps0 float64
		want                  string
	}{
		{nan, 4, 78, 1, "mu must be finite, got NaN"},
		{-inf, 4, 78, 1, "mu must be finite, got -Inf"},
		{0, -1, 78, 1, "variance must be finite and > 0, got -1"},
		{0, 0, 78, 1, "variance must be finite and > 0, got 0"},
		{0, inf, 78, 1, "variance must be finite and > 0, got +Inf"},
		{0, nan, 78, 1, "variance must be finite and > 0, got NaN"},
		{0, 4, 0, 1, "q must be finite and > 0, got 0"},
		{0, 4, -2, 1, "q must be finite and > 0, got -2"},
		{0, 4, 78, 0, "eps0 must be finite and > 0, got 0"},
		{0, 4, 78, nan, "eps0 must be finite and > 0, got NaN"},
	}
	for _, c := range cases {
		_, err := e.Coefficients(c.mu, c.variance, c.q, c.eps0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Coefficients(%v, %v, %v, %v): error %v, want %q", c.mu, c.variance, c.q, c.eps0, err, c.want)
		}
		if c.q != 78 || c.eps0 != 1 {
			continue
		}
		if _, _, _, err := e.Moments(c.mu, c.variance); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Moments(%v, %v): error %v, want %q", c.mu, c.variance, err, c.want)
		}
		if _, err := e.GammaS(c.mu, c.variance); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("GammaS(%v, %v): error %v, want %q", c.mu, c.variance, err, c.want)
		}
	}
	checkCacheErrors(t, e, cases)
	if _, err := NewEngine(neuron.Sigmoid{PhiMax: 100, Beta: -0.3, Theta: 10}); err == nil || !strings.Contains(err.Error(), "beta") {
		t.Errorf("NewEngine with β < 0: error %v, want one naming beta", err)
	}
	if _, err := NewEngine(nil); err == nil {
		t.Error("NewEngine(nil): no error")
	}
	if _, err := NewEngine(neuron.RectifiedQuadratic{Scale: 0, Theta: 0}); err == nil || !strings.Contains(err.Error(), "scale") {
		t.Errorf("NewEngine with Scale = 0: error %v, want one naming scale", err)
	}
}

// checkCacheErrors checks that a Cache, warmed up at a valid point (so that
// its Taylor layer would serve), reports the same errors and zeroes the
// result of CoefficientsInto.
func checkCacheErrors(t *testing.T, e *Engine, cases []struct {
	mu, variance, q, eps0 float64
	want                  string
}) {
	t.Helper()
	c, err := NewCache(e, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range cases {
		if _, err := c.Coefficients(0, 4, 78, 1); err != nil {
			t.Fatal(err)
		}
		dst := Coefficients{Mu: 1, G4: 2}
		if err := c.CoefficientsInto(&dst, x.mu, x.variance, x.q, x.eps0); err == nil || !strings.Contains(err.Error(), x.want) {
			t.Errorf("Cache.CoefficientsInto(%v, %v, %v, %v): error %v, want %q", x.mu, x.variance, x.q, x.eps0, err, x.want)
		}
		if dst != (Coefficients{}) {
			t.Errorf("Cache.CoefficientsInto(%v, %v, %v, %v) left %+v after an error", x.mu, x.variance, x.q, x.eps0, dst)
		}
		if x.q != 78 || x.eps0 != 1 {
			continue
		}
		if _, err := c.GammaS(x.mu, x.variance); err == nil || !strings.Contains(err.Error(), x.want) {
			t.Errorf("Cache.GammaS(%v, %v): error %v, want %q", x.mu, x.variance, err, x.want)
		}
	}
}

// TestArgumentPredicatesMatchChecks pins the comparison-only predicates of
// the per-evaluation path to the checks whose errors they stand for.
func TestArgumentPredicatesMatchChecks(t *testing.T) {
	vals := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64, 1e-320, -1e-320,
		0, math.Copysign(0, -1), -1, 1, 78}
	for _, mu := range vals {
		for _, v := range vals {
			if got, want := gaussianOK(mu, v), checkGaussian(mu, v) == nil; got != want {
				t.Errorf("gaussianOK(%v, %v) = %v, checkGaussian accepts: %v", mu, v, got, want)
			}
			for _, q := range vals {
				for _, eps0 := range vals {
					if got, want := coefficientArgsOK(mu, v, q, eps0), checkCoefficientArgs(mu, v, q, eps0) == nil; got != want {
						t.Errorf("coefficientArgsOK(%v, %v, %v, %v) = %v, checkCoefficientArgs accepts: %v", mu, v, q, eps0, got, want)
					}
				}
			}
		}
	}
}

// TestCopyToCopiesEveryField sets every field of a Coefficients to its own
// value and checks that CopyTo reproduces the struct.
func TestCopyToCopiesEveryField(t *testing.T) {
	var src Coefficients
	r := reflect.ValueOf(&src).Elem()
	for i := range r.NumField() {
		r.Field(i).SetFloat(float64(i + 1))
	}
	var dst Coefficients
	src.CopyTo(&dst)
	if dst != src {
		t.Errorf("CopyTo gave %+v, want %+v", dst, src)
	}
}

// TestVanishingFisherInformationIsAnErrorNotNaN: voltage mass entirely where
// φ'²/φ underflows gives a clear error; extreme but representable operating
// points give finite coefficients; nothing ever returns NaN.
func TestVanishingFisherInformationIsAnErrorNotNaN(t *testing.T) {
	transfers := []neuron.Transfer{
		neuron.DefaultSigmoid(), neuron.Sigmoid{PhiMax: 1, Beta: 0.05, Theta: -5}, neuron.Sigmoid{PhiMax: 37, Beta: 2, Theta: 20},
		neuron.RectifiedQuadratic{Scale: 0.25, Theta: 10}, supportOnly{neuron.DefaultSigmoid()},
	}
	mus := []float64{-1e6, -1e3, -60, 0, 60, 1e3, 1e6}
	variances := []float64{1e-12, 1e-3, 1, 1e4, 1e8}
	for _, tf := range transfers {
		e, err := NewEngine(tf)
		if err != nil {
			t.Fatal(err)
		}
		for _, mu := range mus {
			for _, v := range variances {
				q := math.Max(78, 2*mu*mu/v)
				c, err := e.Coefficients(mu, v, q, 1)
				if err != nil {
					if !strings.Contains(err.Error(), "vanishes") && !strings.Contains(err.Error(), "not finite") {
						t.Errorf("%v μ=%v σ²=%v: unexpected error %v", tf, mu, v, err)
					}
					if math.Abs(mu) <= 60 && v >= 1e-3 && v <= 1e4 {
						if _, ok := tf.(neuron.Sigmoid); ok {
							t.Errorf("%v μ=%v σ²=%v: error inside the accuracy domain: %v", tf, mu, v, err)
						}
					}
					continue
				}
				if !finite(c.I1, c.I2, c.I3, c.C1, c.C2, c.C3, c.GammaS, c.G1, c.G2, c.G3, c.G4) || !(c.I1 > 0) {
					t.Errorf("%v μ=%v σ²=%v: non-finite coefficients %+v", tf, mu, v, c)
				}
				gs, err := e.GammaS(mu, v)
				if err != nil || !(gs > 0) || math.IsInf(gs, 0) {
					t.Errorf("%v μ=%v σ²=%v: GammaS = %v, %v", tf, mu, v, gs, err)
				}
			}
		}
	}
	e, _ := NewEngine(neuron.Sigmoid{PhiMax: 100, Beta: 2, Theta: 10})
	if _, err := e.Coefficients(-1000, 1, 78000, 1); err == nil || !strings.Contains(err.Error(), "vanishes") {
		t.Errorf("far below threshold: error %v, want \"Fisher information vanishes\"", err)
	}
}

// TestInconsistentOperatingPointIsAnError: μ² > q σ² cannot come from
// weights and rates (Eqn 85) and may make Eqn 81 indefinite.
func TestInconsistentOperatingPointIsAnError(t *testing.T) {
	e, _ := NewEngine(neuron.Sigmoid{PhiMax: 37, Beta: 2, Theta: 20})
	if _, err := e.Coefficients(-60, 1e-3, 78, 1); err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Errorf("error %v, want a not-positive-definite report", err)
	}
}

// TestEngineIsSafeForConcurrentUseAndAllocationFree runs Coefficients from
// many goroutines (meaningful under -race) and checks zero allocations.
func TestEngineIsSafeForConcurrentUseAndAllocationFree(t *testing.T) {
	for _, tf := range []neuron.Transfer{neuron.DefaultSigmoid(), &neuron.Sigmoid{PhiMax: 10, Beta: 1, Theta: 0},
		neuron.RectifiedQuadratic{Scale: 0.25, Theta: -3}, supportOnly{neuron.DefaultSigmoid()}, plainTransfer{neuron.DefaultSigmoid()}} {
		e, err := NewEngine(tf)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]Coefficients, 64)
		for i := range want {
			want[i], _ = e.Coefficients(float64(i)-30, 0.5+float64(i), 500, 1)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range want {
					if got, _ := e.Coefficients(float64(i)-30, 0.5+float64(i), 500, 1); got != want[i] {
						t.Errorf("%v: concurrent result differs at %d", tf, i)
					}
				}
			}()
		}
		wg.Wait()
		allocs := testing.AllocsPerRun(50, func() {
			e.Coefficients(3, 7, 78, 1)
			e.Moments(3, 7)
			e.GammaS(3, 7)
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations per call, want 0", tf, allocs)
		}
	}
}

// momenterTransfer is a user transfer function with closed-form moments.
type momenterTransfer struct{ neuron.RectifiedQuadratic }

func (m momenterTransfer) FisherGaussianMoments(mu, variance float64) (m0, m1, m2 float64) {
	return 1.5, 0.25, -0.125
}

// TestEnginePrefersGaussianMomenter checks the optional interface and the
// raw moments derived from its centred ones.
func TestEnginePrefersGaussianMomenter(t *testing.T) {
	e, err := NewEngine(momenterTransfer{neuron.RectifiedQuadratic{Scale: 1, Theta: 0}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.Coefficients(2, 4, 78, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.C1 != 1.5 || c.C2 != 0.25/4 || c.C3 != -0.125/16 || c.I2 != 2*1.5+0.25 || c.I3 != -0.125+2*2*0.25+(4+4)*1.5 {
		t.Errorf("coefficients %+v do not come from FisherGaussianMoments", c)
	}
	if e.Transfer() == nil {
		t.Error("Transfer() = nil")
	}
}

// TestInputStatisticsFollowEqn36 checks μ_V, σ_V², q by hand.
func TestInputStatisticsFollowEqn36(t *testing.T) {
	k := neuron.Kernel{Eps0: 2, TauM: 0.01, TauS: 0.003, Dt: 0.0005}
	ws, rates := []float64{0.1, -0.3, 0.2}, []float64{10, 20, 50}
	mu, v, q := InputStatistics(k, ws, rates)
	cEps := 2 * (0.01 + 0.003) / 4
	if relErr(mu, 2*(1-6+10)) > 1e-15 || relErr(v, (0.1+1.8+2)/cEps) > 1e-15 || relErr(q, cEps*4*80) > 1e-15 {
		t.Errorf("InputStatistics = %v, %v, %v", mu, v, q)
	}
}

// TestMatrixPanicsOnShapeMismatch checks the gonum-style programmer-error
// panics and the sizing of an empty destination.
func TestMatrixPanicsOnShapeMismatch(t *testing.T) {
	k := neuron.DefaultKernel()
	c := Coefficients{C1: 1, GammaS: 1}
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("%s: no panic", name)
			} else if s, ok := r.(string); !ok || !strings.HasPrefix(s, "fisher: ") {
				t.Errorf("%s: panic %v, want a \"fisher: \" message", name, r)
			}
		}()
		f()
	}
	mustPanic("rates length", func() { Matrix(&mat.SymDense{}, c, k, []float64{1, 2}, []float64{1}) })
	mustPanic("dst size", func() { Matrix(mat.NewSymDense(3, nil), c, k, []float64{1, 2}, []float64{1, 1}) })
	mustPanic("zero rate", func() { InverseMatrix(&mat.SymDense{}, c, k, []float64{1, 2}, []float64{1, 0}) })
	mustPanic("empty", func() { Matrix(&mat.SymDense{}, c, k, nil, nil) })
	mustPanic("inputs length", func() { InputStatistics(k, []float64{1}, nil) })
	mustPanic("MC ws length", func() {
		MonteCarloMatrix(&mat.SymDense{}, neuron.DefaultSigmoid(), []float64{1}, mat.NewDense(2, 2, nil))
	})
	mustPanic("Norm length", func() { Norm(mat.NewSymDense(2, nil), []float64{1}) })
	mustPanic("Angle length", func() { Angle(nil, []float64{1, 2}, []float64{1}) })
	var dst mat.SymDense
	Matrix(&dst, c, k, []float64{1, 2}, []float64{1, 1})
	if dst.SymmetricDim() != 2 {
		t.Errorf("empty dst sized to %d, want 2", dst.SymmetricDim())
	}
}
