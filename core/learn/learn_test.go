package learn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/core/sweep"
)

func fig3Config(kind rule.Kind, eta, duration float64, n int) Config {
	rates := make([]float64, n)
	w0, wt := make([]float64, n), make([]float64, n)
	for i := range rates {
		rates[i] = 10
		if i >= n/2 {
			rates[i] = 50
		}
		w0[i] = 0.8 * math.Sin(float64(3*i+1)) / float64(n)
		wt[i] = 0.8 * math.Cos(float64(5*i+2)) / float64(n)
	}
	return Config{Transfer: neuron.DefaultSigmoid(), Kernel: neuron.DefaultKernel(),
		Rule: rule.DefaultConfig(kind, eta), Rates: rates, W0: w0,
		Teacher: Teacher{Kind: Realizable, Weights: wt}, Duration: duration,
		RecordEvery: int(duration / 0.0005 / 10), Seed: 7}
}

func TestNaturalRuleReducesKLOnRealizableTeacher(t *testing.T) {
	cfg := fig3Config(rule.Natural, 6e-4/0.3, 300, 20)
	var res Result
	if err := Run(context.Background(), cfg, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.KL) != 11 || res.Times[10] != 300 {
		t.Fatalf("records %d, last time %v", len(res.KL), res.Times[len(res.Times)-1])
	}
	if !(res.KL[10] < 0.5*res.KL[0]) || !(res.WeightDistance[10] < res.WeightDistance[0]) {
		t.Errorf("no learning: KL %v → %v, distance %v → %v", res.KL[0], res.KL[10], res.WeightDistance[0], res.WeightDistance[10])
	}
	for i, v := range res.Final {
		if v != res.Weights[10*20+i] {
			t.Fatal("final weights differ from the last record")
		}
	}
}

