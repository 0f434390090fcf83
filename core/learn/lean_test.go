package learn

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/natspike/natspike/core/rule"
)

// TestLeanStepsMatchTheGeneralLoop runs the same event-driven trials by
// leanSteps and by the general per-bin loop (which an output written bin by
// bin, RecordSpikes, selects) for every rule, somatic and dendritic
// weights, realizable and Poisson teachers, a coefficient schedule and the
// authors' convention, a rate schedule and a diverging learning rate: the
// weights, the objective and any error must be bit for bit the same. Every
// trial spans many epochs (ends of epochs and recomputed sums) and bins
// with and without input spikes.
func TestLeanStepsMatchTheGeneralLoop(t *testing.T) {
	eta := map[rule.Kind]float64{rule.Euclidean: 2e-6, rule.Natural: 2e-3, rule.Approximate: 1.5e-3}
	for _, kind := range benchRules {
		for variant := range eventVariants + 2 {
			cfg := fig3Config(kind, eta[kind], 12, 24)
			cfg.EventDriven, cfg.RecordEvery = true, 1999
			if kind != rule.Euclidean {
				cfg.Rule.CoefficientTol = 1e-9
			}
			diverging := variant == eventVariants+1
			switch variant {
			case eventVariants: // a rate schedule: the rates swap halves at bin 9000
				cfg.Schedule.Starts = []int{0, 9000}
				cfg.Schedule.Rates = append(slices.Clone(cfg.Rates), cfg.Rates[12:]...)
				cfg.Schedule.Rates = append(cfg.Schedule.Rates, cfg.Rates[:12]...)
			case eventVariants + 1:
				cfg.Rule.Eta *= 3e4
				if kind == rule.Euclidean {
					cfg.Rule.Eta = 50
				}
			default:
				applyEventVariant(&cfg, variant)
			}
			name := fmt.Sprintf("%v/variant=%d", kind, variant)
			lean, general := leanAndGeneral(t, name, cfg)
			if diverging {
				if lean.err == nil || general.err == nil || lean.err.Error() != general.err.Error() {
					t.Errorf("%s: errors %v (lean) and %v (general), want the same divergence", name, lean.err, general.err)
				}
				continue
			}
			if lean.err != nil || general.err != nil {
				t.Fatalf("%s: %v, %v", name, lean.err, general.err)
			}
			for _, f := range []struct {
				name string
				a, b []float64
			}{{"weights", lean.Weights, general.Weights}, {"final", lean.Final, general.Final}, {"KL", lean.KL, general.KL}} {
				if !bitEqual(f.a, f.b) {
					t.Errorf("%s: %s differ: %v (lean) vs %v (general)", name, f.name, f.a[len(f.a)-1], f.b[len(f.b)-1])
				}
			}
			if relativeDeviation(lean.Final, lean.Weights[:len(lean.Final)]) < 1e-3 {
				t.Errorf("%s: weights barely moved, the comparison is vacuous", name)
			}
		}
	}
}

type leanRun struct {
	Result
	err error
}

// leanAndGeneral runs cfg by leanSteps and, with RecordSpikes, by the
// general loop, checking that each takes the path it is meant to.
func leanAndGeneral(t *testing.T, name string, cfg Config) (lean, general leanRun) {
	t.Helper()
	for _, r := range []struct {
		spikes bool
		out    *leanRun
	}{{false, &lean}, {true, &general}} {
		c := cfg
		c.RecordSpikes = r.spikes
		c.setDefaults()
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		l, err := newLayer(c, &r.out.Result)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if (l.lean() != nil) == r.spikes {
			t.Fatalf("%s: record_spikes %v takes the wrong loop", name, r.spikes)
		}
		r.out.err = l.run(context.Background())
		if epochs := l.neurons[0].events.State().Epochs; r.out.err == nil && epochs < 10 {
			t.Fatalf("%s: %d epochs, want many (ends of epochs, recomputed sums)", name, epochs)
		}
	}
	return lean, general
}

func bitEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}
