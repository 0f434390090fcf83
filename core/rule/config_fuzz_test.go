package rule

import (
	"math"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// FuzzConfig: a rule configuration that validates builds a Learner, and an
// update from finite weights and traces never panics; it either succeeds
// with a finite potential or reports an error.
func FuzzConfig(f *testing.F) {
	f.Add("natural", "exact", 0.001, 1, 0.95, 0.05, 1e-4, 0.01, 1.0)
	f.Add("approximate", "authors", 1e12, -1, 0.95, 0.05, 1e-4, 0.5, 2.0)
	f.Add("euclidean", "exact", -1.0, 0, math.NaN(), 0.0, 0.0, 0.0, 0.0)
	f.Add("newton", "fast", 1.0, 3, 1e308, -1e308, 1e308, 1e300, 1e300)
	f.Fuzz(func(t *testing.T, kind, lr string, eta float64, refresh int, cu, cw, silent, w, x float64) {
		k, err := ParseKind(kind)
		if err != nil {
			return
		}
		conv, err := ParseLRConvention(lr)
		if err != nil {
			return
		}
		cfg := Config{Kind: k, Eta: eta, LR: conv, Refresh: refresh, CU: cu, CW: cw, SilentRate: silent}
		if cfg.Validate() != nil || math.IsNaN(w) || math.IsInf(w, 0) || math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		rates := []float64{10, 0, 50}
		l, err := New(cfg, neuron.DefaultSigmoid(), neuron.DefaultKernel(), nil, rates)
		if err != nil {
			return
		}
		ws, xs := []float64{w, -w, w / 2}, []float64{x, 0, x / 3}
		for y := range 2 {
			st, err := l.Update(ws, xs, float64(y))
			if err == nil && math.IsNaN(st.V) {
				t.Fatalf("update of %+v from w=%v x=%v gave V = NaN without an error", cfg, ws, xs)
			}
		}
	})
}
