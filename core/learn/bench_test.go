package learn

import (
	"context"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/natspike/natspike/core/rule"
)

// benchSizes and benchRules span the benchmark grid.
var (
	benchSizes = []int{100, 1000, 10000}
	benchRules = []rule.Kind{rule.Euclidean, rule.Natural, rule.Approximate}
	benchEta   = map[rule.Kind]float64{rule.Euclidean: 1.5e-6, rule.Natural: 2e-3, rule.Approximate: 1.5e-3}
)

// benchModes are the evaluation modes: dense and exact (the default), with
// the coefficient cache, and event-driven with the cache.
var benchModes = []struct {
	name   string
	events bool
	tol    float64
}{{"dense", false, 0}, {"dense+cache", false, 1e-9}, {"events+cache", true, 1e-9}}

// BenchmarkBin measures one learning bin of the Fig 3F setting (realizable
// teacher, 10/50 Hz, Poisson inputs): input spikes, traces, teacher, rule.
// Setup (test set, objective) is excluded. cpu-ns/synapse-step is the
// thread's CPU time per bin and synapse, steadier than wall time on a
// shared machine.
func BenchmarkBin(b *testing.B) {
	for _, kind := range benchRules {
		for _, mode := range benchModes {
			if kind == rule.Euclidean && mode.tol > 0 && !mode.events {
				continue // no coefficients to cache
			}
			for _, n := range benchSizes {
				b.Run(fmt.Sprintf("%v/%s/n=%d", kind, mode.name, n), func(b *testing.B) {
					cfg := fig3Config(kind, benchEta[kind], 1e6, n)
					cfg.EventDriven, cfg.Rule.CoefficientTol = mode.events, mode.tol
					benchmarkBins(b, cfg)
				})
			}
		}
	}
}

func benchmarkBins(b *testing.B, cfg Config) {
	cfg.setDefaults()
	cfg.TestSamples, cfg.TestBins = 1, 1
	l, err := newLayer(cfg, &Result{})
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	start := threadCPU()
	if err := l.steps(0, b.N); err != nil { // as Run drives the bins between records
		b.Fatal(err)
	}
	cpu := threadCPU() - start
	b.StopTimer()
	n := float64(len(cfg.Rates))
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/n, "cpu-ns/synapse-step")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/synapse-step")
}

