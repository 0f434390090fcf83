package learn

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// relativeDeviation returns max |a − b| / max |b|.
func relativeDeviation(a, b []float64) float64 {
	d, m := 0.0, 0.0
	for i := range b {
		d = math.Max(d, math.Abs(a[i]-b[i]))
		m = math.Max(m, math.Abs(b[i]))
	}
	return d / m
}

// eventVariants is the number of variants applyEventVariant knows.
const eventVariants = 4

// applyEventVariant sets variant v of a comparison of evaluation forms: 0
// the Fig 3F trial as it is, 1 dendritic weights (α = 0.25 … 1), 2 a
// Poisson teacher and a silent afferent, 3 a coefficient schedule and the
// authors' convention.
func applyEventVariant(cfg *Config, v int) {
	switch v {
	case 1:
		alpha := make([]float64, len(cfg.W0))
		for i := range alpha {
			alpha[i] = 0.25 * float64(1+i%4)
			cfg.W0[i] /= alpha[i]
		}
		cfg.Param = neuron.Dendritic{Alpha: alpha}
	case 2:
		cfg.Teacher = Teacher{Kind: PoissonTeacher, Rate: 20}
		cfg.Rates[3] = 0
	case 3:
		cfg.Rule.Refresh, cfg.Rule.LR = 7, rule.Authors
	}
}

// TestEventDrivenMatchesDenseTrajectories runs the same trials (same
// spikes, same teacher stream) densely and event-driven, for every rule,
// somatic and dendritic weights, realizable and Poisson teachers, and
// coefficient schedules, and requires the weight trajectories to agree to
// 1e-9 relative (the bar for a shortcut is 1e-6).
func TestEventDrivenMatchesDenseTrajectories(t *testing.T) {
	eta := map[rule.Kind]float64{rule.Euclidean: 2e-6, rule.Natural: 2e-3, rule.Approximate: 1.5e-3}
	for _, kind := range benchRules {
		for variant := range eventVariants {
			cfg := fig3Config(kind, eta[kind], 15, 30)
			cfg.RecordEvery = 997
			cfg.TraceEvery = 31
			applyEventVariant(&cfg, variant)
			dense, events := denseAndEventDriven(t, cfg)
			dw := relativeDeviation(events.Weights, dense.Weights)
			dv := relativeDeviation(events.Voltage, dense.Voltage)
			dk := relativeDeviation(events.KL, dense.KL)
			if dw > 1e-9 || dv > 1e-9 || dk > 1e-7 {
				t.Errorf("%v variant %d: weights deviate by %.2g, V by %.2g, KL by %.2g", kind, variant, dw, dv, dk)
			}
			if relativeDeviation(dense.Weights[len(dense.Weights)-30:], dense.Weights[:30]) < 1e-3 {
				t.Errorf("%v variant %d: weights barely moved, the comparison is vacuous", kind, variant)
			}
			t.Logf("%v variant %d: weights %.2g, V %.2g, KL %.2g", kind, variant, dw, dv, dk)
		}
	}
}

func TestEventDrivenRejectsAlphaKernel(t *testing.T) {
	cfg := fig3Config(rule.Natural, 1e-3, 1, 4)
	cfg.Kernel.TauS = cfg.Kernel.TauM
	cfg.EventDriven = true
	if err := Run(context.Background(), cfg, &Result{}); err == nil {
		t.Fatal("alpha kernel accepted in event-driven mode")
	}
}

// TestEventDrivenStaysCloseOverLongRuns checks that rounding does not build
// up: 200 s (400 000 bins, thousands of epochs and sum refreshes) at n = 300
// with the paper's natural-gradient learning rate.
func TestEventDrivenStaysCloseOverLongRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("long run")
	}
	cfg := fig3Config(rule.Natural, 6e-4, 200, 300)
	cfg.Rule.LR = rule.Authors
	cfg.RecordEvery = 20000
	dense, events := denseAndEventDriven(t, cfg)
	if d := relativeDeviation(events.Weights, dense.Weights); d > 1e-9 {
		t.Errorf("weights deviate by %.2g after 200 s", d)
	} else {
		t.Logf("weights deviate by %.2g after 200 s", d)
	}
}

// denseAndEventDriven runs cfg densely and event-driven.
func denseAndEventDriven(t *testing.T, cfg Config) (dense, events Result) {
	t.Helper()
	if err := Run(context.Background(), cfg, &dense); err != nil {
		t.Fatal(err)
	}
	cfg.EventDriven = true
	if err := Run(context.Background(), cfg, &events); err != nil {
		t.Fatal(err)
	}
	return dense, events
}

// defaultEvaluation is the default evaluation of train and run_trials:
// event-driven, coefficient cache at 1e-9.
func defaultEvaluation(c Config) Config {
	c.EventDriven, c.Rule.CoefficientTol = true, 1e-9
	return c
}

// TestEventDrivenNumbersDoNotDependOnRecords: reading the weights leaves
// the event-driven state alone, so records every 0.1 s, every 0.25 s or
// only at the ends give bit-identical weights at their common times and at
// the end, for every rule, somatic and dendritic weights.
func TestEventDrivenNumbersDoNotDependOnRecords(t *testing.T) {
	const n = 12
	alpha := make([]float64, n)
	for i := range alpha {
		alpha[i] = 0.3 + 0.05*float64(i)
	}
	for _, k := range []struct {
		kind rule.Kind
		eta  float64
	}{{rule.Euclidean, 1.5e-6}, {rule.Natural, 2e-3}, {rule.Approximate, 1.5e-3}} {
		for _, param := range []neuron.Parametrization{nil, neuron.Dendritic{Alpha: alpha}} {
			runs := map[int]Result{}
			for _, every := range []int{200, 500, 0} { // 0.1 s, 0.25 s, none
				c := defaultEvaluation(fig3Config(k.kind, k.eta, 1, n))
				c.Param, c.RecordEvery = param, every
				runs[every] = runOrFail(t, c)
			}
			name := fmt.Sprintf("%v/%T", k.kind, param)
			a, b, none := runs[200], runs[500], runs[0]
			if !slices.Equal(a.Final, b.Final) || !slices.Equal(a.Final, none.Final) {
				t.Errorf("%s: final weights depend on record_every: %v, %v, %v", name, a.Final[0], b.Final[0], none.Final[0])
			}
			for _, tm := range []struct{ ja, jb int }{{0, 0}, {5, 2}, {10, 4}} { // t = 0, 0.5 s, 1 s
				if !slices.Equal(a.Weights[tm.ja*n:(tm.ja+1)*n], b.Weights[tm.jb*n:(tm.jb+1)*n]) {
					t.Errorf("%s: weights at t = %g s differ between record_every 0.1 s and 0.25 s", name, a.Times[tm.ja])
				}
			}
			if a.Final[0] == a.Weights[0] {
				t.Errorf("%s: the weights did not move", name)
			}
		}
	}
}
