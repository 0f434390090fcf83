package seed

import "testing"

// TestNeuronStreams: neuron 0's stream is Stream's, bit for bit; neurons
// 1 and 2 draw other numbers, different from each other and from other
// trials' and purposes' streams.
func TestNeuronStreams(t *testing.T) {
	draw := func(r interface{ Uint64() uint64 }) [4]uint64 {
		return [4]uint64{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()}
	}
	if draw(NeuronStream(7, 3, Teacher, 0)) != draw(Stream(7, 3, Teacher)) {
		t.Fatal("neuron 0 does not draw the single neuron's stream")
	}
	seen := map[[4]uint64]string{}
	for _, c := range []struct {
		name   string
		trial  uint64
		p      Purpose
		neuron uint64
	}{{"n0", 3, Teacher, 0}, {"n1", 3, Teacher, 1}, {"n2", 3, Teacher, 2}, {"t4", 4, Teacher, 0},
		{"t4n1", 4, Teacher, 1}, {"inputs", 3, Inputs, 0}, {"inputs n1", 3, Inputs, 1}} {
		d := draw(NeuronStream(7, c.trial, c.p, c.neuron))
		if other, dup := seen[d]; dup {
			t.Errorf("%s draws the numbers of %s", c.name, other)
		}
		seen[d] = c.name
	}
}
