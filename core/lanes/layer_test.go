package lanes

import (
	"errors"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
)

// TestLayersAreLeftToTheScalarEngine: a layer of neurons (learn.Config.Neurons)
// is not a batch of trials; the lanes engine refuses it.
func TestLayersAreLeftToTheScalarEngine(t *testing.T) {
	cfg := learn.Config{Kernel: neuron.DefaultKernel(), Neurons: 2}
	if err := Supports(cfg); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Supports(layer) = %v, want ErrUnsupported", err)
	}
	cfg.Neurons = 0
	if err := Supports(cfg); err != nil {
		t.Fatalf("Supports(single neuron) = %v", err)
	}
}
