package neuron

import "math"

func init() {
	d := DefaultSigmoid()
	f := TransferFamily{Name: "sigmoid", Equation: "Eqn 24", Parameters: []Parameter{
		{Name: "phi_max", Default: d.PhiMax, Unit: "Hz", Meaning: "maximal firing rate", Positive: true},
		{Name: "beta", Default: d.Beta, Unit: "1/mV", Meaning: "steepness", Positive: true},
		{Name: "theta", Default: d.Theta, Unit: "mV", Meaning: "midpoint, above rest"},
	}}
	f.Build = func(v map[string]float64) Transfer {
		return Sigmoid{PhiMax: f.Value(v, "phi_max"), Beta: f.Value(v, "beta"), Theta: f.Value(v, "theta")}
	}
	RegisterTransfer(f)
}

// Sigmoid is the logistic transfer function of Eqn 24,
// φ(V) = φ_max / (1 + exp(−β(V − θ))).
type Sigmoid struct {
	PhiMax float64 // maximal rate φ_max in Hz (paper: 100)
	Beta   float64 // steepness β in 1/mV (paper: 0.3)
	Theta  float64 // midpoint θ in mV above rest (paper: 10)
}

// DefaultSigmoid returns the paper's transfer function (φ_max = 100 Hz,
// β = 0.3/mV, θ = 10 mV; Eqn 24).
func DefaultSigmoid() Sigmoid { return Sigmoid{PhiMax: 100, Beta: 0.3, Theta: 10} }

// Validate checks φ_max > 0, β > 0 and a finite θ.
func (s Sigmoid) Validate() error {
	if err := CheckPositive("phi_max", s.PhiMax); err != nil {
		return err
	}
	if err := CheckPositive("beta", s.Beta); err != nil {
		return err
	}
	return CheckFinite("theta", s.Theta)
}

// Logistic returns σ(V) = φ(V)/φ_max, evaluated without overflow.
func (s Sigmoid) Logistic(v float64) float64 { return Logistic(s.Beta * (v - s.Theta)) }

// Phi implements Eqn 24.
func (s Sigmoid) Phi(v float64) float64 { return s.PhiMax * s.Logistic(v) }

// DPhi returns φ' = β φ (1 − σ).
func (s Sigmoid) DPhi(v float64) float64 {
	z := s.Beta * (v - s.Theta)
	return s.PhiMax * s.Beta * Logistic(z) * Logistic(-z)
}

// ScoreFactor returns φ'/φ = β (1 − σ).
func (s Sigmoid) ScoreFactor(v float64) float64 { return s.Beta * Logistic(-s.Beta*(v-s.Theta)) }

// FisherDensity returns φ'²/φ = φ_max β² σ (1 − σ)².
func (s Sigmoid) FisherDensity(v float64) float64 {
	z := s.Beta * (v - s.Theta)
	c := Logistic(-z)
	return s.PhiMax * s.Beta * s.Beta * Logistic(z) * c * c
}

// LogPhi returns log φ = log φ_max + log σ, using a log-sigmoid that is exact
// in both tails.
func (s Sigmoid) LogPhi(v float64) float64 {
	return math.Log(s.PhiMax) + LogLogistic(s.Beta*(v-s.Theta))
}

// FisherWindow: below θ the density φ_max β² σ(1 − σ)² is at most
// φ_max β² e^{β(V−θ)}, above θ at most φ_max β² e^{−2β(V−θ)}, and its peak is
// (4/27) φ_max β²; it is analytic in a strip of half-width π/β.
func (s Sigmoid) FisherWindow(relTol float64) (lo, hi, scale float64) {
	decades := -math.Log(relTol) + math.Log(27.0/4)
	return s.Theta - decades/s.Beta, s.Theta + decades/(2*s.Beta), 1 / s.Beta
}
