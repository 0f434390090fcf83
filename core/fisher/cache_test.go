package fisher

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

// cacheError returns the error of cached coefficients relative to direct
// quadrature: γ_s relative, and g1 … g4 relative to the size of the g
// vector in units of σ (g1·1, g2·σ, g4·σ², see InverseCoefficients).
func cacheError(got, want Coefficients) float64 {
	s := math.Sqrt(want.Var)
	norm := math.Abs(want.G1) + math.Abs(want.G2)*s + math.Abs(want.G4)*s*s
	e := math.Abs(got.GammaS/want.GammaS - 1)
	e = math.Max(e, math.Abs(got.G1-want.G1)/norm)
	e = math.Max(e, math.Abs(got.G2-want.G2)*s/norm)
	e = math.Max(e, math.Abs(got.G3-want.G3)*s/norm)
	return math.Max(e, math.Abs(got.G4-want.G4)*s*s/norm)
}

// TestCacheMeetsToleranceAlongRandomWalks drives a Cache along random walks
// of the operating point like those of learning (and with jumps) and
// compares every evaluation with direct quadrature.
func TestCacheMeetsToleranceAlongRandomWalks(t *testing.T) {
	transfers := []neuron.Transfer{neuron.DefaultSigmoid(), neuron.Sigmoid{PhiMax: 100, Beta: 0.3, Theta: 15},
		neuron.RectifiedQuadratic{Scale: 0.25, Theta: -20}}
	for ti, tf := range transfers {
		e, _ := NewEngine(tf)
		for _, tol := range []float64{1e-7, 1e-9, 1e-10} {
			c, err := NewCache(e, tol)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(ti), 9))
			mu, v, worst := 1.7, 4.0, 0.0
			for k := range 20000 {
				mu += 0.003 * rng.NormFloat64()
				v *= math.Exp(0.003 * rng.NormFloat64())
				if k%5000 == 4999 { // jump elsewhere
					mu, v = 30*rng.Float64()-10, math.Exp(6*rng.Float64()-1)
				}
				got, err := c.Coefficients(mu, v, 78, 1)
				want, err2 := e.Coefficients(mu, v, 78, 1)
				if (err == nil) != (err2 == nil) {
					t.Fatalf("mu %v v %v: cache error %v, direct error %v", mu, v, err, err2)
				}
				if err != nil {
					continue
				}
				worst = math.Max(worst, cacheError(got, want))
				gs, _ := c.GammaS(mu, v)
				worst = math.Max(worst, math.Abs(gs/want.GammaS-1))
			}
			if worst > tol {
				t.Errorf("%T tol %g: worst error %.3g", tf, tol, worst)
			}
			if c.Hits < 10*c.Fits {
				t.Errorf("%T tol %g: %d fits for %d hits: the cache does not pay", tf, tol, c.Fits, c.Hits)
			}
			t.Logf("%T tol %g: worst %.2g, fits %d, hits %d, recentres %d, direct %d", tf, tol, worst, c.Fits, c.Hits, c.Recentres, c.Direct)
		}
	}
}

func TestCacheRejectsBadTolerance(t *testing.T) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	for _, tol := range []float64{0, -1, 1, math.NaN(), 1e-16} {
		if _, err := NewCache(e, tol); err == nil {
			t.Errorf("tol %v accepted", tol)
		}
	}
}
