package config

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
)

// sharedBase is a configuration every value of sharedValues is valid with.
const sharedBase = `{"rule":"approximate","eta":0.001,"duration":1,"seed":3,"teacher":"realizable"}`

// sharedValues holds, for every key of SharedKeys, a valid value other than
// its default.
var sharedValues = map[string]string{"rule": `"natural"`, "eta": `0.002`, "lr_convention": `"authors"`,
	"coefficient_refresh": `5`, "c_u": `0.9`, "c_w": `0.1`, "silent_rate": `0.5`,
	"coefficient_tolerance": `1e-6`, "event_driven": `false`, "exact": `true`}

// Changing any shared key changes only learn.Config fields that RunShared
// lets configurations differ in: the two lists agree.
func TestSharedKeysChangeOnlySharedFields(t *testing.T) {
	a := Arrays{Rates: fill(2, 10), W0: fill(2, 0.1), TeacherWeights: fill(2, 0.2)}
	base := mustLearn(t, sharedBase, a)
	if len(sharedValues) != len(SharedKeys) {
		t.Fatalf("sharedValues has %d keys, SharedKeys %d", len(sharedValues), len(SharedKeys))
	}
	for _, key := range SharedKeys {
		js := strings.TrimSuffix(sharedBase, "}") + `,"` + key + `":` + sharedValues[key] + "}"
		lc := mustLearn(t, js, a)
		changed := false
		v, w := reflect.ValueOf(base), reflect.ValueOf(lc)
		for i := range v.NumField() {
			name := v.Type().Field(i).Name
			if name == "Progress" || reflect.DeepEqual(v.Field(i).Interface(), w.Field(i).Interface()) {
				continue
			}
			changed = true
			if !slices.Contains(learn.SharedFields, name) {
				t.Errorf("%s = %s changes learn.Config.%s, which is not in learn.SharedFields", key, sharedValues[key], name)
			}
		}
		if !changed {
			t.Errorf("%s = %s changes nothing: not a valid probe", key, sharedValues[key])
		}
	}
}

func mustLearn(t *testing.T, js string, a Arrays) learn.Config {
	t.Helper()
	c, err := ParseTrain([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	lc, err := c.Learn(a, 0)
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return lc
}

// CheckShared names the first parameter outside SharedKeys that differs.
func TestCheckSharedNamesTheParameter(t *testing.T) {
	parse := func(js string) TrainConfig {
		c, err := ParseTrain([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := parse(sharedBase)
	var all []TrainConfig
	for _, key := range SharedKeys {
		all = append(all, parse(strings.TrimSuffix(sharedBase, "}")+`,"`+key+`":`+sharedValues[key]+"}"))
	}
	if err := CheckShared(append([]TrainConfig{base}, all...)); err != nil {
		t.Errorf("configurations differing in shared keys only: %v", err)
	}
	for key, value := range map[string]string{"duration": "2", "seed": "4", "teacher": `"poisson"`,
		"record_every": "0.5", "test_samples": "7", "neuron": `{"dt":0.0001}`, "keep_state": "true"} {
		other := parse(strings.TrimSuffix(sharedBase, "}") + `,"` + key + `":` + value + "}")
		err := CheckShared([]TrainConfig{base, base, other})
		if err == nil || !strings.HasPrefix(err.Error(), key+": configuration 2 has ") {
			t.Errorf("%s differs: error %v, want one naming %s", key, err, key)
		}
	}
	if err := CheckShared(nil); err == nil || !strings.Contains(err.Error(), "configurations") {
		t.Errorf("no configurations: error %v", err)
	}
}

// Every key of SharedKeys is a field of TrainConfig that setSharedOf sets.
func TestEverySharedKeyIsAField(t *testing.T) {
	if len(sharedFieldIndex) != len(SharedKeys) {
		t.Fatalf("%d of the %d SharedKeys are TrainConfig fields", len(sharedFieldIndex), len(SharedKeys))
	}
	base, _ := ParseTrain([]byte(sharedBase))
	for _, key := range SharedKeys {
		other, err := ParseTrain([]byte(strings.TrimSuffix(sharedBase, "}") + `,"` + key + `":` + sharedValues[key] + "}"))
		if err != nil {
			t.Fatal(err)
		}
		if setSharedOf(&other, &base); !reflect.DeepEqual(other, base) {
			t.Errorf("%s: setSharedOf left %+v, want %+v", key, other, base)
		}
	}
}

// CheckShared encodes each configuration once and decodes none: it
// allocates no more than json.Marshal of each and two more (its copy), where
// encoding each and decoding it again into its parameters by name allocated
// four times that (Go 1.26, 22 configurations: 2917 allocations so, 748
// now, 22 x 33 for the encodings).
func TestCheckSharedEncodesOnce(t *testing.T) {
	const k = 22
	cfgs := make([]TrainConfig, k)
	for j := range cfgs {
		js := strings.TrimSuffix(sharedBase, "}") + `,"eta":` + []string{"0.001", "0.002"}[j%2] + "}"
		var err error
		if cfgs[j], err = ParseTrain([]byte(js)); err != nil {
			t.Fatal(err)
		}
	}
	each := testing.AllocsPerRun(20, func() { _, _ = json.Marshal(&cfgs[1]) })
	all := testing.AllocsPerRun(20, func() {
		if err := CheckShared(cfgs); err != nil {
			t.Fatal(err)
		}
	})
	if all > k*(each+2) {
		t.Errorf("CheckShared of %d configurations: %v allocations, more than %d x (2 + the %v of encoding one)", k, all, k, each)
	}
}
