package bindings

import (
	"math"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/vmath"
)

// debugSoftplus is a test-only transfer function, φ(V) = κ log(1 + e^{V−θ}),
// with a parameter (kappa) that no other family has. It exists to prove
// that a transfer registered in one place (here) is configured, described,
// validated and run through the C ABI and Python's Neuron, train and
// run_trials with no other change.
type debugSoftplus struct{ Kappa, Theta float64 }

var debugSoftplusFamily = neuron.TransferFamily{Name: "debug_softplus", Parameters: []neuron.Parameter{
	{Name: "kappa", Default: 20, Unit: "Hz", Meaning: "test hook: rate scale", Positive: true},
	{Name: "theta", Default: 10, Unit: "mV", Meaning: "test hook: knee, above rest"},
}}

func init() {
	f := &debugSoftplusFamily
	f.Build = func(v map[string]float64) neuron.Transfer {
		return debugSoftplus{Kappa: f.Value(v, "kappa"), Theta: f.Value(v, "theta")}
	}
}

// DebugRegisterTransfer registers the test-only transfer debug_softplus
// (a test hook; it cannot be removed again; a second call does nothing).
// It returns "" or the error.
func DebugRegisterTransfer() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = "natspike internal error while registering the debug transfer"
		}
	}()
	if _, err := neuron.LookupTransfer(debugSoftplusFamily.Name); err != nil {
		neuron.RegisterTransfer(debugSoftplusFamily)
	}
	return ""
}

func (s debugSoftplus) Validate() error {
	if err := neuron.CheckPositive("kappa", s.Kappa); err != nil {
		return err
	}
	return neuron.CheckFinite("theta", s.Theta)
}

func (s debugSoftplus) Phi(v float64) float64  { return s.Kappa * softplus(v-s.Theta) }
func (s debugSoftplus) DPhi(v float64) float64 { return s.Kappa * neuron.Logistic(v-s.Theta) }
func (s debugSoftplus) ScoreFactor(v float64) float64 {
	return neuron.Logistic(v-s.Theta) / softplus(v-s.Theta)
}
func (s debugSoftplus) FisherDensity(v float64) float64 { return s.DPhi(v) * s.ScoreFactor(v) }
func (s debugSoftplus) LogPhi(v float64) float64 {
	return math.Log(s.Kappa) + math.Log(softplus(v-s.Theta))
}

// softplus uses vmath.Exp, the exponential of every engine path, so that
// every amd64 CPU computes the same numbers.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(vmath.Exp(-z))
	}
	return math.Log1p(vmath.Exp(z))
}
