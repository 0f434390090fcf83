package capi

import (
	"reflect"
	"strings"
	"testing"

	"github.com/natspike/natspike/internal/config"
)

// wellFormed are arrays of configurations that decode (some are refused
// later, by config.TrainConfig.Plan); faulty are texts that do not.
var (
	wellFormed = []string{
		"[" + strings.Join(sharedJSONs, ",") + "]",
		" \n[ " + sharedJSONs[0] + " ,\t" + sharedJSONs[1] + " ]\n ",
		`[{}]`, `[null]`, `[{"neuron":{"transfer":"rectified_quadratic"}}]`, `[{"coefficient_refresh":"frozen"}]`, `[]`,
		`[{"rule":"natural","rule":"euclidean"}]`, "[{\"rule\":\"\xff\"}]",
	}
	faulty = []string{
		`null`, `{}`, `""`, ``, `[`, `[{}`, `[{},]`, `[,{}]`, `[{}] x`, `[{}]]`, `[{}] []`, `[1]`, `[[]]`,
		`[{"bogus":1}]`, `[{"eta":"a"}]`, `[{}, {"eta":}]`, `[{"neuron":{"transfer":"nope"}}]`,
		`[{"neuron":{"tau_m":"x"}}]`, `[{"coefficient_refresh":"sometimes"}]`, `[{"seed":-1}]`, `[{"eta":1e999}]`,
		`[{"test_samples":1.5}]`, `[{"seed":1e3}]`, `[{"neuron":{"transfer":"sigmoid","bogus":2}}]`,
	}
)

// TestConfigurationsDecodeInOnePass: every well-formed array is decoded in
// one pass, to the configurations config.ParseTrain gives one by one; a
// text that is not gets the error of that reading, word for word.
func TestConfigurationsDecodeInOnePass(t *testing.T) {
	for i, text := range append(wellFormed, faulty...) {
		onePass, ok := decodeConfigurations([]byte(text))
		want, wantErr := explainConfigurations([]byte(text))
		if ok != (i < len(wellFormed)) || ok && !reflect.DeepEqual(onePass, want) {
			t.Errorf("%q: one pass %v (ok %v), one by one %v (%v)", text, onePass, ok, want, wantErr)
		}
		got, err := parseConfigurations([]byte(text))
		if !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Errorf("%q: parseConfigurations gave %v, %v; want %v, %v", text, got, err, want, wantErr)
		}
	}
}

// TestConfigurationsAllocateAsParsedOnce: decoding an array of k
// configurations allocates no more than config.ParseTrain of each alone,
// where reading the array first, then each configuration, also allocated
// a copy of every one (Go 1.26: 147 allocations in one pass, 319 so, 308
// for 22 ParseTrain).
func TestConfigurationsAllocateAsParsedOnce(t *testing.T) {
	const k = 22 // Fig 9's configurations
	one := sharedJSONs[1]
	text := []byte("[" + strings.Repeat(one+",", k-1) + one + "]")
	each := testing.AllocsPerRun(20, func() { _, _ = config.ParseTrain([]byte(one)) })
	all := testing.AllocsPerRun(20, func() { _, _ = parseConfigurations(text) })
	if all > k*each {
		t.Errorf("%d configurations: %v allocations, more than %d x the %v of one alone", k, all, k, each)
	}
}

// FuzzConfigurationsDecodeInOnePass: whatever the one pass accepts, the
// reading one by one accepts as the same configurations (what it refuses
// parseConfigurations reads one by one).
func FuzzConfigurationsDecodeInOnePass(f *testing.F) {
	for _, text := range append(wellFormed, faulty...) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		onePass, ok := decodeConfigurations([]byte(text))
		want, err := explainConfigurations([]byte(text))
		if ok && (err != nil || !reflect.DeepEqual(onePass, want)) {
			t.Fatalf("%q: one pass %v (ok %v), one by one %v (%v)", text, onePass, ok, want, err)
		}
	})
}
