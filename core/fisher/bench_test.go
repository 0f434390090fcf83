package fisher

import (
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"gonum.org/v1/gonum/mat"
)

var sinkCoefficients Coefficients

func benchmarkCoefficients(b *testing.B, t neuron.Transfer, mu, variance float64) {
	e, err := NewEngine(t)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := e.Coefficients(mu, variance, 78, 1)
		if err != nil {
			b.Fatal(err)
		}
		sinkCoefficients = c
	}
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
	for b.Loop() {
		gs, err := e.GammaS(0, 4)
		if err != nil {
			b.Fatal(err)
		}
		sinkFloat = gs
	}
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
