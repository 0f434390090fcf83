package learn

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/rule"
)

// denseAndEvents returns a random bins × n 0/1 matrix and the same spikes
// as sorted (bin, afferent) events.
func denseAndEvents(bins, n int, p float64) (dense, events []float64) {
	rng := rand.New(rand.NewPCG(3, 4))
	dense = make([]float64, bins*n)
	for k := 0; k < bins; k++ {
		for i := 0; i < n; i++ {
			if rng.Float64() < p {
				dense[k*n+i] = 1
				events = append(events, float64(k), float64(i))
			}
		}
	}
	return dense, events
}

func TestSparseReplayIsBitIdenticalToDenseReplay(t *testing.T) {
	for _, kind := range []rule.Kind{rule.Euclidean, rule.Natural, rule.Approximate} {
		for _, ev := range []bool{false, true} {
			cfg := fig3Config(kind, []float64{1e-3, 2e-3, 1.5e-3}[kind], 0.5, 12)
			cfg.EventDriven = ev
			dense, events := denseAndEvents(cfg.Bins(), 12, 0.02)
			var a, b Result
			cfg.InputSpikes = dense
			if err := Run(context.Background(), cfg, &a); err != nil {
				t.Fatal(err)
			}
			cfg.InputSpikes, cfg.InputEvents = nil, events
			if err := Run(context.Background(), cfg, &b); err != nil {
				t.Fatal(err)
			}
			if d := bitIdentical(a, b); d != "" {
				t.Errorf("%v event_driven=%v: sparse and dense replay differ: %s", kind, ev, d)
			}
			if a.Final[0] == cfg.W0[0] {
				t.Fatal("weights did not move: the comparison would be vacuous")
			}
		}
	}
}

func TestSparseReplayRefusesBadEventsNamingInputEvents(t *testing.T) {
	for _, c := range []struct {
		events []float64
		want   string
	}{
		{[]float64{0, 1, 0, 1}, "at most one spike"},
		{[]float64{3, 0, 2, 0}, "sorted by bin"},
		{[]float64{0, 12}, "afferent must be a whole number in [0, 12)"},
		{[]float64{-1, 0}, "bin must be a whole number"},
		{[]float64{1e9, 0}, "bin must be a whole number"},
		{[]float64{0.5, 0}, "bin must be a whole number"},
		{[]float64{0}, "pairs"},
	} {
		cfg := fig3Config(rule.Natural, 1e-3, 0.1, 12)
		cfg.InputEvents = c.events
		err := Run(context.Background(), cfg, &Result{})
		if err == nil || !strings.Contains(err.Error(), "input_events") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("events %v: got %v, want an error naming input_events and %q", c.events, err, c.want)
		}
	}
}

func oneSegment(cfg Config) Config {
	cfg.Schedule = input.RateSchedule{Starts: []int{0}, Rates: append([]float64(nil), cfg.Rates...)}
	return cfg
}

func TestOneSegmentScheduleIsBitIdenticalToConstantRates(t *testing.T) {
	for _, kind := range []rule.Kind{rule.Euclidean, rule.Natural, rule.Approximate} {
		for _, ev := range []bool{false, true} {
			cfg := fig3Config(kind, []float64{1e-3, 2e-3, 1.5e-3}[kind], 0.5, 12)
			cfg.EventDriven = ev
			cfg.Rule.CoefficientTol = 1e-9 * float64(kind) // exercises the coefficient cache for the approximate rule
			var a, b Result
			if err := Run(context.Background(), cfg, &a); err != nil {
				t.Fatal(err)
			}
			if err := Run(context.Background(), oneSegment(cfg), &b); err != nil {
				t.Fatal(err)
			}
			if d := bitIdentical(a, b); d != "" {
				t.Errorf("%v event_driven=%v: one-segment schedule differs from constant rates: %s", kind, ev, d)
			}
			split := oneSegment(cfg)
			split.Schedule = input.RateSchedule{Starts: []int{0, 333}, Rates: append(split.Schedule.Rates, cfg.Rates...)}
			var c Result
			if err := Run(context.Background(), split, &c); err != nil {
				t.Fatal(err)
			}
			if d := bitIdentical(a, c); d != "" {
				t.Errorf("%v event_driven=%v: a segment split in two differs from constant rates: %s", kind, ev, d)
			}
		}
	}
}

