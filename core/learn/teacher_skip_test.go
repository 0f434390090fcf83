package learn

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/natspike/natspike/core/rule"
)

// TestTeacherSkipsPhiAboveItsBoundBitIdentically: a realizable teacher
// whose uniform is ≥ φ_max·dt does not spike whatever V*, so skipping
// φ(V*) there changes nothing: every output is bit for bit that of a trial
// that evaluates φ(V*) in every bin, in the fused, four-pass (alpha kernel)
// and event-driven loops.
func TestTeacherSkipsPhiAboveItsBoundBitIdentically(t *testing.T) {
	for _, mode := range []string{"fused", "four-pass", "events"} {
		cfg := fig3Config(rule.Natural, 2e-3, 2, 30)
		cfg.setDefaults()
		cfg.TestSamples, cfg.TestBins = 3, 50
		switch mode {
		case "four-pass":
			cfg.Kernel.TauS = cfg.Kernel.TauM
		case "events":
			cfg.EventDriven, cfg.Rule.CoefficientTol = true, 1e-9
		}
		var results [2]Result
		for i := range results {
			l, err := newLayer(cfg, &results[i])
			if err != nil {
				t.Fatal(err)
			}
			tr := l.neurons[0]
			if tr.maxTeacherP != cfg.Transfer.Phi(math.Inf(1))*cfg.Kernel.Dt {
				t.Fatalf("bound %v, want φ_max dt", tr.maxTeacherP)
			}
			if i == 1 {
				tr.maxTeacherP = math.Inf(1) // φ(V*) in every bin
			}
			if err := l.run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		fast, ref := results[0], results[1]
		if !slices.Equal(fast.Weights, ref.Weights) || !slices.Equal(fast.KL, ref.KL) || !slices.Equal(fast.Final, ref.Final) {
			t.Errorf("%s: skipping φ(V*) changed the trial", mode)
		}
		if slices.Equal(ref.Final, cfg.W0) {
			t.Errorf("%s: weights did not move", mode)
		}
	}
}
