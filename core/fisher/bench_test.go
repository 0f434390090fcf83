package fisher

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/benchcpu"
	"gonum.org/v1/gonum/mat"
)

var sinkCoefficients Coefficients

func benchmarkCoefficients(b *testing.B, t neuron.Transfer, mu, variance float64) {
	e, err := NewEngine(t)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	m := benchcpu.Start(b)
	for range b.N {
		c, err := e.Coefficients(mu, variance, 78, 1)
		if err != nil {
			b.Fatal(err)
		}
		sinkCoefficients = c
	}
	m.Stop(1, "op")
}

// BenchmarkCoefficients is the typical Fig 3F operating point (μ ≈ 0, σ² ≈ 4).
func BenchmarkCoefficients(b *testing.B) {
	benchmarkCoefficients(b, neuron.DefaultSigmoid(), 0, 4)
}

func BenchmarkCoefficientsFig7(b *testing.B) {
	benchmarkCoefficients(b, neuron.Sigmoid{PhiMax: 100, Beta: 0.3, Theta: 15}, 12.5, 300)
}

func BenchmarkCoefficientsWide(b *testing.B) {
	benchmarkCoefficients(b, neuron.DefaultSigmoid(), 0, 1e4)
}

func BenchmarkCoefficientsNarrow(b *testing.B) {
	benchmarkCoefficients(b, neuron.DefaultSigmoid(), 0, 1e-3)
}

func BenchmarkCoefficientsRectifiedQuadratic(b *testing.B) {
	benchmarkCoefficients(b, neuron.RectifiedQuadratic{Scale: 0.25, Theta: -20}, 0, 4)
}

// BenchmarkCoefficientsGenericPanels hides the sigmoid type so the generic
// FisherSupport scheme is used.
func BenchmarkCoefficientsGenericPanels(b *testing.B) {
	benchmarkCoefficients(b, supportOnly{neuron.DefaultSigmoid()}, 0, 4)
}

func BenchmarkCoefficientsParallel(b *testing.B) {
	e, err := NewEngine(neuron.DefaultSigmoid())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		mu := 0.0
		for pb.Next() {
			mu += 1e-6
			if _, err := e.Coefficients(mu, 4, 78, 1); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

var sinkFloat float64

func BenchmarkGammaS(b *testing.B) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	b.ReportAllocs()
	m := benchcpu.Start(b)
	for range b.N {
		gs, err := e.GammaS(0, 4)
		if err != nil {
			b.Fatal(err)
		}
		sinkFloat = gs
	}
	m.Stop(1, "op")
}

func BenchmarkMoments(b *testing.B) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	b.ReportAllocs()
	for b.Loop() {
		i1, _, _, err := e.Moments(0, 4)
		if err != nil {
			b.Fatal(err)
		}
		sinkFloat = i1
	}
}

func BenchmarkInverseCoefficients(b *testing.B) {
	for b.Loop() {
		g1, _, _, _ := InverseCoefficients(0.424, 0.1006, 0.0171, 0, 3.85, 78, 1)
		sinkFloat = g1
	}
}

// matrixFixture returns n = 100 somatic weights, 10/50 Hz rates and coefficients.
func matrixFixture(b *testing.B) (Coefficients, neuron.Kernel, []float64, []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	k := neuron.DefaultKernel()
	ws, rates := make([]float64, 100), make([]float64, 100)
	for i := range ws {
		ws[i] = (2*rng.Float64() - 1) / 100
		rates[i] = 10
		if i >= 50 {
			rates[i] = 50
		}
	}
	e, _ := NewEngine(neuron.DefaultSigmoid())
	mu, v, q := InputStatistics(k, ws, rates)
	c, err := e.Coefficients(mu, v, q, k.Eps0)
	if err != nil {
		b.Fatal(err)
	}
	return c, k, ws, rates
}

