// Package config turns the control-plane parameters that cross the C ABI as
// JSON into validated core objects. It is pure Go (no cgo) so that capi,
// bindings and Go programs share one decoder and one set of error messages,
// each naming the offending parameter and its allowed range.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/natspike/natspike/core/neuron"
)

// Transfer function names accepted in NeuronConfig.Transfer.
const (
	Sigmoid            = "sigmoid"             // Eqn 24
	RectifiedQuadratic = "rectified_quadratic" // Eqn 116
)

// NeuronConfig describes one neuron: its transfer function φ and its PSP
// kernel ε. Units as in package neuron: s, Hz, mV. PhiMax and Beta apply to
// the sigmoid only, Scale to the rectified quadratic only; Theta to both.
type NeuronConfig struct {
	Transfer string  `json:"transfer"` // "sigmoid" or "rectified_quadratic"
	PhiMax   float64 `json:"phi_max"`  // Hz, sigmoid maximum (Eqn 24)
	Beta     float64 `json:"beta"`     // 1/mV, sigmoid steepness (Eqn 24)
	Theta    float64 `json:"theta"`    // mV above rest, midpoint or threshold
	Scale    float64 `json:"scale"`    // Hz/mV², rectified-quadratic curvature (Eqn 116)
	TauM     float64 `json:"tau_m"`    // s, membrane time constant (Eqn 28)
	TauS     float64 `json:"tau_s"`    // s, synaptic time constant (Eqn 28)
	Dt       float64 `json:"dt"`       // s, simulation bin
	Eps0     float64 `json:"eps0"`     // kernel prefactor ε0 (≙ mV·s)
}

// DefaultNeuron returns the paper's neuron: sigmoid with φ_max = 100 Hz,
// β = 0.3/mV, θ = 10 mV; τ_m = 10 ms, τ_s = 3 ms, dt = 0.5 ms, ε0 = 1; and
// Scale = ¼ for the rectified quadratic (Eqn 116).
func DefaultNeuron() NeuronConfig {
	s, k := neuron.DefaultSigmoid(), neuron.DefaultKernel()
	return NeuronConfig{
		Transfer: Sigmoid, PhiMax: s.PhiMax, Beta: s.Beta, Theta: s.Theta, Scale: 0.25,
		TauM: k.TauM, TauS: k.TauS, Dt: k.Dt, Eps0: k.Eps0,
	}
}

// ParseNeuron decodes a JSON object over DefaultNeuron, so omitted keys keep
// the paper's values. Unknown keys, wrong types and trailing data are errors;
// an empty or all-blank input yields the defaults. The result is validated.
func ParseNeuron(data []byte) (NeuronConfig, error) {
	c := DefaultNeuron()
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	if err := decodeStrict(data, &c); err != nil {
		return NeuronConfig{}, fmt.Errorf("neuron: %w", err)
	}
	return c, c.Validate()
}

// Validate reports the first parameter outside its allowed range.
func (c NeuronConfig) Validate() error {
	_, _, err := c.Build()
	return err
}

// Build returns the transfer function and kernel described by c, or an
// error naming the first invalid parameter.
func (c NeuronConfig) Build() (neuron.Transfer, neuron.Kernel, error) {
	t, err := c.transfer()
	if err != nil {
		return nil, neuron.Kernel{}, err
	}
	if err := t.Validate(); err != nil {
		return nil, neuron.Kernel{}, err
	}
	k := neuron.Kernel{Eps0: c.Eps0, TauM: c.TauM, TauS: c.TauS, Dt: c.Dt}
	if err := k.Validate(); err != nil {
		return nil, neuron.Kernel{}, err
	}
	return t, k, nil
}

// transfer builds c's transfer function from its family in package neuron,
// which says which of the parameters below it reads.
func (c NeuronConfig) transfer() (neuron.Transfer, error) {
	f, err := neuron.LookupTransfer(c.Transfer)
	if err != nil {
		return nil, err
	}
	return f.Build(map[string]float64{"phi_max": c.PhiMax, "beta": c.Beta, "theta": c.Theta, "scale": c.Scale}), nil
}

// JSON encodes c with the snake_case keys ParseNeuron reads.
func (c NeuronConfig) JSON() string {
	b, err := json.Marshal(c)
	if err != nil { // only NaN or ±Inf fields, which Validate rejects
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return string(b)
}

// decodeStrict unmarshals one JSON value into v, rejecting unknown keys and
// trailing data, and rewrites decoder errors so they name the JSON key.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return explainJSON(err)
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

func explainJSON(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s must be a JSON %s, got %s", te.Field, jsonKind(te.Type), te.Value)
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return fmt.Errorf("unknown parameter %s", strings.TrimPrefix(msg, "json: unknown field "))
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int64:
		return "number"
	case reflect.String:
		return "string"
	}
	return t.String()
}
