package config

import (
	"encoding/json"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// TestNeuronConfigCarriesEveryTransferParameter pins NeuronConfig's fields
// to the parameters the transfer families of package neuron declare, and
// its defaults to theirs.
func TestNeuronConfigCarriesEveryTransferParameter(t *testing.T) {
	var keys map[string]any
	if err := json.Unmarshal([]byte(DefaultNeuron().JSON()), &keys); err != nil {
		t.Fatal(err)
	}
	for _, f := range neuron.TransferFamilies() {
		for _, p := range f.Parameters {
			v, ok := keys[p.Name]
			if !ok {
				t.Errorf("transfer %q parameter %q is not a NeuronConfig key", f.Name, p.Name)
			} else if v != p.Default {
				t.Errorf("transfer %q parameter %q: NeuronConfig default %v, family default %v", f.Name, p.Name, v, p.Default)
			}
		}
		c := DefaultNeuron()
		c.Transfer = f.Name
		if err := c.Validate(); err != nil {
			t.Errorf("default neuron with transfer %q: %v", f.Name, err)
		}
	}
}
