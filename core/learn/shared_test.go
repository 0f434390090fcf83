package learn

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// sharedMembers returns the configurations of one trial that the shared
// run batches: every rule, dense and event-driven (where the scenario
// allows it), exact and with the coefficient cache, a second learning
// rate, and one member that records spikes and keeps its state (where the
// scenario allows it: the input pool allows neither the event-driven form
// nor a state, a rate schedule no state).
func sharedMembers(base func(rule.Kind) Config, inputs string) []Config {
	pool := inputs == "pool"

	var out []Config
	for _, kind := range rule.Kinds() {
		for _, ev := range []bool{false, true} {
			if ev && pool {
				continue
			}
			for _, tol := range []float64{0, 1e-9} {
				c := base(kind)
				c.EventDriven, c.Rule.CoefficientTol = ev, tol
				out = append(out, c)
			}
		}
		c := base(kind)
		c.Rule.Eta *= 0.5
		c.RecordSpikes, c.KeepState, c.TraceEvery = true, !pool && inputs != "schedule", 5
		out = append(out, c)
	}
	return out
}

// sameResult names the first output of a that differs in any bit from b,
// the recorded spikes and the state included.
func sameResult(a, b Result) string {
	if d := bitIdentical(a, b); d != "" {
		return d
	}
	return firstDifference([]namedPair{{"times", a.Times, b.Times}, {"spike_bits", a.SpikeBits, b.SpikeBits},
		{"teacher_spike_bits", a.TeacherSpikeBits, b.TeacherSpikeBits}, {"state", a.State, b.State}})
}

// runSharedAndAlone runs cfgs with RunShared and each alone with Run and
// reports every member that differs in any output.
func runSharedAndAlone(t *testing.T, name string, cfgs []Config) []Result {
	t.Helper()
	shared := make([]Result, len(cfgs))
	ptrs := make([]*Result, len(cfgs))
	for j := range shared {
		ptrs[j] = &shared[j]
	}
	if err := RunShared(context.Background(), cfgs, ptrs); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for j, c := range cfgs {
		alone := mustRun(t, c)
		if d := sameResult(shared[j], alone); d != "" {
			t.Errorf("%s, member %d (%v, eta %g, event_driven %v, tol %g): shared run differs from the run alone: %s",
				name, j, c.Rule.Kind, c.Rule.Eta, c.EventDriven, c.Rule.CoefficientTol, d)
		}
	}
	return shared
}

// TestSharedConfigurationsEqualRunsAlone: K configurations of one trial run
// on one draw of its inputs and teacher give, member by member, bit for bit
// the results of each run alone (weights at every record, final weights,
// D_KL, rate error, weight distance, V, φ, recorded spikes, state), for
// every rule, somatic and dendritic weights, dense and event-driven, exact
// and cached coefficients, every teacher kind, Poisson, replayed and pooled
// inputs and a rate schedule; and a continued shared trial equals the
// continued runs alone.
func TestSharedConfigurationsEqualRunsAlone(t *testing.T) {
	for _, teacher := range []TeacherKind{Realizable, PoissonTeacher, ReplayTeacher} {
		for _, inputs := range []string{"poisson", "replay", "pool", "schedule"} {
			for _, dendritic := range []bool{false, true} {
				name := fmt.Sprintf("teacher %v/%s/dendritic %v", teacher, inputs, dendritic)
				base := func(kind rule.Kind) Config {
					in := inputs
					if in == "schedule" {
						in = "poisson"
					}
					c := agreementCase(rule.Natural, neuron.DefaultSigmoid(), dendritic, teacher, "", in, false)
					c.Rule = rule.DefaultConfig(kind, map[rule.Kind]float64{rule.Euclidean: 2e-4, rule.Natural: 5e-3, rule.Approximate: 5e-3}[kind])
					if inputs == "schedule" {
						second := make([]float64, len(c.Rates))
						for i := range second {
							second[i] = 70 - 2*float64(i)
						}
						c.Schedule = input.RateSchedule{Starts: []int{0, 900}, Rates: append(append([]float64(nil), c.Rates...), second...)}
					}
					return c
				}
				cfgs := sharedMembers(base, inputs)
				shared := runSharedAndAlone(t, name, cfgs)
				if inputs == "poisson" {
					continueShared(t, name, cfgs, shared)
				}
			}
		}
	}
}

// continueShared continues the members that kept their state by half a
// second, shared and alone.
func continueShared(t *testing.T, name string, cfgs []Config, first []Result) {
	t.Helper()
	var next []Config
	for j, c := range cfgs {
		if c.KeepState {
			c.State, c.Duration = first[j].State, 0.5
			next = append(next, c)
		}
	}
	runSharedAndAlone(t, name+", continued", next)
}

