package rule

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/internal/benchcpu"
)

// BenchmarkStep measures one learning step (excluding input generation) of
// each rule; the reported ns/synapse-step divides by n.
func BenchmarkStep(b *testing.B) {
	for _, kind := range []Kind{Euclidean, Natural, Approximate} {
		for _, n := range []int{100, 1000, 10000} {
			b.Run(fmt.Sprintf("%v/n=%d", kind, n), func(b *testing.B) {
				xs, ys, rates := stream(n, 64, 1)
				w := randomWeights(n, 2, 1)
				l, err := New(DefaultConfig(kind, 1e-7), sigmoidForBench, kernelForBench, nil, rates)
				if err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := l.Update(w, xs[i%64], ys[i%64]); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/synapse-step")
			})
		}
	}
}

// BenchmarkAdvance measures the fused per-bin loop (trace step, potentials,
// previous update) with frozen coefficients, i.e. without quadrature.
func BenchmarkAdvance(b *testing.B) {
	for _, kind := range []Kind{Euclidean, Natural, Approximate} {
		for _, n := range []int{100, 1000, 10000} {
			b.Run(fmt.Sprintf("%v/n=%d", kind, n), func(b *testing.B) {
				_, _, rates := stream(n, 1, 1)
				w, target := randomWeights(n, 2, 1), randomWeights(n, 3, 1)
				cfg := DefaultConfig(kind, 1e-7)
				cfg.Refresh = Frozen
				l, err := New(cfg, sigmoidForBench, kernelForBench, nil, rates)
				if err != nil {
					b.Fatal(err)
				}
				tr := input.NewTraces(kernelForBench, n)
				spikes := make([][]int, 64)
				for k := range spikes {
					for i := k % 7; i < n; i += 67 {
						spikes[k] = append(spikes[k], i)
					}
				}
				m := benchcpu.Start(b)
				for k := 0; k < b.N; k++ {
					pot, err := l.Advance(w, tr, spikes[k%64], target)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := l.Stage(w, pot, float64(k%50/49)); err != nil {
						b.Fatal(err)
					}
				}
				m.Stop(n, "synapse-step")
			})
		}
	}
}

// BenchmarkDensePass measures the dense pass alone (one bin, random state)
// with every kernel of this CPU.
func BenchmarkDensePass(b *testing.B) {
	for _, k := range denseKernels() {
		for _, f := range denseForms {
			for _, teacher := range []bool{false, true} {
				for _, n := range []int{100, 1000, 10000} {
					b.Run(fmt.Sprintf("%v/form=%d/teacher=%v/n=%d", k, f, teacher, n), func(b *testing.B) {
						d := randomPass(n, 1)
						d.c[cDecayM], d.c[cDecayS], d.c[cG] = 1, 1, 0 // a steady state
						d.teacher = teacher
						m := benchcpu.Start(b)
						for range b.N {
							d.acc = [6][4]float64{}
							d.run(k, f)
						}
						m.Stop(n, "synapse-step")
					})
				}
			}
		}
	}
}

// BenchmarkBinCoefficients measures the per-bin coefficient work of the
// event-driven path (recompute from the running sums, then γ_u and γ_w) of
// the natural and approximate rules with the cache at Tol 1e-9, along a
// slow mean-reverting walk of (μ_V, σ_V²) around (1.7 mV, 4 mV²).
func BenchmarkBinCoefficients(b *testing.B) {
	for _, kind := range []Kind{Natural, Approximate} {
		b.Run(kind.String(), func(b *testing.B) {
			_, _, rates := stream(100, 1, 1)
			cfg := DefaultConfig(kind, 1e-7)
			cfg.CoefficientTol = 1e-9
			l, err := New(cfg, sigmoidForBench, kernelForBench, nil, rates)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 1))
			mu, v := 1.7, 4.0
			const m = 4096
			wr, w2r := make([]float64, m), make([]float64, m)
			for i := range wr {
				mu += 6e-5*rng.NormFloat64() - 1e-4*(mu-1.7)
				v *= math.Exp(6e-5*rng.NormFloat64() - 1e-4*math.Log(v/4))
				wr[i], w2r[i] = mu/l.kernel.Eps0, v*l.cEps
			}
			sum := 0.0
			cpu := benchcpu.Start(b)
			for k := range b.N {
				i := k % (2 * m)
				if i >= m {
					i = 2*m - 1 - i // back along the walk: no jump
				}
				l.sumWR, l.sumW2R, l.statsValid = wr[i], w2r[i], true
				if err := l.recompute(nil); err != nil {
					b.Fatal(err)
				}
				gu, gw := l.heterosynaptic(30, 1.7)
				sum += l.coeffs.GammaS + gu + gw
			}
			cpu.Stop(1, "bin")
			c := l.cache
			b.ReportMetric(float64(c.Recentres+c.Fits+c.Direct)/float64(b.N), "misses/bin")
			sinkBench = sum
		})
	}
}

var sinkBench float64
