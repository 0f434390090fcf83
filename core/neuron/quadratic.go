package neuron

import "math"

func init() {
	f := TransferFamily{Name: "rectified_quadratic", Equation: "Eqn 116", Parameters: []Parameter{
		{Name: "scale", Default: 0.25, Unit: "Hz/mV²", Meaning: "curvature; with 1/4, φ'²/φ = 1 above θ", Positive: true},
		{Name: "theta", Default: 10, Unit: "mV", Meaning: "threshold, above rest"},
	}}
	f.Build = func(v map[string]float64) Transfer {
		return RectifiedQuadratic{Scale: f.Value(v, "scale"), Theta: f.Value(v, "theta")}
	}
	RegisterTransfer(f)
}

// RectifiedQuadratic is the transfer function of Eqn 116,
// φ(V) = Scale·(V − θ)² for V > θ and 0 otherwise (the paper uses Scale = ¼,
// for which φ'²/φ = 1 above θ).
type RectifiedQuadratic struct {
	Scale float64 // curvature in Hz/mV² (paper: 0.25)
	Theta float64 // threshold θ in mV
}

// Validate checks Scale > 0 and a finite θ.
func (q RectifiedQuadratic) Validate() error {
	if err := CheckPositive("scale", q.Scale); err != nil {
		return err
	}
	return CheckFinite("theta", q.Theta)
}

// Phi implements Eqn 116.
func (q RectifiedQuadratic) Phi(v float64) float64 {
	if v <= q.Theta {
		return 0
	}
	d := v - q.Theta
	return q.Scale * d * d
}

// DPhi returns 2·Scale·(V − θ) above θ.
func (q RectifiedQuadratic) DPhi(v float64) float64 {
	if v <= q.Theta {
		return 0
	}
	return 2 * q.Scale * (v - q.Theta)
}

// ScoreFactor returns φ'/φ = 2/(V − θ) above θ and 0 below, where φ = 0
// carries no gradient information.
func (q RectifiedQuadratic) ScoreFactor(v float64) float64 {
	if v <= q.Theta {
		return 0
	}
	return 2 / (v - q.Theta)
}

// FisherDensity returns φ'²/φ = 4·Scale above θ (1 for the paper's Scale = ¼).
func (q RectifiedQuadratic) FisherDensity(v float64) float64 {
	if v <= q.Theta {
		return 0
	}
	return 4 * q.Scale
}

// LogPhi returns log φ, −Inf at or below θ.
func (q RectifiedQuadratic) LogPhi(v float64) float64 {
	if v <= q.Theta {
		return math.Inf(-1)
	}
	return math.Log(q.Scale) + 2*math.Log(v-q.Theta)
}