// Configurations that would draw different streams are refused with an
// error naming the field; layers are refused.
func TestSharedConfigurationsRefuseDifferentStreams(t *testing.T) {
	base := fig3Config(rule.Natural, 2e-3, 0.1, 12)
	for _, c := range []struct {
		field string
		mod   func(*Config)
	}{
		{"Seed", func(c *Config) { c.Seed++ }},
		{"Trial", func(c *Config) { c.Trial++ }},
		{"Rates", func(c *Config) { c.Rates = append([]float64{11}, c.Rates[1:]...) }},
		{"W0", func(c *Config) { c.W0 = append([]float64{0.01}, c.W0[1:]...) }},
		{"Teacher", func(c *Config) { c.Teacher = Teacher{Kind: PoissonTeacher, Rate: 20} }},
		{"Duration", func(c *Config) { c.Duration = 0.2 }},
		{"Kernel", func(c *Config) { c.Kernel.Dt = 1e-4 }},
		{"RecordEvery", func(c *Config) { c.RecordEvery = 3 }},
		{"TestSamples", func(c *Config) { c.TestSamples = 7 }},
		{"InputPool", func(c *Config) { c.InputPool = InputPool{Size: 2, Interval: 0.05} }},
	} {
		other := base
		c.mod(&other)
		err := RunShared(context.Background(), []Config{base, other}, []*Result{{}, {}})
		if err == nil || !strings.HasPrefix(err.Error(), c.field+": configuration 1 differs") {
			t.Errorf("%s differs: error %v, want one naming %s", c.field, err, c.field)
		}
	}
	layer := layerOf(base, 2)
	if err := RunShared(context.Background(), []Config{layer, layer}, []*Result{{}, {}}); err == nil || !strings.Contains(err.Error(), "neurons") {
		t.Errorf("layers: error %v, want one naming neurons", err)
	}
	if err := RunShared(context.Background(), []Config{base}, []*Result{}); err == nil {
		t.Error("one configuration and no result: no error")
	}
	bad := base
	bad.Rule.Eta = math.NaN()
	if err := RunShared(context.Background(), []Config{base, bad}, []*Result{{}, {}}); err == nil || !strings.HasPrefix(err.Error(), "configuration 1: ") {
		t.Errorf("invalid configuration: error %v, want one naming configuration 1", err)
	}
}

// TestLeanSharedConfigurationsEqualRunsAlone: configurations that write no
// output bin by bin (all event-driven, drawn teachers) run through
// leanSharedSteps and still give, member by member, bit for bit the runs
// alone, for every rule, exact and cached coefficients, two learning
// rates, both parametrizations, both drawn teachers and a rate schedule;
// a member diverging is named as in the general loop.
func TestLeanSharedConfigurationsEqualRunsAlone(t *testing.T) {
	for _, teacher := range []TeacherKind{Realizable, PoissonTeacher} {
		for _, schedule := range []bool{false, true} {
			for _, dendritic := range []bool{false, true} {
				name := fmt.Sprintf("lean: teacher %v/schedule %v/dendritic %v", teacher, schedule, dendritic)
				cfgs := leanMembers(teacher, schedule, dendritic)
				assertLeanShared(t, name, cfgs)
				runSharedAndAlone(t, name, cfgs)
			}
		}
	}
	quadratic := leanMembers(Realizable, false, false) // φ and φ'/φ without the batched exponentials
	for j := range quadratic {
		quadratic[j].Transfer = neuron.RectifiedQuadratic{Scale: 0.02, Theta: -20}
	}
	assertLeanShared(t, "lean: rectified quadratic transfer", quadratic)
	runSharedAndAlone(t, "lean: rectified quadratic transfer", quadratic)
	cfgs := leanMembers(Realizable, false, false)
	cfgs[2].Rule.Eta = 50 // this member diverges
	err := RunShared(context.Background(), cfgs, results(len(cfgs)))
	alone := Run(context.Background(), cfgs[2], &Result{})
	if err == nil || alone == nil || err.Error() != "configuration 2: "+alone.Error() {
		t.Errorf("a diverging lean member: shared error %v, want %q", err, "configuration 2: "+fmt.Sprint(alone))
	}
}