// threadCPU returns the CPU time consumed by the calling OS thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRun measures a whole 10-s trial including its setup (test-set
// sampling and objective evaluation at the start and the end).
func BenchmarkRun(b *testing.B) {
	for _, kind := range benchRules {
		b.Run(fmt.Sprintf("%v/n=100", kind), func(b *testing.B) {
			cfg := fig3Config(kind, benchEta[kind], 10, 100)
			cfg.RecordEvery = 0
			for b.Loop() {
				if err := Run(context.Background(), cfg, &Result{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkShared measures one bin of K = 8 configurations of one Fig 3F
// trial (the natural rule at 8 learning rates, default evaluation), run on
// one draw of the inputs and teacher (RunShared's layer) against 8 runs
// alone; and, shared only, the Euclidean rule at 8 learning rates and 4
// natural with 4 Euclidean configurations (Fig 9's mix). cpu-ns/config-bin
// is the thread's CPU time per bin and configuration.
func BenchmarkShared(b *testing.B) {
	const k = 8
	natural, euclidean := make([]rule.Kind, k), make([]rule.Kind, k)
	for j := range natural {
		natural[j], euclidean[j] = rule.Natural, rule.Euclidean
	}
	mixed := append(append([]rule.Kind{}, natural[:k/2]...), euclidean[:k/2]...)
	for _, n := range []int{100, 1000} {
		cfgs := sharedBenchConfigs(natural, n)
		b.Run(fmt.Sprintf("shared/K=%d/n=%d", k, n), func(b *testing.B) { benchmarkShared(b, cfgs, 1) })
		b.Run(fmt.Sprintf("alone/K=%d/n=%d", k, n), func(b *testing.B) {
			ls := make([]*layer, k)
			for j := range ls {
				var err error
				if ls[j], err = newLayer(cfgs[j], &Result{}); err != nil {
					b.Fatal(err)
				}
			}
			benchmarkLayers(b, ls, k, 1)
		})
		for _, mix := range []struct {
			name  string
			kinds []rule.Kind
		}{{"euclidean", euclidean}, {"mixed", mixed}} {
			cfgs := sharedBenchConfigs(mix.kinds, n)
			b.Run(fmt.Sprintf("%s/shared/K=%d/n=%d", mix.name, k, n), func(b *testing.B) { benchmarkShared(b, cfgs, 1) })
		}
	}
}

// fig9Factors are Fig 9D's learning-rate factors η/η0 at paper size.
var fig9Factors = []float64{0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0}

// BenchmarkSharedFig9 measures one bin of Fig 9's 22 configurations of one
// trial at paper size as run_configurations orders them (for every factor
// x, the natural then the Euclidean rule at x·η0), n = 100, in the default
// evaluation, stepped checkInterval bins per call as runBins does between
// cancellation checks. cpu-ns/config-bin is the thread's CPU time per bin and
// configuration.
func BenchmarkSharedFig9(b *testing.B) {
	cfgs := make([]Config, 0, 2*len(fig9Factors))
	for _, x := range fig9Factors {
		for _, kind := range []rule.Kind{rule.Natural, rule.Euclidean} {
			c := defaultEvaluation(fig3Config(kind, x*benchEta[kind], 1e6, 100))
			c.setDefaults()
			c.TestSamples, c.TestBins = 1, 1
			cfgs = append(cfgs, c)
		}
	}
	b.Run(fmt.Sprintf("shared/K=%d/n=100", len(cfgs)), func(b *testing.B) { benchmarkShared(b, cfgs, checkInterval) })
}

// fig12Configs are Fig 12C's three configurations of one trial (input
// pattern 10/30 Hz: the first half of n afferents at 10 Hz, the second at
// 30 Hz): the natural, Euclidean and approximate rules in
// run_configurations' order at the pattern's Table 1 learning rates
// (authors' convention), in the default evaluation, over duration seconds.
func fig12Configs(duration float64, n int) []Config {
	const r1, r2 = 10, 30
	eta := map[rule.Kind]float64{rule.Natural: 6.55e-4, rule.Euclidean: 1.10e-6, rule.Approximate: 5.5e-4}
	var cfgs []Config
	for _, kind := range []rule.Kind{rule.Natural, rule.Euclidean, rule.Approximate} {
		c := defaultEvaluation(fig3Config(kind, eta[kind], duration, n))
		c.Rule.LR = rule.Authors
		for i := range c.Rates {
			c.Rates[i] = r1
			if i >= n/2 {
				c.Rates[i] = r2
			}
		}
		cfgs = append(cfgs, c)
	}
	return cfgs
}

// BenchmarkSharedFig12 measures one bin of Fig 12C's three configurations
// of one trial at paper size (fig12Configs, 10/30 Hz, n = 100) as
// run_configurations runs them, stepped checkInterval bins per call.
// cpu-ns/config-bin is the thread's CPU time per bin and configuration.
func BenchmarkSharedFig12(b *testing.B) {
	cfgs := fig12Configs(1e6, 100)
	for j := range cfgs {
		cfgs[j].setDefaults()
		cfgs[j].TestSamples, cfgs[j].TestBins = 1, 1
	}
	b.Run(fmt.Sprintf("shared/K=%d/n=100", len(cfgs)), func(b *testing.B) { benchmarkShared(b, cfgs, checkInterval) })
}

// sharedBenchConfigs are Fig 3F configurations of the rules kinds, each at
// its own multiple (j+1)/K of the rule's benchmark learning rate (j counted
// per rule), in default evaluation.
func sharedBenchConfigs(kinds []rule.Kind, n int) []Config {
	cfgs, count := make([]Config, len(kinds)), map[rule.Kind]int{}
	for j, kind := range kinds {
		count[kind]++
		cfgs[j] = defaultEvaluation(fig3Config(kind, benchEta[kind]*float64(count[kind])/float64(len(kinds)), 1e6, n))
		cfgs[j].setDefaults()
		cfgs[j].TestSamples, cfgs[j].TestBins = 1, 1
	}
	return cfgs
}

// benchmarkShared steps the configurations cfgs as one RunShared layer,
// chunk bins per call of steps.
func benchmarkShared(b *testing.B, cfgs []Config, chunk int) {
	res := make([]*Result, len(cfgs))
	for j := range res {
		res[j] = &Result{}
	}
	l, err := newShared(cfgs, res)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkLayers(b, []*layer{l}, len(cfgs), chunk)
}

// benchmarkLayers steps every layer b.N bins, chunk bins per call of steps
// (the last call fewer), and reports the CPU time per bin and configuration
// (k configurations in all).
func benchmarkLayers(b *testing.B, ls []*layer, k, chunk int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	start := threadCPU()
	for bin := 0; bin < b.N; bin += chunk {
		for _, l := range ls {
			if err := l.steps(bin, min(bin+chunk, b.N)); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu := threadCPU() - start
	b.StopTimer()
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(k), "cpu-ns/config-bin")
}

// BenchmarkBatch measures one bin of G = 4 independent trials stepped in
// lockstep (RunBatch's batch) against the same 4 trials each run alone,
// one after another, alternating chunks of 256 bins of the two so that both
// see the same load: the natural rule in the default evaluation on Fig 3F
// at n = 100 and in Fig 7's setting (n = 10: 5 afferents at 5 Hz, 5
// silent, a Poisson teacher at 20 Hz). cpu-ns/trial-bin is the thread's CPU
// time per bin and trial of each.
func BenchmarkBatch(b *testing.B) {
	const g = 4
	settings := map[string]func() Config{
		"fig3f/n=100": func() Config { return fig3Config(rule.Natural, benchEta[rule.Natural], 1e6, 100) },
		"fig7/n=10": func() Config {
			c := fig3Config(rule.Natural, 1e-3, 1e6, 10)
			for i := range c.Rates {
				c.Rates[i] = map[bool]float64{true: 5, false: 1e-4}[i < 5]
			}
			c.Teacher = Teacher{Kind: PoissonTeacher, Rate: 20}
			return c
		},
	}
	for name, setting := range settings {
		b.Run(name, func(b *testing.B) {
			batch, alone := newBatch(benchTrials(b, setting, g)), benchTrials(b, setting, g)
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var inBatch, inTurn time.Duration
			for k := 0; k < b.N; k += checkInterval {
				end := min(b.N, k+checkInterval)
				start := threadCPU()
				if err := batch.steps(k, end); err != nil {
					b.Fatal(err)
				}
				mid := threadCPU()
				for _, l := range alone {
					if err := l.steps(k, end); err != nil {
						b.Fatal(err)
					}
				}
				inBatch, inTurn = inBatch+mid-start, inTurn+threadCPU()-mid
			}
			per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) / g }
			b.ReportMetric(per(inBatch), "batch-cpu-ns/trial-bin")
			b.ReportMetric(per(inTurn), "alone-cpu-ns/trial-bin")
		})
	}
}

// benchTrials returns layers of g trials (Trial 0 … g−1) of setting in the
// default evaluation, without the cost of a test set.
func benchTrials(b *testing.B, setting func() Config, g int) []*layer {
	ls := make([]*layer, g)
	for j := range ls {
		c := defaultEvaluation(setting())
		c.Trial = uint64(j)
		c.setDefaults()
		c.TestSamples, c.TestBins = 1, 1
		var err error
		if ls[j], err = newLayer(c, &Result{}); err != nil {
			b.Fatal(err)
		}
	}
	return ls
}
