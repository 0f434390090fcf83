package config

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
)

// evalTask is a learning task of n afferents at 10 and 50 Hz with weights
// in ±1/n, the settings of tests/test_speed_options.py.
func evalTask(n int, dendritic bool) Arrays {
	rng := rand.New(rand.NewPCG(11, 0))
	a := Arrays{Rates: make([]float64, n), W0: make([]float64, n), TeacherWeights: make([]float64, n)}
	for i := range n {
		a.Rates[i] = map[bool]float64{true: 10, false: 50}[i < n/2]
		a.W0[i] = (2*rng.Float64() - 1) / float64(n)
		a.TeacherWeights[i] = (2*rng.Float64() - 1) / float64(n)
	}
	if dendritic {
		a.Attenuation = make([]float64, n)
		for i := range a.Attenuation {
			a.Attenuation[i] = 0.3 + 0.7*rng.Float64()
		}
	}
	return a
}

// runEval runs one trial of the JSON configuration and returns the config
// it ran and its weight records.
func runEval(t *testing.T, js string, a Arrays) (learn.Config, []float64) {
	t.Helper()
	lc := mustLearn(t, js, a)
	var res learn.Result
	if err := learn.Run(context.Background(), lc, &res); err != nil {
		t.Fatal(err)
	}
	return lc, res.Weights
}

// relativeDeviation is max |a − b| over the largest weight change of b
// from its first record (n entries per record).
func relativeDeviation(a, b []float64, n int) (dev, change float64) {
	for i := range b {
		dev = math.Max(dev, math.Abs(a[i]-b[i]))
		change = math.Max(change, math.Abs(b[i]-b[i%n]))
	}
	return dev / change, change
}

// TestDefaultAgreesWithExactForEveryRule: the default evaluation (event-
// driven where it applies, coefficient cache at DefaultCoefficientTolerance)
// and exact = true (dense, quadrature in every bin) share their random
// streams, so their trajectories agree to 1e-8 of the weight change, for
// every rule, somatic and dendritic weights, realizable and Poisson
// teachers, and where the default falls back to the dense loop (alpha
// kernel, input pool).
func TestDefaultAgreesWithExactForEveryRule(t *testing.T) {
	const n = 20
	eta := map[string]string{"euclidean": "1.5e-6", "natural": "2e-3", "approximate": "1.5e-3"}
	cases := []struct{ teacher, extra string }{
		{`"teacher":"realizable"`, ""},
		{`"teacher":"poisson","teacher_rate":20`, ""},
		{`"teacher":"realizable"`, `,"neuron":{"tau_s":0.01}`},
		{`"teacher":"poisson","teacher_rate":20`, `,"input_pool_size":20`},
	}
	for _, r := range []string{"euclidean", "natural", "approximate"} {
		for _, dendritic := range []bool{false, true} {
			for ci, cs := range cases {
				if ci >= 2 && dendritic {
					continue // the fallbacks once per rule
				}
				name := fmt.Sprintf("%s/dendritic=%v/%s%s", r, dendritic, cs.teacher, cs.extra)
				js := fmt.Sprintf(`{"rule":%q,"eta":%s,"duration":10,"record_every":0.5,"seed":3,"test_samples":1,"test_bins":1,%s%s`,
					r, eta[r], cs.teacher, cs.extra)
				a := evalTask(n, dendritic)
				fast, wf := runEval(t, js+`}`, a)
				ref, we := runEval(t, js+`,"exact":true}`, a)
				if ref.EventDriven || ref.Rule.CoefficientTol != 0 {
					t.Fatalf("%s: exact ran event-driven %v, tolerance %g", name, ref.EventDriven, ref.Rule.CoefficientTol)
				}
				if want := ci < 2; fast.EventDriven != want || fast.Rule.CoefficientTol != DefaultCoefficientTolerance {
					t.Errorf("%s: default ran event-driven %v (want %v), tolerance %g", name, fast.EventDriven, want, fast.Rule.CoefficientTol)
				}
				dev, change := relativeDeviation(wf, we, n)
				t.Logf("%s: %.3g of %.3g", name, dev, change)
				if dev > 1e-8 || change < 1e-3/n {
					t.Errorf("%s: default deviates from exact by %.3g of the weight change %.3g", name, dev, change)
				}
			}
		}
	}
}

// TestEvaluationOverrides: event_driven and coefficient_tolerance override
// the default's choices; with exact they may only repeat its choices.
func TestEvaluationOverrides(t *testing.T) {
	a := evalTask(4, false)
	for in, want := range map[string]struct {
		events bool
		tol    float64
	}{
		`"event_driven":false`:                                                   {false, DefaultCoefficientTolerance},
		`"coefficient_tolerance":0`:                                              {true, 0},
		`"coefficient_tolerance":1e-6`:                                           {true, 1e-6},
		`"exact":true,"event_driven":false`:                                      {false, 0},
		`"exact":true,"coefficient_tolerance":0`:                                 {false, 0},
		`"exact":true,"event_driven":null`:                                       {false, 0},
		`"event_driven":true,"neuron":{"tau_s":0.01}`:                            {true, 0}, // refused below
		`"event_driven":null,"input_pool_size":3`:                                {false, DefaultCoefficientTolerance},
		`"exact":false,"coefficient_tolerance":null`:                             {true, DefaultCoefficientTolerance},
		`"exact":true,"coefficient_tolerance":null,"rule":"approximate","c_u":1`: {false, 0},
	} {
		c, err := ParseTrain([]byte(`{"eta":0.001,"duration":1,` + in + `}`))
		if err != nil {
			t.Fatal(err)
		}
		lc, err := c.Learn(a, 0)
		if strings.Contains(in, "tau_s") {
			if err == nil || !strings.Contains(err.Error(), "event_driven") {
				t.Errorf("%s: error %v, want it to name event_driven", in, err)
			}
			continue
		}
		if err != nil || lc.EventDriven != want.events || lc.Rule.CoefficientTol != want.tol {
			t.Errorf("%s: event-driven %v, tolerance %g, %v; want %v, %g", in, lc.EventDriven, lc.Rule.CoefficientTol, err, want.events, want.tol)
		}
	}
}
