package learn

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/rule"
)

// independentTrials returns leanMembers as independent trials: trial j has
// its own streams (Trial = j) and initial weights scaled by 1 + j/10, and
// every third keeps its end state.
func independentTrials(teacher TeacherKind, schedule, dendritic bool) []Config {
	cfgs := leanMembers(teacher, schedule, dendritic)
	for j := range cfgs {
		c := &cfgs[j]
		c.Trial = uint64(j)
		c.W0 = append([]float64(nil), c.W0...)
		for i := range c.W0 {
			c.W0[i] *= 1 + float64(j)/10
		}
		c.KeepState = j%3 == 0 && !schedule // a rate schedule cannot be continued
	}
	return cfgs
}

// runBatchAndAlone runs cfgs with RunBatch and each alone with Run and
// reports every trial that differs in any bit of any output (the end state
// included).
func runBatchAndAlone(t *testing.T, name string, cfgs []Config) {
	t.Helper()
	batch := results(len(cfgs))
	if err := RunBatch(context.Background(), cfgs, batch); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for j, c := range cfgs {
		var alone Result
		if err := Run(context.Background(), c, &alone); err != nil {
			t.Fatalf("%s: trial %d alone: %v", name, j, err)
		}
		if d := sameResult(*batch[j], alone); d != "" {
			t.Errorf("%s: trial %d differs from its run alone: %s", name, j, d)
		}
		if relativeDeviation(alone.Final, alone.Weights[:len(alone.Final)]) < 1e-3 {
			t.Errorf("%s: trial %d: weights barely moved, the comparison is vacuous", name, j)
		}
	}
}

// lockstep reports whether RunBatch steps cfgs in lockstep (newBatch).
func lockstep(t *testing.T, name string, cfgs []Config) bool {
	t.Helper()
	return lockstepBatch(t, name, cfgs) != nil
}

