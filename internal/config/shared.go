package config

import (
	"encoding/json"
	"fmt"
	"slices"
)

// SharedKeys are the parameters in which configurations of the same trials
// may differ when they share the trials' inputs and teacher
// (learn.RunShared; Python's natspike.run_configurations): the rule and its
// options and the evaluation. Each maps onto fields of learn.SharedFields
// only (TestSharedKeysChangeOnlySharedFields).
var SharedKeys = []string{"rule", "eta", "lr_convention", "coefficient_refresh", "c_u", "c_w", "silent_rate",
	"coefficient_tolerance", "event_driven", "exact"}

// MaxConfigurations bounds the number of configurations of one shared run.
const MaxConfigurations = 1 << 12

// CheckShared refuses configurations that differ in a parameter outside
// SharedKeys, naming it and the configuration.
func CheckShared(cfgs []TrainConfig) error {
	if len(cfgs) < 1 || len(cfgs) > MaxConfigurations {
		return fmt.Errorf("configurations: give 1 to %d configurations, got %d", MaxConfigurations, len(cfgs))
	}
	first, err := fields(cfgs[0])
	if err != nil {
		return err
	}
	for j := 1; j < len(cfgs); j++ {
		c, err := fields(cfgs[j])
		if err != nil {
			return err
		}
		for _, key := range slices.Sorted(mapKeys(first)) {
			if !slices.Contains(SharedKeys, key) && string(first[key]) != string(c[key]) {
				return fmt.Errorf("%s: configuration %d has %s, configuration 0 %s; configurations sharing trials may "+
					"differ only in %v", key, j, c[key], first[key], SharedKeys)
			}
		}
	}
	return nil
}

// fields returns c's parameters by JSON name, each as its JSON text.
func fields(c TrainConfig) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	return m, json.Unmarshal(b, &m)
}

func mapKeys(m map[string]json.RawMessage) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
