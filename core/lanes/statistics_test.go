package lanes

import (
	"context"
	"math"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/rule"
)

// meanSE returns the mean and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(v / float64(len(xs)-1) / float64(len(xs)))
}

// TestLearningMatchesScalarEngine: with their own (different) random
// streams, the lanes engine and learn.Run learn alike. Over 32 trials
// each, D_KL and the weight distance at every record agree on average
// within 4 standard errors of the paired difference (trial i has the same
// test set, W0 and w* in both engines), and both engines reduce D_KL.
func TestLearningMatchesScalarEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical comparison of 32 trials")
	}
	for _, kind := range []rule.Kind{rule.Euclidean, rule.Natural} {
		cfg := fig3Config(kind, map[rule.Kind]float64{rule.Euclidean: 1e-3, rule.Natural: 4e-3}[kind], 20, 20)
		cfg.RecordEvery, cfg.TestSamples, cfg.TestBins = 10000, 20, 200
		cfg.Rule.CoefficientTol = 1e-9
		const trials = 32
		idx := make([]uint64, trials)
		for i := range idx {
			idx[i] = uint64(i)
		}
		fast := make([]learn.Result, trials)
		if err := Run(context.Background(), cfg, idx, fast); err != nil {
			t.Fatal(err)
		}
		slow := make([]learn.Result, trials)
		for i := range slow {
			c := cfg
			c.Trial, c.EventDriven = uint64(i), true
			if err := learn.Run(context.Background(), c, &slow[i]); err != nil {
				t.Fatal(err)
			}
		}
		for j := range fast[0].KL {
			for _, m := range []struct {
				name string
				get  func(r learn.Result) float64
			}{{"KL", func(r learn.Result) float64 { return r.KL[j] }},
				{"distance", func(r learn.Result) float64 { return r.WeightDistance[j] }}} {
				a, b := make([]float64, trials), make([]float64, trials)
				for i := range a {
					a[i], b[i] = m.get(fast[i]), m.get(slow[i])
				}
				ma, sa := meanSE(a)
				mb, sb := meanSE(b)
				d := make([]float64, trials)
				for i := range d {
					d[i] = a[i] - b[i] // paired: trial i has the same test set in both engines
				}
				md, sd := meanSE(d)
				z := md / sd
				if j > 0 && math.Abs(z) > 4 {
					t.Errorf("%v, record %d: %s %.4g ± %.2g (lanes) vs %.4g ± %.2g (scalar), z = %.2f", kind, j, m.name, ma, sa, mb, sb, z)
				}
				if j == len(fast[0].KL)-1 {
					t.Logf("%v, t = %v s: %s %.4g ± %.2g (lanes) vs %.4g ± %.2g (scalar), z = %.2f", kind, fast[0].Times[j], m.name, ma, sa, mb, sb, z)
				}
			}
		}
		last := len(fast[0].KL) - 1
		for _, rs := range [][]learn.Result{fast, slow} {
			k0, _ := meanSE([]float64{rs[0].KL[0], rs[1].KL[0]})
			kl := make([]float64, trials)
			for i := range kl {
				kl[i] = rs[i].KL[last]
			}
			if m, _ := meanSE(kl); !(m < 0.7*k0) {
				t.Errorf("%v: mean D_KL %.3g → %.3g, no learning", kind, k0, m)
			}
		}
	}
}
