package fisher_test

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/internal/benchcpu"
)

// registerOperatingPoint adds the outputs "test_mu_v" and "test_var_v":
// the operating point (μ_V, σ_V²) of the rule's coefficients every
// trace_every bins.
var registerOperatingPoint = sync.OnceValue(func() error {
	for _, o := range []struct {
		name string
		x    func(fisher.Coefficients) float64
	}{{"test_mu_v", func(c fisher.Coefficients) float64 { return c.Mu }},
		{"test_var_v", func(c fisher.Coefficients) float64 { return c.Var }}} {
		err := learn.RegisterOutput(learn.Output{Name: o.name, Doc: "operating point (test)", Dims: []learn.Dim{learn.DimTraces},
			Neuron: true, Traced: true, Teachers: learn.TeacherKinds, Origin: learn.FromTrial,
			Observe: func(dst []float64, k int, b learn.Bin) {
				if every := b.Config.TraceEvery; k%every == 0 {
					dst[k/every] = o.x(b.Step.Coefficient)
				}
			}})
		if err != nil {
			return err
		}
	}
	return nil
})

// fig3fTrajectory returns the operating point of every bin of a Fig 3F
// trial (n = 100 at 10/50 Hz, w0 and w* ~ U(−1/n, 1/n), realizable teacher,
// natural rule at the paper's η in the (1 − σ) convention) with exact
// coefficients.
func fig3fTrajectory(t *testing.T, seconds float64) (mu, v []float64) {
	t.Helper()
	if err := registerOperatingPoint(); err != nil {
		t.Fatal(err)
	}
	const n = 100
	rng := rand.New(rand.NewPCG(3, 6))
	rates, w0, wt := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range rates {
		rates[i] = 10 + 40*float64(i/(n/2))
		w0[i], wt[i] = (2*rng.Float64()-1)/n, (2*rng.Float64()-1)/n
	}
	cfg := learn.Config{Transfer: neuron.DefaultSigmoid(), Kernel: neuron.DefaultKernel(),
		Rule: rule.DefaultConfig(rule.Natural, 6e-4/0.3), Rates: rates, W0: w0,
		Teacher: learn.Teacher{Kind: learn.Realizable, Weights: wt}, Duration: seconds, TraceEvery: 1, Seed: 11}
	var res learn.Result
	if err := learn.Run(context.Background(), cfg, &res); err != nil {
		t.Fatal(err)
	}
	return *res.Extra["test_mu_v"], *res.Extra["test_var_v"]
}

// TestCacheAlongFig3FTrajectory replays a Fig 3F trial's operating points
// through Caches at several tolerances: every coefficient is within Tol of
// quadrature, and the Taylor layer recentres rarely.
func TestCacheAlongFig3FTrajectory(t *testing.T) {
	seconds := 60.0
	if testing.Short() {
		seconds = 10
	}
	mu, v := fig3fTrajectory(t, seconds)
	e, _ := fisher.NewEngine(neuron.DefaultSigmoid())
	k := neuron.DefaultKernel()
	q := k.CEps() * k.Eps0 * k.Eps0 * (50*10 + 50*50) // Σ_i r_i c_ε ε0²
	for _, tol := range []float64{1e-7, 1e-9, 1e-10} {
		c, _ := fisher.NewCache(e, tol)
		worst := 0.0
		for k := range mu {
			got, err := c.Coefficients(mu[k], v[k], q, 1)
			if err != nil {
				t.Fatal(err)
			}
			if k%7 == 0 {
				want, _ := e.Coefficients(mu[k], v[k], q, 1)
				worst = math.Max(worst, fisher.CacheError(got, want))
			}
		}
		if worst > tol {
			t.Errorf("tol %g: worst error %.3g", tol, worst)
		}
		per := float64(c.Hits) / float64(max(c.Recentres, 1))
		if per < 100 {
			t.Errorf("tol %g: a recentring every %.0f bins", tol, per)
		}
		t.Logf("tol %g over %d bins: worst error %.2g, fits %d, recentres %d (every %.0f bins), direct %d",
			tol, len(mu), worst, c.Fits, c.Recentres, per, c.Direct)
	}
}

var fig3fPoints struct {
	sync.Once
	mu, v []float64
}

// BenchmarkCacheFig3F is Cache.Coefficients along the operating points of
// 20 s of a Fig 3F trial (replayed cyclically), at Tol 1e-9.
func BenchmarkCacheFig3F(b *testing.B) {
	fig3fPoints.Do(func() { fig3fPoints.mu, fig3fPoints.v = fig3fTrajectory(&testing.T{}, 20) })
	mu, v := fig3fPoints.mu, fig3fPoints.v
	e, _ := fisher.NewEngine(neuron.DefaultSigmoid())
	c, _ := fisher.NewCache(e, 1e-9)
	k := neuron.DefaultKernel()
	q := k.CEps() * k.Eps0 * k.Eps0 * (50*10 + 50*50)
	m := benchcpu.Start(b)
	for i := range b.N {
		co, err := c.Coefficients(mu[i%len(mu)], v[i%len(v)], q, 1)
		if err != nil {
			b.Fatal(err)
		}
		sinkCoefficients = co
	}
	m.Stop(1, "op")
	b.ReportMetric(float64(c.Recentres)/float64(b.N), "recentres/op")
}

var sinkCoefficients fisher.Coefficients
