package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
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
// SharedKeys, naming it and the configuration. Each is encoded once and
// compared with the first as a whole, its shared keys set to the first's;
// only one that differs is compared key by key, for the message.
func CheckShared(cfgs []TrainConfig) error {
	if len(cfgs) < 1 || len(cfgs) > MaxConfigurations {
		return fmt.Errorf("configurations: give 1 to %d configurations, got %d", MaxConfigurations, len(cfgs))
	}
	first, err := json.Marshal(cfgs[0])
	if err != nil {
		return err
	}
	for j := 1; j < len(cfgs); j++ {
		c := cfgs[j]
		setSharedOf(&c, &cfgs[0])
		if b, err := json.Marshal(&c); err == nil && bytes.Equal(b, first) {
			continue
		}
		if err := differsOutsideShared(cfgs[0], cfgs[j], j); err != nil {
			return err
		}
	}
	return nil
}

// sharedFieldIndex are the indices of the TrainConfig fields of SharedKeys.
var sharedFieldIndex = func() []int {
	var index []int
	t := reflect.TypeFor[TrainConfig]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if slices.Contains(SharedKeys, name) {
			index = append(index, i)
		}
	}
	return index
}()

// setSharedOf sets the SharedKeys of c to the values of first.
func setSharedOf(c, first *TrainConfig) {
	v, f := reflect.ValueOf(c).Elem(), reflect.ValueOf(first).Elem()
	for _, i := range sharedFieldIndex {
		v.Field(i).Set(f.Field(i))
	}
}

// differsOutsideShared names the first parameter (by JSON name) outside
// SharedKeys in which configuration j differs from configuration 0.
func differsOutsideShared(c0, c TrainConfig, j int) error {
	first, err := fields(c0)
	if err != nil {
		return err
	}
	other, err := fields(c)
	if err != nil {
		return err
	}
	for _, key := range slices.Sorted(mapKeys(first)) {
		if !slices.Contains(SharedKeys, key) && string(first[key]) != string(other[key]) {
			return fmt.Errorf("%s: configuration %d has %s, configuration 0 %s; configurations sharing trials may "+
				"differ only in %v", key, j, other[key], first[key], SharedKeys)
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
