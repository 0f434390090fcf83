package config

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
)

// TestDescriptionDefaultsAreTheConfigDefaults: every parameter's described
// default is what ParseTrain gives when the key is omitted.
func TestDescriptionDefaultsAreTheConfigDefaults(t *testing.T) {
	var d struct{ Params []map[string]any }
	if err := json.Unmarshal([]byte(Describe().JSON()), &d); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"lr_convention": "exact", "coefficient_refresh": 1.0, "c_u": 0.95, "c_w": 0.05,
		"silent_rate": 1e-4, "record_every": nil, "trace_every": nil, "test_samples": 50.0, "test_bins": 500.0,
		"coefficient_tolerance": nil, "event_driven": nil, "exact": false, "input_pool_size": nil, "input_pool_interval": 1.0,
		"input_pool_stream": 0.0, "rule": nil, "duration": nil, "eta": nil, "record_spikes": false,
		"keep_state": false}
	if len(d.Params) != len(want) {
		t.Fatalf("%d parameters described, want %d", len(d.Params), len(want))
	}
	for _, p := range d.Params {
		if w, ok := want[p["name"].(string)]; !ok || p["default"] != w {
			t.Errorf("%s: default %v (%T), want %v", p["name"], p["default"], p["default"], w)
		}
	}
}

// TestTimesMustBeWholeBins: seconds are converted to bins exactly, and a
// time that is not a whole number of bins is refused, naming the parameter.
func TestTimesMustBeWholeBins(t *testing.T) {
	for _, c := range []struct {
		json string
		bins int
		err  string
	}{
		{`"record_every":0.25`, 500, ""},
		{`"record_every":0.1`, 200, ""}, // 0.1/0.0005 = 200.00000000000003
		{`"record_every":0.00025`, 0, "record_every must be finite, >= dt"},
		{`"record_every":0.10025`, 0, "record_every must be a whole number of bins of dt = 0.0005 s, got 0.10025 s"},
		{`"trace_every":0.0017`, 0, "trace_every must be a whole number of bins"},
		{`"record_every":0`, 0, "record_every must be finite, >= dt"},
	} {
		tc, err := ParseTrain([]byte(`{"eta":1,"duration":1,` + c.json + `}`))
		var lc learn.Config
		if err == nil {
			lc, err = tc.plan()
		}
		if c.err == "" && (err != nil || lc.RecordEvery != c.bins) {
			t.Errorf("%s: %d bins, %v; want %d", c.json, lc.RecordEvery, err, c.bins)
		}
		if c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: error %v, want %q", c.json, err, c.err)
		}
	}
	if _, err := ParseTrain([]byte(`{"eta":1,"duration":1.00025}`)); err != nil {
		t.Fatal(err)
	}
	tc, _ := ParseTrain([]byte(`{"eta":1,"duration":1.00025}`))
	if _, err := tc.Plan(2, 0); err == nil || !strings.Contains(err.Error(), "duration must be a whole number of bins") {
		t.Errorf("duration 1.00025 s: %v", err)
	}
}

// TestParamsRefuseValuesOutsideTheirRange names the parameter and the range.
func TestParamsRefuseValuesOutsideTheirRange(t *testing.T) {
	for in, msg := range map[string]string{
		`"eta":0`:                                   "eta must be > 0, got 0",
		`"test_bins":16777217`:                      "test_bins must be in [1, 16777216], got 16777217",
		`"test_samples":0`:                          "test_samples must be in [1, 1048576], got 0",
		`"input_pool_size":0`:                       "input_pool_size must be None (off) or in [1, 1000000], got 0",
		`"coefficient_tolerance":1`:                 "coefficient_tolerance must be None (automatic) or in [0, 1), got 1",
		`"coefficient_tolerance":1e-15`:             "coefficient_tolerance must be 0 (exact) or in [1e-14, 1)",
		`"exact":true,"event_driven":true`:          "event_driven=True and exact=True cannot be combined",
		`"exact":true,"coefficient_tolerance":1e-9`: "coefficient_tolerance=1e-09 and exact=True cannot be combined",
		`"coefficient_refresh":0`:                   `coefficient_refresh must be >= 1 or "frozen", got 0`,
		`"coefficient_refresh":"hot"`:               `coefficient_refresh must be a number of bins >= 1 or "frozen"`,
		`"silent_rate":-1`:                          "silent_rate must be > 0",
		`"lr_convention":"fast"`:                    `lr_convention must be one of "exact", "authors", got "fast"`,
		`"input_pool_interval":0.5`:                 "need input_pool_size",
		`"rule":"newton"`:                           `rule must be one of "euclidean", "natural", "approximate", got "newton"`,
		`"teacher":"oracle"`:                        "teacher must be",
		`"test_bins":2097152,"eta":-1`:              "eta must be > 0",
	} {
		tc, err := ParseTrain([]byte(`{"eta":1,"duration":1,` + in + `}`))
		if err == nil {
			_, err = tc.Plan(2, 0)
		}
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: error %v, want %q", in, err, msg)
		}
	}
	tc, _ := ParseTrain([]byte(`{"eta":1,"duration":1,"test_bins":2097152,"coefficient_refresh":"frozen"}`))
	if _, err := tc.Plan(2, 0); err != nil {
		t.Errorf("test_bins = 2^21 and frozen coefficients are valid: %v", err)
	}
}

// TestPlanListsTheOutputsOfEachTeacher: which outputs exist per teacher
// kind, with a trial axis for many trials.
func TestPlanListsTheOutputsOfEachTeacher(t *testing.T) {
	names := func(p Plan) string {
		var s []string
		for _, o := range p.Outputs {
			s = append(s, o.Name)
		}
		return strings.Join(s, " ")
	}
	for teacher, want := range map[string]string{
		"realizable": "times weights kl rate_error weight_distance final_weights initial_weights target_weights",
		"poisson":    "times weights kl rate_error final_weights initial_weights",
		"replay":     "times weights final_weights voltage rate initial_weights",
	} {
		extra := map[string]string{"replay": `,"trace_every":0.25`}[teacher]
		tc, err := ParseTrain([]byte(`{"eta":1,"duration":1,"record_every":0.5,"teacher":"` + teacher + `"` + extra + `}`))
		if err != nil {
			t.Fatal(err)
		}
		p, err := tc.Plan(4, 0)
		if err != nil || names(p) != want || p.Records != 3 {
			t.Errorf("%s: plan %v (%v), want %s", teacher, names(p), err, want)
		}
	}
	tc, _ := ParseTrain([]byte(`{"eta":1,"duration":1,"record_every":0.5,"teacher":"poisson"}`))
	p, _ := tc.Plan(4, 7)
	if names(p) != "times weights kl rate_error final_weights initial_weights completed" ||
		len(p.Outputs[0].Shape) != 1 || p.Outputs[1].Shape[0] != 7 || p.Outputs[1].Shape[2] != 4 || p.Outputs[6].Shape[0] != 7 {
		t.Errorf("many trials: %+v", p.Outputs)
	}
}
