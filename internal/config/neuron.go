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
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/natspike/natspike/core/neuron"
)

// Transfer function names accepted in NeuronConfig.Transfer.
const (
	Sigmoid            = "sigmoid"             // Eqn 24
	RectifiedQuadratic = "rectified_quadratic" // Eqn 116
)

// NeuronConfig describes one neuron: its transfer function φ and its PSP
// kernel ε. Units as in package neuron: s, Hz, mV. The transfer function's
// parameters are those its family in package neuron declares (phi_max,
// beta, theta for the sigmoid; scale, theta for the rectified quadratic);
// nothing here lists them, so a family registered there is configured here
// with no other change. In JSON they are keys beside "transfer" and the
// kernel's keys.
type NeuronConfig struct {
	Transfer string             // a registered family, e.g. "sigmoid" (Eqn 24)
	Params   map[string]float64 // the family's parameters; absent ones take its defaults
	TauM     float64            // s, membrane time constant (Eqn 28)
	TauS     float64            // s, synaptic time constant (Eqn 28)
	Dt       float64            // s, simulation bin
	Eps0     float64            // kernel prefactor ε0 (≙ mV·s)
}

// kernelKeys are the fixed keys of a neuron's JSON form, "transfer" and the
// kernel's, each with the field of NeuronConfig it sets.
var kernelKeys = map[string]func(*NeuronConfig) any{
	"transfer": func(c *NeuronConfig) any { return &c.Transfer },
	"tau_m":    func(c *NeuronConfig) any { return &c.TauM },
	"tau_s":    func(c *NeuronConfig) any { return &c.TauS },
	"dt":       func(c *NeuronConfig) any { return &c.Dt },
	"eps0":     func(c *NeuronConfig) any { return &c.Eps0 },
}

// DefaultNeuron returns the paper's neuron: sigmoid with φ_max = 100 Hz,
// β = 0.3/mV, θ = 10 mV (its family's defaults); τ_m = 10 ms, τ_s = 3 ms,
// dt = 0.5 ms, ε0 = 1.
func DefaultNeuron() NeuronConfig {
	k := neuron.DefaultKernel()
	f, err := neuron.LookupTransfer(Sigmoid)
	if err != nil {
		panic(err) // the sigmoid registers itself in package neuron
	}
	return NeuronConfig{Transfer: Sigmoid, Params: f.Defaults(), TauM: k.TauM, TauS: k.TauS, Dt: k.Dt, Eps0: k.Eps0}
}

// ParseNeuron decodes a JSON object over DefaultNeuron, so omitted keys keep
// the paper's values. Unknown keys, parameters the transfer function does
// not read, wrong types and trailing data are errors; an empty or all-blank
// input yields the defaults. The result is validated.
func ParseNeuron(data []byte) (NeuronConfig, error) {
	c, err := DecodeNeuron(data)
	if err != nil {
		return NeuronConfig{}, err
	}
	return c, c.Validate()
}

// DecodeNeuron is ParseNeuron without the range checks of Validate.
func DecodeNeuron(data []byte) (NeuronConfig, error) {
	c := DefaultNeuron()
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	if err := decodeStrict(data, &c); err != nil {
		return NeuronConfig{}, fmt.Errorf("neuron: %w", err)
	}
	return c, nil
}

// UnmarshalJSON reads the kernel's keys and "transfer" into c and every
// other key as a parameter of the transfer function, which must read it;
// the transfer's other parameters take its defaults. The object is decoded
// once, into its members; each member's literal is then converted as
// encoding/json would store it (decodeMember).
func (c *NeuronConfig) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	k := NeuronConfig{Transfer: c.Transfer, TauM: c.TauM, TauS: c.TauS, Dt: c.Dt, Eps0: c.Eps0}
	params := make(map[string]float64)
	for _, key := range sortedKeys(raw) {
		if err := decodeKey(key, raw[key], &k, params); err != nil {
			return err
		}
	}
	f, err := neuron.LookupTransfer(k.Transfer)
	if err != nil {
		return rangeError{err}
	}
	if err := f.Foreign(params); err != nil {
		if name := firstForeign(f, params); !isParameterOfAnyFamily(name) {
			return rangeError{fmt.Errorf("unknown parameter %q", name)}
		}
		return rangeError{err}
	}
	full := f.Defaults()
	for name, x := range params {
		full[name] = x
	}
	*c = NeuronConfig{Transfer: k.Transfer, Params: full, TauM: k.TauM, TauS: k.TauS, Dt: k.Dt, Eps0: k.Eps0}
	return nil
}

