package neuron

import (
	"fmt"
	"math"

	"github.com/natspike/natspike/internal/vmath"
)

// Kernel is the postsynaptic-potential ("USP") kernel of Eqn 28,
// ε(t) = ε0 Θ(t) (e^{−t/τ_m} − e^{−t/τ_s}) / (τ_m − τ_s),
// together with the simulation bin dt. When τ_m = τ_s it is the alpha-kernel
// limit ε(t) = ε0 t e^{−t/τ}/τ². All times are in seconds.
type Kernel struct {
	Eps0 float64 // prefactor ε0 (paper: 1, ≙ mV·s)
	TauM float64 // membrane time constant τ_m (paper: 0.010 s)
	TauS float64 // synaptic time constant τ_s (paper: 0.003 s)
	Dt   float64 // bin width dt (paper: 0.0005 s)
}

// DefaultKernel returns the paper's kernel: ε0 = 1, τ_m = 10 ms, τ_s = 3 ms,
// dt = 0.5 ms.
func DefaultKernel() Kernel { return Kernel{Eps0: 1, TauM: 0.010, TauS: 0.003, Dt: 0.0005} }

// Validate checks ε0, τ_m, τ_s, dt > 0 and dt < min(τ_m, τ_s).
func (k Kernel) Validate() error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"eps0", k.Eps0}, {"tau_m", k.TauM}, {"tau_s", k.TauS}, {"dt", k.Dt}} {
		if err := CheckPositive(p.name, p.v); err != nil {
			return err
		}
	}
	if k.Dt >= math.Min(k.TauM, k.TauS) {
		return fmt.Errorf("dt must be < min(tau_m, tau_s) = %v s, got %v", math.Min(k.TauM, k.TauS), k.Dt)
	}
	return nil
}

// Alpha reports whether τ_m = τ_s, where Eqn 28 becomes the alpha kernel.
func (k Kernel) Alpha() bool { return k.TauM == k.TauS }

// Eval returns ε(t) (Eqn 28).
func (k Kernel) Eval(t float64) float64 {
	if t < 0 {
		return 0
	}
	if k.Alpha() {
		return k.Eps0 * t * vmath.Exp(-t/k.TauM) / (k.TauM * k.TauM)
	}
	return k.Eps0 * (vmath.Exp(-t/k.TauM) - vmath.Exp(-t/k.TauS)) / (k.TauM - k.TauS)
}

// SquaredIntegral returns κ = ∫ε² dt = ε0²/(2(τ_m+τ_s)) in 1/s (Eqn 31).
func (k Kernel) SquaredIntegral() float64 { return k.Eps0 * k.Eps0 / (2 * (k.TauM + k.TauS)) }

// CEps returns c_ε = (∫ε² dt)^{-1} = 2(τ_m+τ_s)/ε0² (Eqn 31); 0.026 s by default.
func (k Kernel) CEps() float64 { return 1 / k.SquaredIntegral() }

// Decays returns the per-bin decay factors e^{−dt/τ_m} and e^{−dt/τ_s} of the
// two-trace recursion (user guide, "PSP kernel").
func (k Kernel) Decays() (dm, ds float64) {
	return vmath.Exp(-k.Dt / k.TauM), vmath.Exp(-k.Dt / k.TauS)
}

// TraceGain returns g such that the USP is x^ε = g·(P − S) for the two
// traces P, S of the recursion P ← P e^{−dt/τ_m} + s, S ← S e^{−dt/τ_s} + s.
// In the alpha limit the second trace is instead R ← e^{−dt/τ}(R + P) and
// x^ε = g·R (see package input).
func (k Kernel) TraceGain() float64 {
	if k.Alpha() {
		return k.Eps0 * k.Dt / (k.TauM * k.TauM)
	}
	return k.Eps0 / (k.TauM - k.TauS)
}

// MeanUSP returns the stationary mean ε0·r of a USP driven at rate r (Eqn 29).
func (k Kernel) MeanUSP(rate float64) float64 { return k.Eps0 * rate }

// VarianceUSP returns the stationary variance r/c_ε of a USP driven at rate r
// (Eqn 30).
func (k Kernel) VarianceUSP(rate float64) float64 { return rate * k.SquaredIntegral() }