// lockstepBatch returns the batch RunBatch steps cfgs in, or nil if they
// run one after another.
func lockstepBatch(t *testing.T, name string, cfgs []Config) *batch {
	t.Helper()
	ls := make([]*layer, len(cfgs))
	for j, c := range cfgs {
		c.setDefaults()
		var err error
		if ls[j], err = newLayer(c, &Result{}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return newBatch(ls)
}

// lanesServed reports whether the kernel of fisher.InverseLanes serves on
// this CPU and build.
func lanesServed() bool { return fisher.NewInverseLanes([]*fisher.Cache{{}}) != nil }

// TestBatchOfTrialsEqualsRunsAlone: independent trials stepped in lockstep
// (every rule, exact and cached coefficients, two learning rates, somatic
// and dendritic weights, realizable and Poisson teachers, with and without
// a rate schedule, some keeping their end state) give bit for bit the
// outputs of each trial run alone; so do batches that cannot run in
// lockstep (one trial dense, or different durations) and run one by one.
func TestBatchOfTrialsEqualsRunsAlone(t *testing.T) {
	for _, teacher := range []TeacherKind{Realizable, PoissonTeacher} {
		for _, schedule := range []bool{false, true} {
			for _, dendritic := range []bool{false, true} {
				name := fmt.Sprintf("teacher %v/schedule %v/dendritic %v", teacher, schedule, dendritic)
				cfgs := independentTrials(teacher, schedule, dendritic)
				b := lockstepBatch(t, name, cfgs)
				if b == nil {
					t.Fatalf("%s: the trials do not run in lockstep", name)
				}
				if (b.lanes != nil) != lanesServed() {
					t.Fatalf("%s: coefficient lanes %v, want them wherever the kernel serves", name, b.lanes != nil)
				}
				runBatchAndAlone(t, name, cfgs)
			}
		}
	}
	mixed := independentTrials(Realizable, false, false)[:4]
	mixed[1].EventDriven = false
	longer := independentTrials(PoissonTeacher, false, true)[:3]
	longer[2].Duration *= 1.5
	for name, cfgs := range map[string][]Config{"one trial dense": mixed, "different durations": longer} {
		if lockstep(t, name, cfgs) {
			t.Fatalf("%s: the trials run in lockstep", name)
		}
		runBatchAndAlone(t, name, cfgs)
	}
}

// TestBatchTrialsKeepTheirOwnNumbers: in a lockstep batch of natural
// trials (their coefficients in rule.CoefficientLanes where the kernel
// serves) and approximate and Euclidean ones, raising one trial's η or
// changing its seed changes that trial's results and no other's.
func TestBatchTrialsKeepTheirOwnNumbers(t *testing.T) {
	const perturbed = 2
	trials := func(change func(*Config)) []*Result {
		var cfgs []Config
		for j, kind := range []rule.Kind{rule.Natural, rule.Approximate, rule.Natural, rule.Natural, rule.Euclidean, rule.Natural} {
			c := defaultEvaluation(fig3Config(kind, benchEta[kind], 2, 20))
			c.Trial = uint64(j)
			if j == perturbed {
				change(&c)
			}
			cfgs = append(cfgs, c)
		}
		if b := lockstepBatch(t, "mix", cfgs); b == nil || (b.lanes != nil) != lanesServed() {
			t.Fatalf("mix: lockstep %v, coefficient lanes %v", b != nil, b != nil && b.lanes != nil)
		}
		res := results(len(cfgs))
		if err := RunBatch(context.Background(), cfgs, res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	base := trials(func(*Config) {})
	for name, change := range map[string]func(*Config){
		"eta raised":   func(c *Config) { c.Rule.Eta *= 1.25 },
		"seed changed": func(c *Config) { c.Trial = 100 },
	} {
		for j, r := range trials(change) {
			switch d := sameResult(*r, *base[j]); {
			case j == perturbed && d == "":
				t.Errorf("trial %d's %s: its results did not change", j, name)
			case j != perturbed && d != "":
				t.Errorf("trial %d changed (%s) when trial %d's %s", j, d, perturbed, name)
			}
		}
	}
}

// TestBatchNamesTheDivergingTrial: a trial of a batch that diverges is
// named by its index with the error it has alone.
func TestBatchNamesTheDivergingTrial(t *testing.T) {
	for _, mixed := range []bool{false, true} {
		cfgs := independentTrials(Realizable, false, false)[:4]
		cfgs[2].Rule.Eta = 50
		cfgs[0].EventDriven = !mixed
		err := RunBatch(context.Background(), cfgs, results(len(cfgs)))
		alone := Run(context.Background(), cfgs[2], &Result{})
		var te *TrialError
		if !errors.As(err, &te) || te.Index != 2 || alone == nil || te.Err.Error() != alone.Error() || !errors.Is(err, ErrDiverged) {
			t.Errorf("mixed %v: batch error %v, want trial 2 with %v", mixed, err, alone)
		}
	}
	cfgs := independentTrials(Realizable, false, false)[:3]
	cfgs[1].Rule.Eta = -1
	var te *TrialError
	if err := RunBatch(context.Background(), cfgs, results(3)); !errors.As(err, &te) || te.Index != 1 {
		t.Errorf("an invalid trial 1: %v", err)
	}
}

// TestBatchReportsTheLowestDivergingTrialNotTheFirstInTime: in a lockstep
// batch trial 3 diverges at bin 108 and trial 1 only at bin 218. The batch
// reports trial 1 with its error alone, as running the trials one by one
// does, and trial 0, which runs on past bin 108, ends bit for bit as alone.
func TestBatchReportsTheLowestDivergingTrialNotTheFirstInTime(t *testing.T) {
	for _, mixed := range []bool{false, true} {
		cfgs := independentTrials(Realizable, false, false)[:5]
		cfgs[1].Rule.Eta, cfgs[3].Rule.Eta = 50, 200
		cfgs[4].EventDriven = !mixed
		if lockstep(t, "batch", cfgs) == mixed {
			t.Fatalf("mixed %v: lockstep %v", mixed, !mixed)
		}
		res := results(len(cfgs))
		err := RunBatch(context.Background(), cfgs, res)
		first := Run(context.Background(), cfgs[3], &Result{})
		want := Run(context.Background(), cfgs[1], &Result{})
		var te *TrialError
		if !errors.As(err, &te) || te.Index != 1 || want == nil || te.Err.Error() != want.Error() {
			t.Errorf("mixed %v: batch error %v, want trial 1 with %v (not trial 3's %v)", mixed, err, want, first)
		}
		var alone Result
		if err := Run(context.Background(), cfgs[0], &alone); err != nil {
			t.Fatal(err)
		}
		if d := sameResult(*res[0], alone); d != "" {
			t.Errorf("mixed %v: trial 0 differs from its run alone: %s", mixed, d)
		}
	}
}

// TestBatchCancelsAndReportsProgress: a cancelled context stops a batch
// with ctx.Err(), and an uncancelled batch reports every trial's bins.
func TestBatchCancelsAndReportsProgress(t *testing.T) {
	cfgs := independentTrials(Realizable, false, false)[:4]
	var bins int
	for j := range cfgs {
		cfgs[j].Progress = func(k int) { bins += k }
	}
	if err := RunBatch(context.Background(), cfgs, results(4)); err != nil || bins != 4*cfgs[0].Bins() {
		t.Errorf("progress %d bins, want %d (err %v)", bins, 4*cfgs[0].Bins(), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := RunBatch(ctx, cfgs, results(4)); err != context.Canceled {
		t.Errorf("cancelled batch: %v, want %v", err, context.Canceled)
	}
}
