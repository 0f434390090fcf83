package learn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// TestSigmoidSpikeProbabilityBelowOne: a bin's spike probability is φ(V)·dt
// (Bernoulli), which approaches φ_max·dt at high V, so a sigmoid with
// φ_max ≥ 1/dt is refused naming phi_max and 1/dt, for a single neuron and a
// layer; just below 1/dt, and a larger φ_max with a smaller dt, are accepted.
func TestSigmoidSpikeProbabilityBelowOne(t *testing.T) {
	with := func(phiMax, dt float64) Config {
		c := fig3Config(rule.Natural, 1e-3, 0.1, 4)
		s := neuron.DefaultSigmoid()
		s.PhiMax = phiMax
		c.Transfer, c.Kernel.Dt = s, dt
		return c
	}
	for _, phiMax := range []float64{2000, 3000} { // dt = 0.5 ms: 1/dt = 2000 Hz
		for name, c := range map[string]Config{"neuron": with(phiMax, 0.0005), "layer": layerOf(with(phiMax, 0.0005), 2)} {
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), "phi_max must be < 1/dt = 2000 Hz") {
				t.Errorf("%s, phi_max %v: got %v", name, phiMax, err)
			}
		}
	}
	for _, c := range []Config{with(1999, 0.0005), with(3000, 0.0002)} {
		if err := c.Validate(); err != nil {
			t.Errorf("phi_max %v, dt %v: refused: %v", c.Transfer.(neuron.Sigmoid).PhiMax, c.Kernel.Dt, err)
		}
	}
}

// quadraticTeacher is fig3Config's natural-rule run with a rectified
// quadratic of scale 1/4 and threshold theta (mV): above θ, φ(V) = (V − θ)²/4.
func quadraticTeacher(theta float64) Config {
	c := fig3Config(rule.Natural, 1e-3, 0.1, 4)
	c.Transfer = neuron.RectifiedQuadratic{Scale: 0.25, Theta: theta}
	c.TestSamples, c.TestBins = 20, 50
	return c
}

// TestTeacherSpikeProbabilityAboveOneIsRefusedBeforeLearning: with θ = −100 mV
// the teacher's φ*·dt = (V* + 100)²/4 · 0.0005 exceeds 1 wherever V* > −10.6 mV,
// which fig3Config's small teacher weights give on every test sample. Every
// engine refuses such a run before its first bin with an error naming the
// teacher, phi*·dt and the transfer's scale, not as a divergence; at
// θ = −30 mV (φ*·dt ≈ 0.11–0.2) the same run learns.
func TestTeacherSpikeProbabilityAboveOneIsRefusedBeforeLearning(t *testing.T) {
	bad := quadraticTeacher(-100)
	run := map[string]func(Config) error{
		"Run": func(c Config) error { var r Result; return Run(context.Background(), c, &r) },
		"layer": func(c Config) error {
			var r Result
			return Run(context.Background(), layerOf(c, 2), &r)
		},
		"RunShared": func(c Config) error {
			rs := []*Result{{}, {}}
			return RunShared(context.Background(), []Config{c, c}, rs)
		},
	}
	for name, f := range run {
		err := f(bad)
		if err == nil || errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "teacher: its spike probability phi*·dt reaches") ||
			!strings.Contains(err.Error(), "lower its scale") {
			t.Errorf("%s: got %v", name, err)
		}
		if err := f(quadraticTeacher(-30)); err != nil {
			t.Errorf("%s at theta -30: %v", name, err)
		}
	}
}

// TestCheckTeacherProbabilityBoundary: φ*·dt = 1 exactly (2000 Hz at
// dt = 0.5 ms) is a spike in every bin, still a Bernoulli probability; one
// ulp above is refused, naming the highest sample.
func TestCheckTeacherProbabilityBoundary(t *testing.T) {
	if err := checkTeacherProbability([]float64{10, 2000, 1999}, 0.0005); err != nil {
		t.Errorf("2000 Hz refused: %v", err)
	}
	err := checkTeacherProbability([]float64{10, 2000, math.Nextafter(2000, 3000), 5}, 0.0005)
	if err == nil || !strings.Contains(err.Error(), "on test sample 2 ") || !strings.Contains(err.Error(), "1/dt = 2000 Hz") {
		t.Errorf("one ulp above 2000 Hz: got %v", err)
	}
	if err := checkTeacherProbability(nil, 0.0005); err != nil {
		t.Errorf("no samples: %v", err)
	}
}

