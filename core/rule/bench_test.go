package rule

import (
	"fmt"
	"testing"
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
