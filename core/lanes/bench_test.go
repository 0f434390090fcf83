package lanes

import (
	"context"
	"fmt"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/internal/benchcpu"
)

// benchEta are learning rates that stay stable over a 10-s Fig 3F trial.
var benchEta = map[rule.Kind]float64{rule.Euclidean: 1.5e-6, rule.Natural: 2e-3, rule.Approximate: 1.5e-3}

// benchEngines: the lanes engine (its selected kernel, or forced generic)
// and learn.Run in its default dense form and event-driven with the
// coefficient cache. tol is the coefficient tolerance (0: exact quadrature).
var benchEngines = []struct {
	name   string
	lanes  bool
	events bool
	tol    float64
}{
	{"lanes", true, false, 1e-9},
	{"lanes-events", true, true, 1e-9},
	{"lanes-exact", true, false, 0},
	{"scalar-dense", false, false, 0},
	{"scalar-events+cache", false, true, 1e-9},
}

// BenchmarkTrialBin measures whole 20-s Fig 3F trials (n = 100 and 1000,
// setup included, objective on a 1-sample test set) and reports the calling
// thread's CPU time per trial and bin. The lanes engine runs 8 trials per
// batch.
func BenchmarkTrialBin(b *testing.B) {
	for _, kind := range []rule.Kind{rule.Euclidean, rule.Natural, rule.Approximate} {
		for _, eng := range benchEngines {
			if kind == rule.Euclidean && eng.tol == 0 && eng.lanes {
				continue // no coefficients: same as "lanes"
			}
			for _, n := range []int{100, 1000} {
				b.Run(fmt.Sprintf("%v/%s/n=%d", kind, eng.name, n), func(b *testing.B) {
					cfg := fig3Config(kind, benchEta[kind]*100/float64(n), 20, n)
					cfg.RecordEvery, cfg.TestSamples, cfg.TestBins = 0, 1, 1
					cfg.EventDriven, cfg.Rule.CoefficientTol = eng.events, eng.tol
					if eng.lanes {
						benchmarkLanes(b, cfg)
					} else {
						benchmarkScalar(b, cfg)
					}
				})
			}
		}
	}
}

func benchmarkLanes(b *testing.B, cfg learn.Config) {
	trials := []uint64{0, 1, 2, 3, 4, 5, 6, 7}
	res := make([]learn.Result, Width)
	measure(b, cfg.Bins()*len(trials), func() error { return Run(context.Background(), cfg, trials, res) })
}

func benchmarkScalar(b *testing.B, cfg learn.Config) {
	var res learn.Result
	measure(b, cfg.Bins(), func() error { return learn.Run(context.Background(), cfg, &res) })
}

// measure runs f b.N times and reports CPU and wall nanoseconds per
// trial-bin, trialBins being the trial-bins of one call.
func measure(b *testing.B, trialBins int, f func() error) {
	m := benchcpu.Start(b)
	for k := 0; k < b.N; k++ {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	m.Stop(trialBins, "trial-bin")
}

// BenchmarkPoissonBin measures the counter-based input draw of one lane
// and bin (Fig 3F rates, n = 100), CPU time.
func BenchmarkPoissonBin(b *testing.B) {
	cfg := fig3Config(rule.Natural, 1e-3, 1, 100)
	bt, err := newBatch(cfg, []laneSpec{{0, cfg.Rule}}, make([]learn.Result, 1))
	if err != nil {
		b.Fatal(err)
	}
	m := benchcpu.Start(b)
	for k := 0; k < b.N; k++ {
		bt.spikes = bt.gen.Spikes(bt.spikes, bt.inputKey[0], uint64(k))
	}
	m.Stop(1, "lane-bin")
}

// BenchmarkScalars measures one lane's per-bin scalars (teacher draw,
// φ, error factor, cached coefficients, γ's) at n = 100, CPU time.
func BenchmarkScalars(b *testing.B) {
	for _, kind := range []rule.Kind{rule.Euclidean, rule.Natural, rule.Approximate} {
		b.Run(kind.String(), func(b *testing.B) {
			cfg := fig3Config(kind, 1e-3, 1, 100)
			cfg.Rule.CoefficientTol = 1e-9
			bt, err := newBatch(cfg, []laneSpec{{0, cfg.Rule}}, make([]learn.Result, 1))
			if err != nil {
				b.Fatal(err)
			}
			bt.kernel(&bt.pass)
			m := benchcpu.Start(b)
			for k := 1; k <= b.N; k++ {
				if err := bt.scalars(0, k); err != nil {
					b.Fatal(err)
				}
			}
			m.Stop(1, "lane-bin")
		})
	}
}

// BenchmarkSharedTrialBin: 8 learning rates of the natural rule (cache
// 1e−9) sharing one 20-s trial's inputs (Fig 9's η factors), dense and
// event-driven, CPU time per configuration and bin.
func BenchmarkSharedTrialBin(b *testing.B) {
	cfg := fig3Config(rule.Natural, 1, 20, 100)
	cfg.RecordEvery, cfg.TestSamples, cfg.TestBins = 0, 1, 1
	rules := make([]rule.Config, Width)
	for j := range rules {
		rules[j] = rule.DefaultConfig(rule.Natural, benchEta[rule.Natural]*float64(j+1)/4)
		rules[j].CoefficientTol = 1e-9
	}
	res := make([]learn.Result, Width)
	for _, events := range []bool{false, true} {
		b.Run(fmt.Sprintf("events=%v", events), func(b *testing.B) {
			cfg.EventDriven = events
			measure(b, cfg.Bins()*Width, func() error { return RunShared(context.Background(), cfg, 0, rules, res) })
		})
	}
}
