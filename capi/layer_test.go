package capi

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/internal/config"
)

const layerJSON = `{"rule":"natural","eta":0.001,"duration":0.05,"record_every":0.01,` +
	`"teacher":"poisson","teacher_rates":[20,40],"test_samples":2,"test_bins":10,"seed":7,"neurons":2}`

// TestRunTrialsOfLayerEqualsLearnRun runs 2 trials of a layer of 2 neurons
// through ns_run_trials (per-trial initial weights, the teacher's rates
// shared) and compares every trial's outputs with learn.Run of that trial.
func TestRunTrialsOfLayerEqualsLearnRun(t *testing.T) {
	r, w0 := []float64{10, 50, 30}, []float64{0.02, -0.01, 0.03, 0.01, 0, -0.02}
	w0s := append(slices.Clone(w0), w0...)
	out, c := runTrials(t, layerJSON, r, w0s, 2, 2)
	if !c.ok() {
		t.Fatalf("ns_run_trials: %d %s", c.status, c.msg)
	}
	if len(out["weights"]) != 2*2*6*3 || len(out["kl"]) != 2*2*6 {
		t.Fatalf("weights %d, kl %d entries", len(out["weights"]), len(out["kl"]))
	}
	for trial := range 2 {
		lc, want := learnRun(t, layerJSON, config.Arrays{Rates: r, W0: w0}, uint64(trial))
		for _, o := range lc.Present() {
			got, size := out[o.Name], o.Size(lc)
			if !o.Shared {
				got = got[trial*size : (trial+1)*size]
			}
			if !slices.Equal(got, *o.Slot(&want)) {
				t.Errorf("trial %d %s: ns_run_trials wrote %v, learn.Run %v", trial, o.Name, got, *o.Slot(&want))
			}
		}
	}
}

// TestLayerBuffersAreChecked: a layer has m x n initial and target
// weights and m teacher rates; a single neuron has no teacher_rates.
func TestLayerBuffersAreChecked(t *testing.T) {
	r, w := []float64{10, 50, 30}, make([]float64, 6)
	realizable := strings.Replace(layerJSON, `"teacher":"poisson","teacher_rates":[20,40]`, `"teacher":"realizable"`, 1)
	for js, cases := range map[string]map[string]func(*bufferTable){
		layerJSON: {
			"w0 must have 6 entries": func(b *bufferTable) { b.add("w0", r, 3) },
		},
		strings.Replace(layerJSON, "[20,40]", "[20]", 1): {
			"teacher rates of a layer must have 2": func(b *bufferTable) { b.add("w0", w, 6) },
		},
		realizable: {
			"teacher_weights must have 6": func(b *bufferTable) { b.add("w0", w, 6); b.add("teacher_weights", r, 3) },
		},
		strings.Replace(trainJSON, `"teacher":"realizable"`, `"teacher":"poisson","teacher_rates":[20]`, 1): {
			"teacher_rates are for a layer": func(b *bufferTable) { b.add("w0", r, 3) },
		},
	} {
		for want, bad := range cases {
			table := bufferTable{}
			table.add("rates", r, 3)
			bad(&table)
			err := newErrBuffer(512)
			e, el := err.args()
			b, nb := table.args()
			c := outcome("ns_train", ns_train(cString(js), cLongLong(3), b, nb, nil, nil, e, el), err)
			if c.status != StatusInvalid || !strings.Contains(c.msg, want) {
				t.Errorf("got status %d %q, want NS_INVALID naming %q", c.status, c.msg, want)
			}
		}
	}
}

// TestRunTrialsNamesTheDivergingTrialOfABatch: trial 5 of 8 run on one
// worker (two batches of 4 in lockstep) diverges; ns_run_trials names it by
// its index with the error learn.Run gives it alone, and marks only the
// other batch's trials completed.
func TestRunTrialsNamesTheDivergingTrialOfABatch(t *testing.T) {
	const js = `{"rule":"natural","eta":0.001,"duration":0.2,"teacher":"poisson","teacher_rate":20,` +
		`"test_samples":2,"test_bins":10,"seed":7,"event_driven":true,"coefficient_tolerance":1e-9}`
	r := []float64{10, 50, 30}
	w0s := make([]float64, 8*3)
	for i := range w0s {
		w0s[i] = 0.01 * float64(i%3-1)
	}
	w0s[5*3], w0s[5*3+1] = 1e6, 1e6 // trial 5: the potential leaves ±MaxPotential
	out, c := runTrials(t, js, r, w0s, 8, 1)
	tc, _ := config.ParseTrain([]byte(js))
	lc, _ := tc.Learn(config.Arrays{Rates: r, W0: w0s[15:18]}, 5)
	alone := learn.Run(context.Background(), lc, &learn.Result{})
	if alone == nil || c.ok() || c.msg != "trial 5: "+alone.Error() {
		t.Fatalf("ns_run_trials: %d %q, want %q", c.status, c.msg, "trial 5: "+fmt.Sprint(alone))
	}
	if want := []float64{1, 1, 1, 1, 0, 0, 0, 0}; !slices.Equal(out["completed"], want) {
		t.Errorf("completed %v, want %v", out["completed"], want)
	}
}

// runTrials calls ns_run_trials with configuration js, rates r and the
// trials' initial weights w0s on the given number of workers.
func runTrials(t *testing.T, js string, r, w0s []float64, trials, workers int) (trialOutputs, callOutcome) {
	t.Helper()
	n := len(r)
	plan, ok, _ := trainWork(js, int64(n), trials)
	if !ok {
		t.Fatal("plan refused")
	}
	out, table := newTrialOutputs(plan, true, true)
	table.add("rates", r, int64(n))
	table.add("w0", w0s, int64(len(w0s)))
	err := newErrBuffer(512)
	e, el := err.args()
	b, nb := table.args()
	return out, outcome("ns_run_trials", ns_run_trials(cString(js), cLongLong(int64(n)), cLongLong(int64(trials)), cLongLong(0), cInt(int32(workers)), b, nb, nil, nil, e, el), err)
}