// decodeKey stores one JSON member in k (a kernel key or "transfer") or in
// params (a transfer parameter: a number).
func decodeKey(key string, v json.RawMessage, k *NeuronConfig, params map[string]float64) error {
	if field, ok := kernelKeys[key]; ok {
		return decodeMember(key, v, field(k))
	}
	var x float64
	if err := decodeMember(key, v, &x); err != nil {
		return err
	}
	params[key] = x
	return nil
}

// decodeMember stores the literal v of member key in dst (a *float64 or a
// *string) as encoding/json stores it in a field of that type. v is valid
// JSON (a member of a decoded object): a number is converted by
// strconv.ParseFloat and a string without escapes is its bytes, as
// encoding/json does; anything else (null, a value of another type, a
// number out of range, an escaped or invalid UTF-8 string) goes through
// json.Unmarshal, for its exact result or error, with the error naming key.
func decodeMember(key string, v json.RawMessage, dst any) error {
	switch d := dst.(type) {
	case *float64:
		if len(v) > 0 && (v[0] == '-' || '0' <= v[0] && v[0] <= '9') {
			if x, err := strconv.ParseFloat(string(v), 64); err == nil {
				*d = x
				return nil
			}
		}
	case *string:
		if len(v) >= 2 && v[0] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
			*d = string(v[1 : len(v)-1])
			return nil
		}
	}
	err := json.Unmarshal(v, dst)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		te.Field = key
	}
	return err
}

// rangeError is an error of UnmarshalJSON about a value, not the syntax:
// explainJSON passes it on unchanged.
type rangeError struct{ error }

func (e rangeError) Unwrap() error { return e.error }

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// firstForeign is the smallest name in params that f does not read (the
// empty name too: a found flag, not first == "", says whether one was seen).
func firstForeign(f neuron.TransferFamily, params map[string]float64) string {
	var first string
	found := false
	for k := range params {
		if !f.Uses(k) && (!found || k < first) {
			first, found = k, true
		}
	}
	return first
}

func isParameterOfAnyFamily(name string) bool {
	for _, f := range neuron.TransferFamilies() {
		if f.Uses(name) {
			return true
		}
	}
	return false
}

// Values returns every parameter of c's transfer function: those in
// c.Params, the others at the family's defaults.
func (c NeuronConfig) Values() (map[string]float64, error) {
	f, err := neuron.LookupTransfer(c.Transfer)
	if err != nil {
		return nil, err
	}
	if err := f.Foreign(c.Params); err != nil {
		return nil, err
	}
	v := f.Defaults()
	for k, x := range c.Params {
		v[k] = x
	}
	return v, nil
}

// MarshalJSON writes "transfer", every parameter of the transfer function
// (defaults filled in) and the kernel's keys, as UnmarshalJSON reads them.
func (c NeuronConfig) MarshalJSON() ([]byte, error) {
	v, err := c.Values()
	if err != nil {
		v = c.Params // an invalid neuron: write what it holds
	}
	m := make(map[string]any, len(kernelKeys)+len(v))
	for key, field := range kernelKeys {
		m[key] = reflect.ValueOf(field(&c)).Elem().Interface() // the field's value, as UnmarshalJSON's target
	}
	for k, x := range v {
		m[k] = x
	}
	return json.Marshal(m)
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

// transfer builds c's transfer function from its family in package neuron.
func (c NeuronConfig) transfer() (neuron.Transfer, error) {
	f, err := neuron.LookupTransfer(c.Transfer)
	if err != nil {
		return nil, err
	}
	if err := f.Foreign(c.Params); err != nil {
		return nil, err
	}
	return f.Build(c.Params), nil
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
	var re rangeError
	if errors.As(err, &re) {
		return re.error
	}
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
