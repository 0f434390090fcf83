package capi

import (
	"math"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
)

// sharedJSONs are configurations of the same trials that differ in the
// rule, the learning rate and the evaluation.
var sharedJSONs = []string{
	`{"rule":"natural","eta":0.002,"duration":0.05,"record_every":0.01,"teacher":"realizable","test_samples":3,"test_bins":20,"seed":5}`,
	`{"rule":"euclidean","eta":0.0001,"duration":0.05,"record_every":0.01,"teacher":"realizable","test_samples":3,"test_bins":20,"seed":5,"exact":true}`,
	`{"rule":"approximate","eta":0.001,"duration":0.05,"record_every":0.01,"teacher":"realizable","test_samples":3,"test_bins":20,"seed":5,"event_driven":false}`,
}

// TestRunConfigurationsEqualsRunTrials: every configuration's slice of the
// outputs of ns_run_configurations equals, bit for bit, ns_run_trials of
// that configuration alone (3 trials from trial 4, 2 workers).
func TestRunConfigurationsEqualsRunTrials(t *testing.T) {
	const n, trials, first = 3, 3, 4
	r := []float64{10, 50, 30}
	w0 := []float64{0.02, -0.01, 0.03, 0.01, 0, -0.02, 0.03, 0.02, 0.01}
	tw := []float64{0.1, 0.2, -0.1, -0.1, 0.1, 0.2, 0.2, -0.1, 0.1}
	plan, ok, _ := trainWork(sharedJSONs[0], n, trials)
	if !ok {
		t.Fatal("plan refused")
	}
	k := len(sharedJSONs)
	shared, table := trialOutputs{}, bufferTable{}
	for _, p := range plan.Outputs {
		if p.Origin != learn.FromInput {
			shared[p.Name] = make([]float64, k*product(p.Shape))
			table.add(p.Name, shared[p.Name], int64(len(shared[p.Name])))
		}
	}
	table.add("rates", r, n)
	table.add("w0", w0, n*trials)
	table.add("teacher_weights", tw, n*trials)
	err := newErrBuffer(512)
	e, el := err.args()
	b, nb := table.args()
	js := "[" + strings.Join(sharedJSONs, ",") + "]"
	if c := outcome("ns_run_configurations", ns_run_configurations(cString(js), cLongLong(n), cLongLong(trials), cLongLong(first), cInt(2), b, nb, nil, nil, e, el), err); !c.ok() {
		t.Fatalf("ns_run_configurations: %d %s", c.status, c.msg)
	}
	for j, cfg := range sharedJSONs {
		alone, table := newTrialOutputs(plan, true, true)
		table.add("rates", r, n)
		table.add("w0", w0, n*trials)
		table.add("teacher_weights", tw, n*trials)
		b, nb := table.args()
		if c := outcome("ns_run_trials", ns_run_trials(cString(cfg), cLongLong(n), cLongLong(trials), cLongLong(first), cInt(1), b, nb, nil, nil, e, el), err); !c.ok() {
			t.Fatalf("ns_run_trials: %d %s", c.status, c.msg)
		}
		for name, want := range alone {
			got := shared[name][j*len(want) : (j+1)*len(want)]
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("configuration %d %s[%d]: shared %v, alone %v", j, name, i, got[i], want[i])
				}
			}
		}
		if alone["completed"][trials-1] != 1 || alone["weights"][len(alone["weights"])-1] == 0 {
			t.Fatalf("configuration %d: nothing ran", j)
		}
	}
}

// Configurations that may not share their trials are refused naming the
// parameter, before anything runs.
func TestRunConfigurationsRefusesOtherTrials(t *testing.T) {
	err := newErrBuffer(512)
	e, el := err.args()
	for js, want := range map[string]string{
		"[" + sharedJSONs[0] + "," + strings.Replace(sharedJSONs[1], `"seed":5`, `"seed":6`, 1) + "]":              "seed: configuration 1",
		"[" + sharedJSONs[0] + "," + strings.Replace(sharedJSONs[1], `"duration":0.05`, `"duration":0.1`, 1) + "]": "configuration 1 records other outputs",
		sharedJSONs[0]: "configurations: a JSON array",
		"[]":           "configurations: give 1 to",
	} {
		c := outcome("ns_run_configurations", ns_run_configurations(cString(js), cLongLong(3), cLongLong(2), cLongLong(0), cInt(1), nil, 0, nil, nil, e, el), err)
		if c.status != StatusInvalid || !strings.Contains(c.msg, want) {
			t.Errorf("%s: status %d %q, want NS_INVALID naming %q", js, c.status, c.msg, want)
		}
	}
}
