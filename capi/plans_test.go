package capi

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/natspike/natspike/internal/config"
)

// parsesDuring returns how many configuration texts f made PlanTrain parse.
func parsesDuring(f func()) int64 {
	before := TrainParses()
	f()
	return TrainParses() - before
}

// TestPlanThenRunParsesOnce: a plan call (PlanTrain, as bindings.TrainPlan
// makes it) followed by the run of the same text, n and trials parses the
// text once, for ns_train and ns_run_trials, and the run's numbers are those
// of a fresh parse (learn.Run on config.ParseTrain, bit for bit). A run for
// another number of trials is another plan: it parses.
func TestPlanThenRunParsesOnce(t *testing.T) {
	js := strings.Replace(trainJSON, `"seed":7`, `"seed":90417`, 1) // a text no other test planned
	r, w, ws := []float64{10, 50, 30}, []float64{0.02, -0.01, 0.03}, []float64{0.1, 0.2, -0.1}
	var out trialOutputs
	got := parsesDuring(func() {
		_, plan, err := PlanTrain(js, 3, 0)
		if err != nil {
			t.Fatal(err)
		}
		var table bufferTable
		out, table = newTrialOutputs(plan, true, true)
		table.add("rates", r, 3)
		table.add("w0", w, 3)
		table.add("teacher_weights", ws, 3)
		errBuf := newErrBuffer(512)
		e, el := errBuf.args()
		b, nb := table.args()
		if c := outcome("ns_train", ns_train(cString(js), cLongLong(3), b, nb, nil, nil, e, el), errBuf); !c.ok() {
			t.Fatalf("ns_train: %d %s", c.status, c.msg)
		}
	})
	if got != 1 {
		t.Errorf("plan and ns_train parsed the configuration %d times, want 1", got)
	}
	lc, want := learnRun(t, js, config.Arrays{Rates: r, W0: w, TeacherWeights: ws}, 0)
	for _, o := range lc.Present() {
		for i, x := range *o.Slot(&want) {
			if math.Float64bits(out[o.Name][i]) != math.Float64bits(x) {
				t.Fatalf("%s[%d]: ns_train after a plan wrote %v, learn.Run %v", o.Name, i, out[o.Name][i], x)
			}
		}
	}

	js = strings.Replace(js, `"teacher":"realizable"`, `"teacher":"poisson","teacher_rate":20`, 1) // runTrials passes no target weights
	w0s := append(append([]float64{}, w...), ws...)
	got = parsesDuring(func() {
		if _, _, err := PlanTrain(js, 3, 2); err != nil {
			t.Fatal(err)
		}
		if _, c := runTrials(t, js, r, w0s, 2, 1); !c.ok() {
			t.Fatalf("ns_run_trials: %d %s", c.status, c.msg)
		}
	})
	if got != 1 {
		t.Errorf("plan and ns_run_trials parsed the configuration %d times, want 1", got)
	}
	if got = parsesDuring(func() { runTrials(t, js, r, append(w0s, w...), 3, 1) }); got != 1 {
		t.Errorf("ns_run_trials of 3 trials after plans of 0 and 2 parsed %d times, want 1", got)
	}
}

// TestHeldPlansAreBoundedLeastRecentlyUsedFirst plans more texts than are
// kept: heldPlans stay, the least recently used is dropped (planning it
// again parses), a recently used one is kept (planning it again does not).
func TestHeldPlansAreBoundedLeastRecentlyUsedFirst(t *testing.T) {
	text := func(i int) string {
		return strings.Replace(trainJSON, `"seed":7`, fmt.Sprintf(`"seed":%d`, 70000+i), 1)
	}
	plan := func(i int) int64 {
		return parsesDuring(func() {
			if _, _, err := PlanTrain(text(i), 3, 0); err != nil {
				t.Fatal(err)
			}
		})
	}
	for i := range heldPlans {
		plan(i)
	}
	if plan(0) != 0 { // text 0 is now the most recently used
		t.Fatal("a text planned just before was parsed again")
	}
	for i := heldPlans; i < heldPlans+3; i++ { // drops texts 1, 2, 3
		if plan(i) != 1 {
			t.Fatalf("new text %d was not parsed", i)
		}
	}
	if n := heldCount(); n != heldPlans {
		t.Errorf("%d plans held, want %d", n, heldPlans)
	}
	if plan(0) != 0 {
		t.Error("the recently used text 0 was dropped")
	}
	if plan(1) != 1 {
		t.Error("the least recently used text 1 was kept")
	}
}