func BenchmarkMatrix(b *testing.B) {
	c, k, ws, rates := matrixFixture(b)
	dst := mat.NewSymDense(len(ws), nil)
	b.ReportAllocs()
	for b.Loop() {
		Matrix(dst, c, k, ws, rates)
	}
}

func BenchmarkInverseMatrix(b *testing.B) {
	c, k, ws, rates := matrixFixture(b)
	dst := mat.NewSymDense(len(ws), nil)
	b.ReportAllocs()
	for b.Loop() {
		InverseMatrix(dst, c, k, ws, rates)
	}
}

// driftStep moves (μ, σ²) like learning near its plateau: mean-reverting
// random walks around (1.7 mV, 4 mV²) with steps of 0.002 (Fig 3F-like).
func driftStep(rng *rand.Rand, mu, v float64) (float64, float64) {
	mu += 0.002*rng.NormFloat64() - 1e-4*(mu-1.7)
	v *= math.Exp(0.002*rng.NormFloat64() - 1e-4*math.Log(v/4))
	return mu, v
}

// BenchmarkCacheCoefficients is Coefficients from a Cache along a slow
// random walk of the operating point (Fig 3F-like drift), fits included.
func BenchmarkCacheCoefficients(b *testing.B) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	c, _ := NewCache(e, 1e-9)
	rng := rand.New(rand.NewPCG(1, 1))
	mu, v := 1.7, 4.0
	b.ReportAllocs()
	m := benchcpu.Start(b)
	for range b.N {
		mu, v = driftStep(rng, mu, v)
		co, err := c.Coefficients(mu, v, 78, 1)
		if err != nil {
			b.Fatal(err)
		}
		sinkCoefficients = co
	}
	m.Stop(1, "op")
	b.ReportMetric(float64(c.Fits)/float64(b.N), "fits/op")
}

func BenchmarkCacheGammaS(b *testing.B) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	c, _ := NewCache(e, 1e-9)
	rng := rand.New(rand.NewPCG(1, 1))
	mu, v := 1.7, 4.0
	m := benchcpu.Start(b)
	for range b.N {
		mu, v = driftStep(rng, mu, v)
		gs, err := c.GammaS(mu, v)
		if err != nil {
			b.Fatal(err)
		}
		sinkFloat = gs
	}
	m.Stop(1, "op")
}

// BenchmarkDriftStep is the cost of driftStep alone, to subtract from the
// Cache benchmarks.
func BenchmarkDriftStep(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	mu, v := 1.7, 4.0
	m := benchcpu.Start(b)
	for range b.N {
		mu, v = driftStep(rng, mu, v)
	}
	sinkFloat = mu + v
	m.Stop(1, "op")
}

// BenchmarkCacheRecentre is one recentring of the Taylor layer (all three
// functions, with the g's bound).
func BenchmarkCacheRecentre(b *testing.B) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	c, _ := NewCache(e, 1e-9)
	p := c.lookup(1.7, 4)
	m := benchcpu.Start(b)
	for k := range b.N {
		c.recentre(p, 1.7+1e-3*float64(k%16), 4, 78, 3)
	}
	m.Stop(1, "op")
}

// BenchmarkCoefficientsScattered evaluates the points of the benchmark
// table's scattered set (μ uniform on [−10, 20], σ² log-uniform on
// [0.5, 300]) by quadrature, one per op.
func BenchmarkCoefficientsScattered(b *testing.B) {
	e, err := NewEngine(neuron.DefaultSigmoid())
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 0))
	mu, variance := make([]float64, 1024), make([]float64, 1024)
	for i := range mu {
		mu[i], variance[i] = -10+30*r.Float64(), math.Exp(math.Log(0.5)+(math.Log(300)-math.Log(0.5))*r.Float64())
	}
	m := benchcpu.Start(b)
	for i := range b.N {
		c, err := e.Coefficients(mu[i&1023], variance[i&1023], 78, 1)
		if err != nil {
			b.Fatal(err)
		}
		sinkCoefficients = c
	}
	m.Stop(1, "op")
}
