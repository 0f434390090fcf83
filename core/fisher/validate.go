package fisher

import (
	"fmt"
	"math"

	"github.com/natspike/natspike/core/neuron"
)

// checkGaussian validates the parameters of V ~ N(mu, variance).
func checkGaussian(mu, variance float64) error {
	if err := neuron.CheckFinite("mu", mu); err != nil {
		return err
	}
	return neuron.CheckPositive("variance", variance)
}

// gaussianOK reports, by comparisons alone, whether checkGaussian accepts
// (mu, variance) (mu − mu is NaN for NaN and ±Inf).
func gaussianOK(mu, variance float64) bool {
	return mu-mu == 0 && positiveOK(variance)
}

// positiveOK reports whether neuron.CheckPositive accepts x.
func positiveOK(x float64) bool { return x > 0 && x <= math.MaxFloat64 }

// coefficientArgsOK reports whether checkCoefficientArgs accepts its
// arguments, without building an error (the per-evaluation path).
func coefficientArgsOK(mu, variance, q, eps0 float64) bool {
	return gaussianOK(mu, variance) && positiveOK(q) && positiveOK(eps0)
}

// checkCoefficientArgs validates the arguments of Engine.Coefficients.
func checkCoefficientArgs(mu, variance, q, eps0 float64) error {
	if err := checkGaussian(mu, variance); err != nil {
		return err
	}
	if err := neuron.CheckPositive("q", q); err != nil {
		return err
	}
	return neuron.CheckPositive("eps0", eps0)
}

// errVanishing reports a Fisher information that underflows: the voltage
// distribution lies entirely where φ'²/φ is (numerically) zero.
func errVanishing(mu, variance float64) error {
	return fmt.Errorf("Fisher information vanishes at mu = %v mV, variance = %v mV^2: "+
		"E[phi'^2/phi] underflows (the voltage mass lies where the transfer function is flat)", mu, variance)
}

// checkLen panics unless len(s) == n, naming the slice.
func checkLen(name string, s []float64, n int) {
	if len(s) != n {
		panic(fmt.Sprintf("fisher: len(%s) = %d, want %d", name, len(s), n))
	}
}

// errSingular reports an operating point at which the approximate Fisher
// matrix of Eqn 81 is not positive definite (det(c1 I + M C) ≤ 0, Eqns 83–106),
// which only happens for inconsistent (μ, σ², q) with μ² > q σ².
func errSingular(mu, variance, q float64) error {
	return fmt.Errorf("approximate Fisher matrix is not positive definite at mu = %v mV, variance = %v mV^2, q = %v "+
		"(need mu^2 <= q*variance)", mu, variance, q)
}

// errNumerical reports non-finite moments at an extreme operating point.
func errNumerical(mu, variance float64) error {
	return fmt.Errorf("Fisher coefficients are not finite at mu = %v mV, variance = %v mV^2 (operating point out of numerical range)", mu, variance)
}

// finite reports whether no argument is NaN or ±Inf.
func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
