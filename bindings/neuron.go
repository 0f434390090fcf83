package bindings

import (
	"fmt"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/config"
)

// Neuron holds the parameters of the paper's neuron: a transfer function
// (a family registered in package neuron: "sigmoid", Eqn 24,
// "rectified_quadratic", Eqn 116, ...) with its own parameters, and the PSP
// kernel (Eqn 28). It is built from its JSON form (DecodeNeuron); units Hz,
// mV, s as in package neuron.
type Neuron struct {
	c   config.NeuronConfig
	err error // a decoding error, reported by Problem
}

// NewNeuron returns the paper's neuron (φ_max = 100 Hz, β = 0.3/mV,
// θ = 10 mV, τ_m = 10 ms, τ_s = 3 ms, dt = 0.5 ms, ε0 = 1).
func NewNeuron() *Neuron { return &Neuron{c: config.DefaultNeuron()} }

// ParseNeuron decodes the JSON form (see JSON) over the defaults and
// validates it.
func ParseNeuron(js string) (n *Neuron, err error) {
	defer protect(&err)
	c, err := config.ParseNeuron([]byte(js))
	if err != nil {
		return nil, err
	}
	return &Neuron{c: c}, nil
}

// DecodeNeuron decodes the JSON form over the defaults without failing:
// Problem reports a decoding error or an invalid parameter.
func DecodeNeuron(js string) (n *Neuron) {
	defer func() {
		if r := recover(); r != nil {
			n = &Neuron{c: config.DefaultNeuron(), err: fmt.Errorf("natspike internal error while decoding a neuron: %v", r)}
		}
	}()
	c, err := config.DecodeNeuron([]byte(js))
	return &Neuron{c: c, err: err}
}

func (n *Neuron) config() config.NeuronConfig { return n.c }

// Problem returns "" when every parameter is valid, and otherwise a message
// naming the first invalid parameter and its allowed range.
func (n *Neuron) Problem() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = "natspike internal error while validating the neuron"
		}
	}()
	if n.err != nil {
		return n.err.Error()
	}
	if err := n.config().Validate(); err != nil {
		return err.Error()
	}
	return ""
}

// JSON returns the parameters as the JSON object the C ABI reads.
func (n *Neuron) JSON() string { return n.config().JSON() }

// build returns the validated transfer function and kernel.
func (n *Neuron) build() (neuron.Transfer, neuron.Kernel, error) { return n.config().Build() }

// CEps returns c_ε = 2(τ_m + τ_s)/ε0² in s (Eqn 31).
func (n *Neuron) CEps() (c float64, err error) {
	defer protect(&err)
	_, k, err := n.build()
	return k.CEps(), err
}

// Phi returns the firing rate φ(V) in Hz at potential v (mV above rest).
func (n *Neuron) Phi(v float64) (float64, error) {
	return n.transferValue(func(t neuron.Transfer) float64 { return t.Phi(v) })
}

// DPhi returns φ'(V) in Hz/mV.
func (n *Neuron) DPhi(v float64) (float64, error) {
	return n.transferValue(func(t neuron.Transfer) float64 { return t.DPhi(v) })
}

// FisherDensity returns φ'(V)²/φ(V) in Hz/mV², the integrand of Eqns 77–79.
func (n *Neuron) FisherDensity(v float64) (float64, error) {
	return n.transferValue(func(t neuron.Transfer) float64 { return t.FisherDensity(v) })
}

// Kernel returns the PSP kernel ε(t) of Eqn 28 at time t in s.
func (n *Neuron) Kernel(t float64) (e float64, err error) {
	defer protect(&err)
	_, k, err := n.build()
	return k.Eval(t), err
}

func (n *Neuron) transferValue(f func(neuron.Transfer) float64) (x float64, err error) {
	defer protect(&err)
	t, _, err := n.build()
	if err != nil {
		return 0, err
	}
	return f(t), nil
}

// Coefficients are the Fisher and inverse-Fisher coefficients at one
// voltage distribution N(Mu, Var) and total-rate constant Q: the moments
// I1–I3 (Eqns 77–79), c1–c3 (Eqn 82), γ_s and g1–g4 (Eqns 101–105).
type Coefficients struct {
	Mu, Var, Q             float64
	I1, I2, I3             float64
	C1, C2, C3             float64
	GammaS, G1, G2, G3, G4 float64
}

// Coefficients evaluates the coefficients at mean mu (mV), variance
// variance (mV²) and q = c_ε ε0² Σ r_i (Eqn 36).
func (n *Neuron) Coefficients(mu, variance, q float64) (c *Coefficients, err error) {
	defer protect(&err)
	t, k, err := n.build()
	if err != nil {
		return nil, err
	}
	e, err := fisher.NewEngine(t)
	if err != nil {
		return nil, err
	}
	fc, err := e.Coefficients(mu, variance, q, k.Eps0)
	if err != nil {
		return nil, err
	}
	return &Coefficients{
		Mu: fc.Mu, Var: fc.Var, Q: fc.Q, I1: fc.I1, I2: fc.I2, I3: fc.I3, C1: fc.C1, C2: fc.C2, C3: fc.C3,
		GammaS: fc.GammaS, G1: fc.G1, G2: fc.G2, G3: fc.G3, G4: fc.G4,
	}, nil
}
