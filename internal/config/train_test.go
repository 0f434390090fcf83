package config

import (
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
)

func TestTrainInputPoolReachesLearnConfig(t *testing.T) {
	a := Arrays{Rates: fill(2, 10), W0: fill(2, 0.1), TeacherWeights: fill(2, 0.2)}
	c, err := ParseTrain([]byte(`{"eta":0.001,"duration":1,"input_pool_size":8000,"input_pool_stream":3}`))
	if err != nil {
		t.Fatal(err)
	}
	lc, err := c.Learn(a, 0)
	want := learn.InputPool{Size: 8000, Interval: 1, Stream: 3}
	if err != nil || lc.InputPool != want {
		t.Fatalf("input pool %+v, %v; want %+v", lc.InputPool, err, want)
	}
	off, _ := ParseTrain([]byte(`{"eta":0.001,"duration":1}`))
	if lc, err := off.Learn(a, 0); err != nil || lc.InputPool.Size != 0 {
		t.Fatalf("default input pool %+v, %v; want off", lc.InputPool, err)
	}
	for in, msg := range map[string]string{
		`{"eta":0.001,"duration":1,"input_pool_size":-2}`:                             "input_pool_size",
		`{"eta":0.001,"duration":1,"input_pool_size":5,"input_pool_interval":0.0001}`: "input_pool_interval",
		`{"eta":0.001,"duration":1,"input_pool_size":5,"event_driven":true}`:          "input_pool_size and event_driven",
	} {
		c, err := ParseTrain([]byte(in))
		if err == nil {
			_, err = c.Learn(a, 0)
		}
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: error %v, want it to name %q", in, err, msg)
		}
	}
}

// TestRuleConstantsBelongToTheApproximateRule: c_u, c_w >= 0, and only the
// approximate rule accepts a value other than the default.
func TestRuleConstantsBelongToTheApproximateRule(t *testing.T) {
	for in, want := range map[string]string{
		`{"rule":"approximate","duration":1,"eta":1,"c_u":-0.5}`: "c_u must be >= 0, got -0.5",
		`{"rule":"natural","duration":1,"eta":1,"c_w":0.1}`:      `c_u and c_w are constants of the approximate rule only; rule "natural" would ignore c_u=0.95, c_w=0.1 (leave them at 0.95, 0.05)`,
	} {
		c, err := ParseTrain([]byte(in))
		if err == nil {
			_, err = c.Plan(2, 0)
		}
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
	c, _ := ParseTrain([]byte(`{"rule":"approximate","duration":1,"eta":1,"c_u":0.5,"c_w":0}`))
	if _, err := c.Plan(2, 0); err != nil {
		t.Errorf("approximate rule with its own constants: %v", err)
	}
}
