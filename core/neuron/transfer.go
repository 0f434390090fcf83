package neuron

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/natspike/natspike/internal/vmath"
)

// Transfer is a firing-rate transfer function φ(V) in Hz of the somatic
// potential V in mV above rest. The learning rules need φ and three derived
// quantities (paper Eqns 10, 24, 67): φ', the score factor φ'/φ and the
// Fisher density φ'²/φ. Implementations must be smooth where φ > 0, positive
// and non-decreasing; where φ(V) = 0 the score factor and Fisher density are 0.
type Transfer interface {
	// Phi returns φ(V) in Hz.
	Phi(v float64) float64
	// DPhi returns φ'(V) in Hz/mV.
	DPhi(v float64) float64
	// ScoreFactor returns φ'(V)/φ(V) in 1/mV (Eqn 10).
	ScoreFactor(v float64) float64
	// FisherDensity returns φ'(V)²/φ(V) in Hz/mV² (the integrand of Eqns 77–79).
	FisherDensity(v float64) float64
	// LogPhi returns log φ(V) (log Hz), −Inf where φ = 0, without overflow.
	LogPhi(v float64) float64
	// Validate reports parameters outside their allowed range.
	Validate() error
}

// FisherSupport is implemented by transfer functions that know where their
// Fisher density φ'²/φ is non-negligible. The quadrature of package fisher
// uses it to place nodes: the density is below relTol times its maximum
// outside [Lo, Hi] and varies on the length scale Scale (mV).
type FisherSupport interface {
	FisherWindow(relTol float64) (lo, hi, scale float64)
}

// Parameter is one parameter of a transfer-function family. Its allowed
// range is "finite", or "finite and > 0" when Positive is set; the family's
// Validate enforces it with CheckFinite or CheckPositive (the conformance
// test pins the two together).
type Parameter struct {
	Name     string  // as in JSON and Python (snake_case)
	Default  float64 // the paper's value
	Unit     string
	Meaning  string
	Positive bool // must be > 0
}

// Check returns the error of CheckPositive or CheckFinite for x.
func (p Parameter) Check(x float64) error {
	if p.Positive {
		return CheckPositive(p.Name, x)
	}
	return CheckFinite(p.Name, x)
}

// TransferFamily describes one kind of transfer function: its name, the
// parameters it reads and how to build it from their values. Each family
// lives in its own file and registers itself there; nothing else in natspike
// lists the families, so adding one is that file plus its row in the
// conformance test (transfer_conformance_test.go).
type TransferFamily struct {
	Name       string
	Equation   string // where the paper defines it ("" if it does not)
	Parameters []Parameter
	// Build returns the transfer function for the given parameter values
	// (keyed by Parameter.Name; missing ones take their defaults). The result
	// is not validated.
	Build func(values map[string]float64) Transfer
}

var families []TransferFamily

// RegisterTransfer adds a family; it panics if the name is taken or the
// family is incomplete (a programmer error at initialisation).
func RegisterTransfer(f TransferFamily) {
	if f.Name == "" || f.Build == nil || len(f.Parameters) == 0 {
		panic(fmt.Sprintf("neuron: incomplete transfer family %+v", f))
	}
	if _, err := LookupTransfer(f.Name); err == nil {
		panic(fmt.Sprintf("neuron: transfer family %q registered twice", f.Name))
	}
	families = append(families, f)
}

// TransferFamilies returns the registered families in registration order.
func TransferFamilies() []TransferFamily { return append([]TransferFamily(nil), families...) }

// TransferNames returns the names of the registered families.
func TransferNames() []string {
	out := make([]string, len(families))
	for i, f := range families {
		out[i] = f.Name
	}
	return out
}

// LookupTransfer returns the family called name.
func LookupTransfer(name string) (TransferFamily, error) {
	for _, f := range families {
		if f.Name == name {
			return f, nil
		}
	}
	q := make([]string, len(families))
	for i, f := range families {
		q[i] = fmt.Sprintf("%q", f.Name)
	}
	return TransferFamily{}, fmt.Errorf("transfer must be one of %s, got %q", strings.Join(q, ", "), name)
}

// Uses reports whether the family reads the parameter called name.
func (f TransferFamily) Uses(name string) bool {
	for _, p := range f.Parameters {
		if p.Name == name {
			return true
		}
	}
	return false
}

// ParameterNames returns the names of the family's parameters, in order.
func (f TransferFamily) ParameterNames() []string {
	names := make([]string, len(f.Parameters))
	for i, p := range f.Parameters {
		names[i] = p.Name
	}
	return names
}

// Defaults returns every parameter of the family at its default.
func (f TransferFamily) Defaults() map[string]float64 {
	d := make(map[string]float64, len(f.Parameters))
	for _, p := range f.Parameters {
		d[p.Name] = p.Default
	}
	return d
}

// Foreign returns an error naming the first key of values (in sorted
// order) that the family does not read, with the parameters it does read;
// nil when every key is its own.
func (f TransferFamily) Foreign(values map[string]float64) error {
	keys := make([]string, 0, len(values))
	for k := range values {
		if !f.Uses(k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	return fmt.Errorf("%s does not apply to transfer %q, whose parameters are %s",
		keys[0], f.Name, strings.Join(f.ParameterNames(), ", "))
}

// Value returns values[name] or, when absent, the default of the family's
// parameter name; for use in Build functions.
func (f TransferFamily) Value(values map[string]float64, name string) float64 {
	if v, ok := values[name]; ok {
		return v
	}
	for _, p := range f.Parameters {
		if p.Name == name {
			return p.Default
		}
	}
	panic(fmt.Sprintf("neuron: transfer %q has no parameter %q", f.Name, name))
}

// Logistic returns 1/(1+e^{−z}) without overflow for any finite z.
func Logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + vmath.Exp(-z))
	}
	e := vmath.Exp(z)
	return e / (1 + e)
}

// LogLogistic returns log(1/(1+e^{−z})) accurately for all z.
func LogLogistic(z float64) float64 {
	if z >= 0 {
		return -math.Log1p(vmath.Exp(-z))
	}
	return z - math.Log1p(vmath.Exp(z))
}

// CheckFinite returns an error naming the parameter when x is NaN or ±Inf.
func CheckFinite(name string, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%s must be finite, got %v", name, x)
	}
	return nil
}

// CheckPositive returns an error naming the parameter unless 0 < x < +Inf.
func CheckPositive(name string, x float64) error {
	if !(x > 0) || math.IsInf(x, 1) {
		return fmt.Errorf("%s must be finite and > 0, got %v", name, x)
	}
	return nil
}
