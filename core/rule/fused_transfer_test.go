package rule

import (
	"math"
	"testing"
)

// TestSigmoidFastPathIsBitIdentical: the learner's one-exponential φ and
// φ'/φ (neuron.Sigmoid.PhiAndScore by a direct call) gives bit for bit the
// steps and weights of the transfer's Phi and ScoreFactor, for every rule,
// with exact and interpolated coefficients.
func TestSigmoidFastPathIsBitIdentical(t *testing.T) {
	const n = 12
	xs, ys, rates := stream(n, 600, 21)
	for _, kind := range []Kind{Euclidean, Natural, Approximate} {
		for _, tol := range []float64{0, 1e-9} {
			cfg := DefaultConfig(kind, 0.02)
			cfg.CoefficientTol = tol
			fast, slow := mustLearner(t, cfg, nil, rates), mustLearner(t, cfg, nil, rates)
			if fast.sigmoid == nil {
				t.Fatal("the default transfer did not take the sigmoid path")
			}
			slow.sigmoid = nil // Phi and ScoreFactor through the interface
			wf, ws := randomWeights(n, 3, 2), randomWeights(n, 3, 2)
			for b := range xs {
				sf, errF := fast.Update(wf, xs[b], ys[b])
				ss, errS := slow.Update(ws, xs[b], ys[b])
				if errF != nil || errS != nil {
					t.Fatal(errF, errS)
				}
				if sf != ss {
					t.Fatalf("%v tol %g bin %d: step %+v, want %+v", kind, tol, b, sf, ss)
				}
			}
			for i := range wf {
				if math.Float64bits(wf[i]) != math.Float64bits(ws[i]) {
					t.Fatalf("%v tol %g: w[%d] = %v, want %v", kind, tol, i, wf[i], ws[i])
				}
			}
			if ws[0] == randomWeights(n, 3, 2)[0] {
				t.Fatalf("%v: weights did not move", kind)
			}
		}
	}
}
