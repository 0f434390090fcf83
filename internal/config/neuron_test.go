package config

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParseNeuronDefaultsToPaper(t *testing.T) {
	for _, in := range []string{"", " ", "{}", `{"transfer":"sigmoid"}`} {
		c, err := ParseNeuron([]byte(in))
		if err != nil || !reflect.DeepEqual(c, DefaultNeuron()) {
			t.Errorf("ParseNeuron(%q) = %+v, %v", in, c, err)
		}
	}
	tr, k, err := DefaultNeuron().Build()
	if err != nil || math.Abs(k.CEps()-0.026) > 1e-15 || tr.Phi(10) != 50 {
		t.Errorf("default neuron: c_eps %v, φ(θ) %v, %v", k.CEps(), tr.Phi(10), err)
	}
}

func TestParseNeuronRoundTrips(t *testing.T) {
	c := DefaultNeuron()
	c.Transfer, c.Params, c.TauS = RectifiedQuadratic, map[string]float64{"scale": 0.5, "theta": -3}, 0.01
	got, err := ParseNeuron([]byte(c.JSON()))
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	tr, _, _ := got.Build()
	if tr.Phi(-1) != 2 {
		t.Errorf("rectified quadratic φ(−1) = %v, want 2", tr.Phi(-1))
	}
}

func TestParseNeuronErrorsNameTheParameter(t *testing.T) {
	cases := map[string]string{
		`{"phi_max":-1}`:      "phi_max",
		`{"beta":0}`:          "beta",
		`{"theta":"x"}`:       "theta must be a JSON number",
		`{"transfer":"relu"}`: "transfer must be",
		`{"transfer":"rectified_quadratic","scale":0}`: "scale",
		`{"tau_m":0.0004}`: "dt must be",
		`{"eps0":-1}`:      "eps0",
		`{"tau_x":1}`:      `unknown parameter "tau_x"`,
		`{"transfer":"rectified_quadratic","beta":1}`: `beta does not apply to transfer "rectified_quadratic", whose parameters are scale, theta`,
		`{"scale":1}`:     `scale does not apply to transfer "sigmoid", whose parameters are phi_max, beta, theta`,
		`{"transfer":1}`:  "transfer must be a JSON string",
		`{"dt":0.001} {}`: "unexpected data",
		`{"dt":`:          "invalid JSON",
	}
	for in, want := range cases {
		_, err := ParseNeuron([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseNeuron(%s) error %v, want it to mention %q", in, err, want)
		}
	}
}

// TestUnknownParametersAreNamedSmallestFirst: of several unknown keys the
// error names the smallest, also when that is the empty key (the map of
// keys is read in a random order, so a wrong pick shows within a few tries).
func TestUnknownParametersAreNamedSmallestFirst(t *testing.T) {
	for in, want := range map[string]string{`{"":0,"2":1}`: `neuron: unknown parameter ""`, `{"zz":0,"tau_x":1,"b":2}`: `neuron: unknown parameter "b"`} {
		for range 40 {
			if _, err := ParseNeuron([]byte(in)); err == nil || err.Error() != want {
				t.Fatalf("ParseNeuron(%s) error %v, want %q", in, err, want)
			}
		}
	}
}