// The first segment equals a constant-rate run of its length bit for bit,
// the second changes the run, and the event-driven form agrees with the
// dense one across switches.
func TestScheduleFirstSegmentEqualsConstantRunAndFormsAgree(t *testing.T) {
	cfg := fig3Config(rule.Natural, 2e-3, 0.5, 12)
	cfg.RecordEvery = 100
	second := make([]float64, 12)
	for i := range second {
		second[i] = 80 - 5*float64(i)
	}
	cfg.Schedule = input.RateSchedule{Starts: []int{0, 400, 700}, Rates: append(append(append([]float64(nil), cfg.Rates...), second...), cfg.Rates...)}
	var sched Result
	if err := Run(context.Background(), cfg, &sched); err != nil {
		t.Fatal(err)
	}
	head := cfg
	head.Schedule, head.Duration = input.RateSchedule{}, 0.2
	var a Result
	if err := Run(context.Background(), head, &a); err != nil {
		t.Fatal(err)
	}
	for i := range a.Weights {
		if a.Weights[i] != sched.Weights[i] {
			t.Fatalf("weights[%d] before the first switch: %v with the schedule, %v without", i, sched.Weights[i], a.Weights[i])
		}
	}
	constant := head
	constant.Duration = 0.25
	var c Result
	if err := Run(context.Background(), constant, &c); err != nil {
		t.Fatal(err)
	}
	if j := len(a.Weights) + 1; sched.Weights[j] == c.Weights[j] {
		t.Error("the second segment did not change the run")
	}
	ev := cfg
	ev.EventDriven = true
	var e Result
	if err := Run(context.Background(), ev, &e); err != nil {
		t.Fatal(err)
	}
	if d := relativeDeviation(sched.Weights, e.Weights); d > 1e-9 {
		t.Errorf("event-driven vs dense with a schedule: relative deviation %.3g > 1e-9", d)
	}
}

func TestScheduleRefusesBadSegments(t *testing.T) {
	base := fig3Config(rule.Natural, 2e-3, 0.1, 4)
	for _, c := range []struct {
		s    input.RateSchedule
		want string
	}{
		{input.RateSchedule{Starts: []int{1}, Rates: base.Rates}, "start at 0"},
		{input.RateSchedule{Starts: []int{0, 0}, Rates: append(base.Rates, base.Rates...)}, "strictly increasing"},
		{input.RateSchedule{Starts: []int{0, 5}, Rates: base.Rates}, "shape (2, 4)"},
		{input.RateSchedule{Starts: []int{0, 5}, Rates: append(append([]float64(nil), base.Rates...), -1, 0, 0, 0)}, "segment 1: rates[0] must be finite and >= 0"},
		{input.RateSchedule{Starts: []int{0}, Rates: []float64{1, 2, 3, 4}}, "first segment"},
	} {
		cfg := base
		cfg.Schedule = c.s
		err := Run(context.Background(), cfg, &Result{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.s, err, c.want)
		}
	}
	pool := base
	pool.InputPool = InputPool{Size: 2}
	pool = oneSegment(pool)
	if err := Run(context.Background(), pool, &Result{}); err == nil || !strings.Contains(err.Error(), "rate schedule cannot be combined") {
		t.Errorf("pool + schedule: %v", err)
	}
}

// A layer under a two-segment schedule switches every neuron and the shared
// inputs together: each row equals its neuron trained alone under the same
// schedule, bit for bit, dense and event-driven.
func TestLayerUnderScheduleEqualsNeuronsAlone(t *testing.T) {
	for _, kind := range []rule.Kind{rule.Euclidean, rule.Natural, rule.Approximate} {
		for _, ev := range []bool{false, true} {
			cfg := fig3Config(kind, []float64{1e-3, 2e-3, 1.5e-3}[kind], 0.5, 12)
			cfg.EventDriven = ev
			later := make([]float64, len(cfg.Rates))
			for i, r := range cfg.Rates {
				later[i] = 2 * r
			}
			cfg.Schedule = input.RateSchedule{Starts: []int{0, 400}, Rates: append(append([]float64(nil), cfg.Rates...), later...)}
			compareLayer(t, fmt.Sprintf("%v event_driven=%v schedule", kind, ev), cfg, layerOf(cfg, 3))
		}
	}
}