func TestSweepOfTrialsIsIdenticalFor1And2And8Workers(t *testing.T) {
	run := func(workers int) [][]float64 {
		out := make([][]float64, 12)
		err := sweep.Run(context.Background(), 0, 12, workers, func(ctx context.Context, i int) error {
			cfg := fig3Config(rule.Kind(i%3), []float64{1.5e-6, 2e-3, 1.5e-3}[i%3], 2, 10)
			cfg.Trial = uint64(i)
			var res Result
			err := Run(ctx, cfg, &res)
			out[i] = append(res.Final, res.KL...)
			return err
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	ref := run(1)
	for _, w := range []int{2, 8} {
		got := run(w)
		for i := range ref {
			for j := range ref[i] {
				if got[i][j] != ref[i][j] {
					t.Fatalf("workers=%d trial %d value %d: %v != %v", w, i, j, got[i][j], ref[i][j])
				}
			}
		}
	}
	if ref[0][0] == ref[3][0] {
		t.Error("different trials produced identical weights")
	}
}

func TestContextCancelsLongRunWithin100ms(t *testing.T) {
	cfg := fig3Config(rule.Natural, 1e-3, 1e5, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Run(ctx, cfg, &Result{}) }()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if el := time.Since(start); el > 100*time.Millisecond {
		t.Errorf("cancellation took %v", el)
	}
}

func TestDivergenceIsAnErrorNamingTimeAndQuantity(t *testing.T) {
	cfg := fig3Config(rule.Natural, 1e12, 5, 10)
	err := Run(context.Background(), cfg, &Result{})
	if err == nil || !strings.Contains(err.Error(), "diverged at t =") {
		t.Fatalf("got %v", err)
	}
	t.Log(err)
}

func TestBadConfigsNameTheParameter(t *testing.T) {
	mod := func(f func(c *Config)) Config { c := fig3Config(rule.Natural, 1e-3, 1, 4); f(&c); return c }
	cases := map[string]Config{
		"rates[1]":        mod(func(c *Config) { c.Rates[1] = -1 }),
		"rates[0]*dt":     mod(func(c *Config) { c.Rates[0] = 5000 }),
		"weights must":    mod(func(c *Config) { c.W0 = c.W0[:3] }),
		"weights[2]":      mod(func(c *Config) { c.W0[2] = math.NaN() }),
		"teacher weights": mod(func(c *Config) { c.Teacher.Weights = nil }),
		"attenuation":     mod(func(c *Config) { c.Param = neuron.Dendritic{Alpha: []float64{1, 1, 1, 1.5}} }),
		"eta":             mod(func(c *Config) { c.Rule.Eta = -1 }),
		"duration":        mod(func(c *Config) { c.Duration = 1e-5 }),
		"dt":              mod(func(c *Config) { c.Kernel.Dt = 0.01 }),
		"n >= 1":          mod(func(c *Config) { c.Rates, c.W0, c.Teacher.Weights = nil, nil, nil }),
		"teacher rate":    mod(func(c *Config) { c.Teacher = Teacher{Kind: PoissonTeacher, Rate: 1e4} }),
		"teacher spikes":  mod(func(c *Config) { c.Teacher = Teacher{Kind: ReplayTeacher, Spikes: []float64{0, 1}} }),
		"inputs":          mod(func(c *Config) { c.InputSpikes = []float64{0, 1} }),
	}
	for want, cfg := range cases {
		err := Run(context.Background(), cfg, &Result{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error naming %q, got %v", want, err)
		}
	}
}

func TestDemocraticPlasticityRelativeChangeIndependentOfAttenuationC5(t *testing.T) {
	var rel []float64
	for inv := 1; inv <= 10; inv++ {
		alpha := 1 / float64(inv)
		cfg := Config{Transfer: neuron.DefaultSigmoid(), Kernel: neuron.DefaultKernel(),
			Rule: rule.DefaultConfig(rule.Natural, 0.017), Param: neuron.Dendritic{Alpha: []float64{alpha}},
			Rates: []float64{5}, W0: []float64{0.05 / alpha}, Teacher: Teacher{Kind: PoissonTeacher, Rate: 20},
			Duration: 5, Seed: 55}
		var res Result
		if err := Run(context.Background(), cfg, &res); err != nil {
			t.Fatal(err)
		}
		rel = append(rel, res.Final[0]/cfg.W0[0]-1)
	}
	for i, r := range rel {
		if math.Abs(r-rel[0]) > 1e-12*math.Abs(rel[0]) {
			t.Errorf("α⁻¹ = %d: relative change %v, α⁻¹ = 1: %v", i+1, r, rel[0])
		}
	}
	if !(rel[0] > 0.05) {
		t.Errorf("relative change %v: a 20 Hz teacher should potentiate", rel[0])
	}
}

func TestBernoulliKLProperties(t *testing.T) {
	if BernoulliKL(0.01, math.Log(0.01), 0.01, math.Log(0.01)) != 0 {
		t.Error("KL of equal distributions is not 0")
	}
	for _, p := range []float64{1e-6, 0.003, 0.04} {
		for _, ps := range []float64{0, 1e-5, 0.01, 0.05} {
			kl := BernoulliKL(ps, math.Log(ps), p, math.Log(p))
			if kl < 0 {
				t.Errorf("KL(%v||%v) = %v < 0", ps, p, kl)
			}
		}
	}
	// A probability above 1 is no Bernoulli distribution: NaN, also when both exceed 1 (the formula's
	// first term alone, p* log(p*/p), would be finite there: 1.5 log(1.5/1.2) for these two).
	for _, pp := range [][2]float64{{1.5, 1.2}, {0.5, 1.2}, {1.5, 0.5}} {
		if kl := BernoulliKL(pp[0], math.Log(pp[0]), pp[1], math.Log(pp[1])); !math.IsNaN(kl) {
			t.Errorf("KL(%v||%v) = %v, want NaN", pp[0], pp[1], kl)
		}
	}
	// p* = 1 is a certain spike: the first term only, log(1/p).
	if kl, want := BernoulliKL(1, 0, 0.5, math.Log(0.5)), math.Log(2); math.Abs(kl-want) > 1e-15 {
		t.Errorf("KL(1||0.5) = %v, want log 2 = %v", kl, want)
	}
	// dt → 0: Bernoulli KL/dt → Poisson form.
	phiS, phi := 40.0, 25.0
	for _, dt := range []float64{1e-3, 1e-4} {
		b := BernoulliKL(phiS*dt, math.Log(phiS*dt), phi*dt, math.Log(phi*dt))
		p := PoissonKL(phiS, phi, dt)
		if math.Abs(b-p) > 2*dt*dt*phiS*phiS {
			t.Errorf("dt=%v: Bernoulli %v vs Poisson %v", dt, b, p)
		}
	}
}
