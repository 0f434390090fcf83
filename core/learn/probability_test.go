package learn

import (
	"strings"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// TestSigmoidSpikeProbabilityBelowOne: a bin's spike probability is φ(V)·dt
// (Bernoulli), which approaches φ_max·dt at high V, so a sigmoid with
// φ_max ≥ 1/dt is refused naming phi_max and 1/dt, for a single neuron and a
// layer; just below 1/dt, and a larger φ_max with a smaller dt, are accepted.
func TestSigmoidSpikeProbabilityBelowOne(t *testing.T) {
	with := func(phiMax, dt float64) Config {
		c := fig3Config(rule.Natural, 1e-3, 0.1, 4)
		s := neuron.DefaultSigmoid()
		s.PhiMax = phiMax
		c.Transfer, c.Kernel.Dt = s, dt
		return c
	}
	for _, phiMax := range []float64{2000, 3000} { // dt = 0.5 ms: 1/dt = 2000 Hz
		for name, c := range map[string]Config{"neuron": with(phiMax, 0.0005), "layer": layerOf(with(phiMax, 0.0005), 2)} {
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), "phi_max must be < 1/dt = 2000 Hz") {
				t.Errorf("%s, phi_max %v: got %v", name, phiMax, err)
			}
		}
	}
	for _, c := range []Config{with(1999, 0.0005), with(3000, 0.0002)} {
		if err := c.Validate(); err != nil {
			t.Errorf("phi_max %v, dt %v: refused: %v", c.Transfer.(neuron.Sigmoid).PhiMax, c.Kernel.Dt, err)
		}
	}
}