// TestRecordedStudentSpikeProbabilityAboveOneIsAnError: a student whose
// rectified quadratic gives φ·dt > 1 (θ = −100 mV, as above; a Poisson
// teacher, so only the student's probability is out of range) cannot have
// its spikes recorded: the bin's draw would fire whatever the uniform, a
// silent clamp. With RecordSpikes the run stops at the first such bin with
// an error naming the student and phi·dt, as a divergence at that bin, for
// a single neuron and RunShared (a layer records no spikes). At θ = −30 mV
// the same recording runs.
func TestRecordedStudentSpikeProbabilityAboveOneIsAnError(t *testing.T) {
	with := func(theta float64) Config {
		c := quadraticTeacher(theta)
		c.Teacher = Teacher{Kind: PoissonTeacher, Rate: 20}
		c.RecordSpikes = true
		return c
	}
	run := map[string]func(Config) error{
		"Run": func(c Config) error { var r Result; return Run(context.Background(), c, &r) },
		"RunShared": func(c Config) error {
			rs := []*Result{{}, {}}
			return RunShared(context.Background(), []Config{c, c}, rs)
		},
	}
	for name, f := range run {
		err := f(with(-100))
		if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), "at t = 0 s (bin 0)") ||
			!strings.Contains(err.Error(), "student: its spike probability phi·dt reaches") ||
			!strings.Contains(err.Error(), "or do not record spikes") {
			t.Errorf("%s: got %v", name, err)
		}
		if err := f(with(-30)); err != nil {
			t.Errorf("%s at theta -30: %v", name, err)
		}
	}
}

// TestTeacherSpikeProbabilityAboveOneInATrainingBinIsAnError: at θ = −60 mV
// the teacher's φ*·dt stays below 1 on every test sample (so the run is
// accepted), but with 4 afferents a training bin's V* climbs higher than any
// test sample's. That bin was a teacher spike whatever the uniform, a silent
// clamp; now every engine stops there with a divergence naming the teacher.
// The bin is checked independently: a run whose student has the teacher's
// weights and does not learn (η = 1e-200, so no weight moves by as much as
// one ulp; a Poisson teacher, so the run goes on)
// traces φ(V*) in every bin, and the first bin with φ(V*)·dt > 1 is the
// reported one. A run that ends just before it succeeds.
func TestTeacherSpikeProbabilityAboveOneInATrainingBinIsAnError(t *testing.T) {
	base := quadraticTeacher(-60)
	base.Duration, base.RecordEvery = 2, 4000
	first := firstBinAbove(t, base)
	if first < 0 {
		t.Fatal("the teacher's φ*·dt never exceeds 1 in 2 s: the test no longer tests the training bins")
	}
	want := fmt.Sprintf("at t = %.6g s (bin %d): teacher: its spike probability phi*·dt reaches", float64(first)*base.Kernel.Dt, first)
	dense := base
	dense.EventDriven = false
	exact := dense
	exact.Rule.CoefficientTol = 0
	run := map[string]func(Config) error{
		"event-driven": func(c Config) error { var r Result; return Run(context.Background(), c, &r) },
		"dense":        func(Config) error { var r Result; return Run(context.Background(), dense, &r) },
		"exact":        func(Config) error { var r Result; return Run(context.Background(), exact, &r) },
		"layer":        func(c Config) error { var r Result; return Run(context.Background(), layerOf(c, 2), &r) },
		"RunShared": func(c Config) error {
			return RunShared(context.Background(), []Config{c, c}, []*Result{{}, {}})
		},
	}
	for name, f := range run {
		err := f(base)
		if !errors.Is(err, ErrDiverged) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "the test set stayed below") {
			t.Errorf("%s: got %v, want a divergence %q", name, err, want)
		}
	}
	short := base
	short.Duration, short.RecordEvery = float64(first)*base.Kernel.Dt, first
	var r Result
	if err := Run(context.Background(), short, &r); err != nil {
		t.Errorf("the %d bins before the first φ*·dt > 1: %v", first, err)
	}
}

// firstBinAbove returns the first bin of c in which the teacher's
// φ(V*)·dt exceeds 1, or -1: the student takes the teacher's weights and
// learns nothing, so its traced φ is φ(V*) (its final weights are checked).
func firstBinAbove(t *testing.T, c Config) int {
	c.W0 = append([]float64(nil), c.Teacher.Weights...)
	c.Rule.Eta = 1e-200
	c.Teacher = Teacher{Kind: PoissonTeacher, Rate: 20}
	c.TraceEvery = 1
	var r Result
	if err := Run(context.Background(), c, &r); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Final, c.W0) {
		t.Fatalf("the student learned: %v, not the teacher's %v", r.Final, c.W0)
	}
	for k, phi := range r.Rate {
		if phi*c.Kernel.Dt > 1 {
			return k
		}
	}
	return -1
}
