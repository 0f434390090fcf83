package neuron

import (
	"fmt"
	"math"
)

// Transfer is a firing-rate transfer function φ(V) in Hz of the somatic
// potential V in mV above rest. The learning rules need φ and three derived
// quantities (paper §1.4, Eqns 10, 67): φ', the score factor φ'/φ and the
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
func (s Sigmoid) Logistic(v float64) float64 { return logistic(s.Beta * (v - s.Theta)) }

// Phi implements Eqn 24.
func (s Sigmoid) Phi(v float64) float64 { return s.PhiMax * s.Logistic(v) }

// DPhi returns φ' = β φ (1 − σ).
func (s Sigmoid) DPhi(v float64) float64 {
	z := s.Beta * (v - s.Theta)
	return s.PhiMax * s.Beta * logistic(z) * logistic(-z)
}

// ScoreFactor returns φ'/φ = β (1 − σ).
func (s Sigmoid) ScoreFactor(v float64) float64 { return s.Beta * logistic(-s.Beta*(v-s.Theta)) }

// FisherDensity returns φ'²/φ = φ_max β² σ (1 − σ)².
func (s Sigmoid) FisherDensity(v float64) float64 {
	z := s.Beta * (v - s.Theta)
	c := logistic(-z)
	return s.PhiMax * s.Beta * s.Beta * logistic(z) * c * c
}

// LogPhi returns log φ = log φ_max + log σ, using a log-sigmoid that is exact
// in both tails.
func (s Sigmoid) LogPhi(v float64) float64 {
	return math.Log(s.PhiMax) + LogLogistic(s.Beta*(v-s.Theta))
}

// FisherWindow: below θ the density decays like e^{β(V−θ)}, above θ like
// e^{−2β(V−θ)}, and it is analytic in a strip of half-width π/β.
func (s Sigmoid) FisherWindow(relTol float64) (lo, hi, scale float64) {
	decades := -math.Log(relTol)
	return s.Theta - decades/s.Beta, s.Theta + decades/(2*s.Beta), 1 / s.Beta
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

// logistic returns 1/(1+e^{−z}) without overflow for any finite z.
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// LogLogistic returns log(1/(1+e^{−z})) accurately for all z.
func LogLogistic(z float64) float64 {
	if z >= 0 {
		return -math.Log1p(math.Exp(-z))
	}
	return z - math.Log1p(math.Exp(z))
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