// TestLeanSharedMembersKeepTheirOwnNumbers: Fig 9's mix (natural and
// Euclidean members alternating, at several learning rates), 7 members so
// that the exponentials leave a group of fewer than four, runs through
// leanSharedSteps and equals the runs alone member by member; raising one
// member's learning rate changes that member's results and leaves every
// other member's bit for bit. The natural members' coefficients are
// evaluated together (rule.CoefficientLanes) where the kernel serves.
func TestLeanSharedMembersKeepTheirOwnNumbers(t *testing.T) {
	const perturbed = 3
	mix := func(factor float64) []Config {
		var cfgs []Config
		for j, x := range []float64{0.5, 0.8, 1, 1.4, 2, 0.6, 1.2} {
			kind := []rule.Kind{rule.Natural, rule.Euclidean}[j%2]
			if j == perturbed {
				x *= factor
			}
			cfgs = append(cfgs, defaultEvaluation(fig3Config(kind, x*benchEta[kind], 2, 20)))
		}
		return cfgs
	}
	assertLeanShared(t, "fig 9 mix", mix(1))
	cs := mix(1)
	for j := range cs {
		cs[j].setDefaults()
	}
	if l, err := newShared(cs, results(len(cs))); err != nil || (l.lanes != nil) != (fisher.NewInverseLanes([]*fisher.Cache{{}}) != nil) {
		t.Fatalf("fig 9 mix: coefficient lanes %v (error %v), want them wherever the kernel serves", l != nil && l.lanes != nil, err)
	}
	base := runSharedAndAlone(t, "fig 9 mix", mix(1))
	other := runSharedAndAlone(t, "fig 9 mix, one member's eta raised", mix(1.25))
	for j := range other {
		switch d := sameResult(other[j], base[j]); {
		case j == perturbed && d == "":
			t.Errorf("member %d's eta raised: its results did not change", j)
		case j != perturbed && d != "":
			t.Errorf("member %d changed (%s) when member %d's eta was raised", j, d, perturbed)
		}
	}
}

// TestLeanSharedFig9EqualsRunsAlone: Fig 9's 22 configurations at paper
// size (BenchmarkSharedFig9's) over 30 s at n = 100, their state kept (the
// coefficient caches' counts included), run through leanSharedSteps equal
// the runs alone member by member, bit for bit.
func TestLeanSharedFig9EqualsRunsAlone(t *testing.T) {
	var cfgs []Config
	for _, x := range fig9Factors {
		for _, kind := range []rule.Kind{rule.Natural, rule.Euclidean} {
			c := defaultEvaluation(fig3Config(kind, x*benchEta[kind], 30, 100))
			c.KeepState = true
			cfgs = append(cfgs, c)
		}
	}
	assertLeanShared(t, "fig 9", cfgs)
	runSharedAndAlone(t, "fig 9", cfgs)
}

// TestLeanSharedFig12EqualsRunsAlone: Fig 12C's three configurations
// (BenchmarkSharedFig12's: natural, Euclidean and approximate at Table 1's
// learning rates, authors' convention, 10/30 Hz) over 30 s at n = 100,
// their state kept, run through leanSharedSteps equal the runs alone
// member by member, bit for bit.
func TestLeanSharedFig12EqualsRunsAlone(t *testing.T) {
	cfgs := fig12Configs(30, 100)
	for j := range cfgs {
		cfgs[j].KeepState = true
	}
	assertLeanShared(t, "fig 12", cfgs)
	runSharedAndAlone(t, "fig 12", cfgs)
}

// leanMembers returns event-driven configurations of one trial with
// nothing recorded bin by bin: every rule, exact and cached, and a second
// learning rate.
func leanMembers(teacher TeacherKind, schedule, dendritic bool) []Config {
	var out []Config
	for _, kind := range rule.Kinds() {
		for _, tol := range []float64{0, 1e-9} {
			for _, f := range []float64{1, 0.5} {
				c := agreementCase(rule.Natural, neuron.DefaultSigmoid(), dendritic, teacher, "", "poisson", false)
				c.Rule = rule.DefaultConfig(kind, f*map[rule.Kind]float64{rule.Euclidean: 2e-4, rule.Natural: 5e-3, rule.Approximate: 5e-3}[kind])
				c.EventDriven, c.Rule.CoefficientTol, c.TraceEvery, c.RecordSpikes = true, tol, 0, false
				if schedule {
					second := make([]float64, len(c.Rates))
					for i := range second {
						second[i] = 70 - 2*float64(i)
					}
					c.Schedule = input.RateSchedule{Starts: []int{0, 900}, Rates: append(append([]float64(nil), c.Rates...), second...)}
				}
				out = append(out, c)
			}
		}
	}
	return out
}

// assertLeanShared fails unless cfgs run through leanSharedSteps.
func assertLeanShared(t *testing.T, name string, cfgs []Config) {
	t.Helper()
	cs := append([]Config(nil), cfgs...)
	for j := range cs {
		cs[j].setDefaults()
	}
	l, err := newShared(cs, results(len(cs)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !l.leanMembers() {
		t.Fatalf("%s: the configurations do not take the lean shared loop", name)
	}
}

func results(k int) []*Result {
	res := make([]*Result, k)
	for j := range res {
		res[j] = &Result{}
	}
	return res
}
