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

const trainJSON = `{"rule":"natural","eta":0.001,"duration":0.05,"record_every":0.01,"trace_every":0.0025,` +
	`"teacher":"realizable","test_samples":2,"test_bins":10,"seed":7}`

// learnRun runs trial of configuration js on arrays a with learn.Run.
func learnRun(t *testing.T, js string, a config.Arrays, trial uint64) (learn.Config, learn.Result) {
	t.Helper()
	tc, _ := config.ParseTrain([]byte(js))
	lc, err := tc.Learn(a, trial)
	var res learn.Result
	if err == nil {
		err = learn.Run(context.Background(), lc, &res)
	}
	if err != nil {
		t.Fatal(err)
	}
	return lc, res
}

// TestTrainBindsBuffersByName runs ns_train with its buffers in an order of
// its own and compares every output with learn.Run on the same
// configuration: the names, not the positions, decide where each goes.
func TestTrainBindsBuffersByName(t *testing.T) {
	r, w, ws := []float64{10, 50, 30}, []float64{0.02, -0.01, 0.03}, []float64{0.1, 0.2, -0.1}
	plan, ok, _ := trainWork(trainJSON, 3, 0)
	if !ok || plan.Records != 6 || plan.Traces != 20 {
		t.Fatalf("plan %+v, ok %v; want 6 records and 20 traces", plan, ok)
	}
	out, table := newTrialOutputs(plan, true, true)
	slices.Reverse(table)
	table.add("teacher_weights", ws, 3)
	table.add("rates", r, 3)
	table.add("w0", w, 3)
	if c := callTrain(table); !c.ok() {
		t.Fatalf("ns_train: %d %s", c.status, c.msg)
	}
	lc, want := learnRun(t, trainJSON, config.Arrays{Rates: r, W0: w, TeacherWeights: ws}, 0)
	for _, o := range lc.Present() {
		if got := out[o.Name]; !slices.Equal(got, *o.Slot(&want)) {
			t.Errorf("%s: ns_train wrote %v, learn.Run %v", o.Name, got, *o.Slot(&want))
		}
	}
	if len(out) != 8 || out["times"][5] != 0.05 {
		t.Errorf("outputs %v, want 8 with times ending at 0.05 s", out)
	}
}

func callTrain(table bufferTable) callOutcome {
	err := newErrBuffer(512)
	e, el := err.args()
	b, nb := table.args()
	return outcome("ns_train", ns_train(cString(trainJSON), cLongLong(3), b, nb, nil, nil, e, el), err)
}

// TestTrainRefusesBadBufferTables: unknown, repeated and wrongly sized
// buffers are invalid arguments naming the buffer.
func TestTrainRefusesBadBufferTables(t *testing.T) {
	r := []float64{10, 50, 30}
	cases := map[string]func(*bufferTable){
		`"voltage_x" is neither`:  func(b *bufferTable) { b.add("voltage_x", make([]float64, 40), 40) },
		`"rates" is given twice`:  func(b *bufferTable) { b.add("rates", r, 3) },
		"kl must have 6 entries":  func(b *bufferTable) { b.add("kl", make([]float64, 5), 5) },
		"attenuation must have 3": func(b *bufferTable) { b.add("attenuation", r[:2], 2) },
		"weights is a NULL":       func(b *bufferTable) { b.add("weights", nil, 18) },
		fmt.Sprintf("resume_state must have %d entries", learn.StateWords(3)): func(b *bufferTable) {
			b.add("resume_state", make([]float64, 7), 7)
		},
		"not a natspike trial state": func(b *bufferTable) {
			b.add("resume_state", make([]float64, learn.StateWords(3)), int64(learn.StateWords(3)))
		},
	}
	for want, bad := range cases {
		table := bufferTable{}
		table.add("rates", r, 3)
		table.add("w0", r, 3)
		table.add("teacher_weights", r, 3)
		bad(&table)
		if c := callTrain(table); c.status != StatusInvalid || !strings.Contains(c.msg, want) {
			t.Errorf("got status %d %q, want NS_INVALID naming %q", c.status, c.msg, want)
		}
	}
}