// TestRefusedAndLongConfigurationsAreNotHeld: a refused configuration is
// parsed (and refused with the same message) every time; a text longer
// than maxHeldText is planned but not kept.
func TestRefusedAndLongConfigurationsAreNotHeld(t *testing.T) {
	bad := strings.Replace(trainJSON, `"eta":0.001`, `"eta":-1`, 1)
	var msgs []string
	if got := parsesDuring(func() {
		for range 2 {
			_, _, err := PlanTrain(bad, 3, 0)
			if err == nil {
				t.Fatal("eta -1 accepted")
			}
			msgs = append(msgs, err.Error())
		}
	}); got != 2 || msgs[0] != msgs[1] || !strings.Contains(msgs[0], "eta") {
		t.Errorf("a refused configuration planned twice: %d parses, messages %q", got, msgs)
	}
	long := strings.Replace(trainJSON, `{`, `{"silent_rate":0.000100`+strings.Repeat("0", maxHeldText)+`,`, 1)
	if got := parsesDuring(func() {
		for range 2 {
			if _, _, err := PlanTrain(long, 3, 0); err != nil {
				t.Fatal(err)
			}
		}
	}); got != 2 {
		t.Errorf("a text of %d bytes planned twice was parsed %d times, want 2 (not held)", len(long), got)
	}
}

// TestRunLeavesTheHeldConfigurationAsParsed: running trials of a layer (a
// configuration with a map, a slice and pointers) from a held plan leaves
// the held configuration equal to a fresh parse of its text, so the next
// run starts from the same one.
func TestRunLeavesTheHeldConfigurationAsParsed(t *testing.T) {
	js := strings.Replace(layerJSON, `"seed":7`, `"seed":90418`, 1)
	js = strings.Replace(js, `{`, `{"neuron":{"beta":0.25},"coefficient_tolerance":1e-6,"event_driven":true,`, 1)
	if _, _, err := PlanTrain(js, 3, 2); err != nil {
		t.Fatal(err)
	}
	w0s := []float64{0.02, -0.01, 0.03, 0.01, 0.02, -0.02, 0.03, 0.01, 0.02, -0.01, 0.01, 0.02}
	if _, c := runTrials(t, js, []float64{10, 50, 30}, w0s, 2, 2); !c.ok() {
		t.Fatalf("ns_run_trials: %d %s", c.status, c.msg)
	}
	fresh, err := config.ParseTrain([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	held, _, _ := PlanTrain(js, 3, 2)
	if !reflect.DeepEqual(held, fresh) {
		t.Errorf("held configuration after a run\n%+v\nfresh parse\n%+v", held, fresh)
	}
}

// TestPlansFromManyThreads plans 24 texts from 6 goroutines at once (as
// run_trials' worker threads do; run with -race): every plan is that of a
// fresh parse of its own text, and no more than heldPlans are kept.
func TestPlansFromManyThreads(t *testing.T) {
	text := func(i int) string {
		return strings.Replace(trainJSON, `"seed":7`, fmt.Sprintf(`"seed":%d`, 80000+i%24), 1)
	}
	want := make([]config.TrainConfig, 24)
	for i := range want {
		want[i], _ = config.ParseTrain([]byte(text(i)))
	}
	errs := make(chan error, 6)
	for g := range 6 {
		go func() {
			for i := g; i < g+200; i++ {
				c, _, err := PlanTrain(text(i), 3, 0)
				if err == nil && !reflect.DeepEqual(c, want[i%24]) {
					err = fmt.Errorf("text %d planned as seed %d", i%24, c.Seed)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := heldCount(); n > heldPlans {
		t.Errorf("%d plans held, at most %d allowed", n, heldPlans)
	}
}
