package capi

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/config"
)

func defaultEngine(t *testing.T) neuronEngine {
	t.Helper()
	ne, err := newNeuronEngine(config.DefaultNeuron())
	if err != nil {
		t.Fatal(err)
	}
	return ne
}

func TestEnginesAreMemoisedByTheirJSON(t *testing.T) {
	a, err := engineOf(`{"beta": 0.4}`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := engineOf(`{"beta": 0.4}`)
	c, _ := engineOf(`{"beta": 0.5}`)
	if a.e != b.e || a.e == c.e {
		t.Error("the same JSON must give the same engine, another JSON another")
	}
	if _, err := engineOf(`{"beta": -1}`); err == nil {
		t.Error("an invalid neuron was accepted")
	}
	for i := range 2 * maxEngines {
		if _, err := engineOf(fmt.Sprintf(`{"beta": %d}`, i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if len(engines.m) > maxEngines {
		t.Errorf("%d engines kept, at most %d", len(engines.m), maxEngines)
	}
}

// walk is a random walk of the operating point like learning's, with a jump.
func walk(n int) (mu, v, q []float64) {
	rng := rand.New(rand.NewPCG(3, 5))
	m, s := 1.7, 4.0
	for k := range n {
		m += 0.003 * rng.NormFloat64()
		s *= math.Exp(0.003 * rng.NormFloat64())
		if k == n/2 {
			m, s = 12, 40
		}
		mu, v, q = append(mu, m), append(v, s), append(q, 78)
	}
	return mu, v, q
}

func evaluate(t *testing.T, mu, v, q []float64, tol float64) []float64 {
	t.Helper()
	out := make([]float64, len(mu)*len(CoefficientColumns))
	var done int64
	if err := coefficientsInto(context.Background(), defaultEngine(t), mu, v, q, tol, out, Progress{&done}); err != nil {
		t.Fatal(err)
	}
	if done != int64(len(mu)) {
		t.Errorf("progress %d, want %d", done, len(mu))
	}
	return out
}

// rowError is the cache's error measure (core/fisher cacheError): γ_s and c1
// relative, g1 … g4 relative to |g1| + |g2| σ + |g4| σ² in units of σ^k.
func rowError(got, want []float64, v float64) float64 {
	s := math.Sqrt(v)
	norm := math.Abs(want[1]) + math.Abs(want[2])*s + math.Abs(want[4])*v
	e := math.Max(math.Abs(got[0]/want[0]-1), math.Abs(got[5]/want[5]-1))
	for k, scale := range []float64{1, s, s, v} {
		e = math.Max(e, math.Abs(got[1+k]-want[1+k])*scale/norm)
	}
	return e
}

func TestCachedCoefficientsMeetTheToleranceAlongAWalk(t *testing.T) {
	mu, v, q := walk(3 * cacheRun)
	exact, cached := evaluate(t, mu, v, q, 0), evaluate(t, mu, v, q, 1e-9)
	worst, same := 0.0, 0
	for i := range mu {
		got, want := cached[i*11:i*11+11], exact[i*11:i*11+11]
		worst = math.Max(worst, rowError(got, want, v[i]))
		if got[0] == want[0] {
			same++
		}
	}
	if worst > 1e-9 {
		t.Errorf("worst error %.3g > 1e-9", worst)
	}
	if same > len(mu)/2 {
		t.Errorf("%d of %d rows equal quadrature's: the cache was not used", same, len(mu))
	}
}

func TestCachedCoefficientsDoNotDependOnTheWorkers(t *testing.T) {
	mu, v, q := walk(2*cacheRun + 100)
	two := evaluate(t, mu, v, q, 1e-9)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	one := evaluate(t, mu, v, q, 1e-9)
	for i := range one {
		if one[i] != two[i] {
			t.Fatalf("entry %d: %v with 1 worker, %v with 2", i, one[i], two[i])
		}
	}
}

func TestScatteredPointsAreEvaluatedByQuadrature(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	n := 2000
	mu, v, q := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range mu {
		mu[i], v[i], q[i] = 30*rng.Float64()-10, math.Exp(math.Log(0.5)+rng.Float64()*math.Log(600)), 78
	}
	runs, rest := localRuns(mu, v)
	if len(runs) != 0 || len(rest) != n {
		t.Fatalf("%d cached runs, %d points by quadrature", len(runs), len(rest))
	}
	got := evaluate(t, mu, v, q, 1e-9)
	e, _ := fisher.NewEngine(neuron.DefaultSigmoid())
	for _, i := range []int{0, 999, n - 1} {
		c, _ := e.Coefficients(mu[i], v[i], q[i], 1)
		if got[i*11] != c.GammaS || got[i*11+4] != c.G4 {
			t.Errorf("row %d differs from quadrature", i)
		}
	}
}

func TestAFineGridInItsOwnOrderIsCachedAndAShuffledOneIsNot(t *testing.T) {
	var mu, v, q []float64 // a fine μ-grid at two variances, as broadcasting gives it
	for _, s := range []float64{4, 30} {
		for i := range cacheRun {
			mu, v, q = append(mu, -2+4*float64(i)/cacheRun), append(v, s), append(q, 78)
		}
	}
	if runs, _ := localRuns(mu, v); len(runs) != 2 {
		t.Fatalf("%d cached runs, want 2", len(runs))
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(mu), func(i, j int) { mu[i], mu[j], v[i], v[j] = mu[j], mu[i], v[j], v[i] })
	if runs, _ := localRuns(mu, v); len(runs) != 0 {
		t.Fatalf("%d cached runs of shuffled points, want 0", len(runs))
	}
}

func TestCoefficientToleranceIsChecked(t *testing.T) {
	out := make([]float64, 11)
	for _, tol := range []float64{-1e-9, 1e-15, 1, math.NaN(), math.Inf(1)} {
		err := coefficientsInto(context.Background(), defaultEngine(t), []float64{0}, []float64{4}, []float64{78}, tol, out, Progress{})
		if err == nil || !strings.HasPrefix(err.Error(), "coefficient_tolerance must be ") || statusOf(err) != StatusInvalid {
			t.Errorf("tol %v: got %v", tol, err)
		}
	}
}
