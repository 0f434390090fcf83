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

// TestInverseIntoIsCoefficientsIntoWrittenOut drives a Cache along a walk
// of the operating point and checks at every step that InverseInto, whose
// Taylor and inverse steps are written out, completed by
// CompleteCoefficients gives bit for bit what eval3 and fromRatios give
// from the same Taylor layer, and CoefficientsInto on a copy of the
// Cache (counters included); and that off the Taylor box it changes nothing.
func TestInverseIntoIsCoefficientsIntoWrittenOut(t *testing.T) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	c, _ := NewCache(e, 1e-9)
	twin, _ := NewCache(e, 1e-9)
	rng := rand.New(rand.NewPCG(3, 12))
	mu, v, q, served, missed := 1.7, 4.0, 78.0, 0, 0
	for range 3000 {
		mu += 3e-4 * rng.NormFloat64()
		v *= math.Exp(3e-4 * rng.NormFloat64())
		twin.SetState(c.AppendState(nil))
		var want, patch Coefficients
		if err := twin.CoefficientsInto(&want, mu, v, q, 1); err != nil {
			t.Fatal(err)
		}
		sentinel := Coefficients{Mu: -1, I1: -2, G4: -3}
		got, r := sentinel, Ratios{}
		if !c.InverseInto(&got, &r, mu, v, q, 1) {
			if got != sentinel {
				t.Fatalf("InverseInto(%v, %v) reported false but wrote %+v", mu, v, got)
			}
			missed++
			if err := c.CoefficientsInto(&got, mu, v, q, 1); err != nil {
				t.Fatal(err)
			}
			continue
		}
		served++
		gs, r2, r3 := c.taylor.eval3(mu, v)
		if err := fromRatios(&patch, gs, r2, r3, mu, v, q); err != nil {
			t.Fatal(err)
		}
		if got.I1 != sentinel.I1 {
			t.Fatalf("InverseInto set I1 = %v, want it left for CompleteCoefficients", got.I1)
		}
		CompleteCoefficients(&got, r)
		if got != want || got != patch {
			t.Fatalf("at (%v, %v): InverseInto completed %+v, CoefficientsInto %+v, eval3 and fromRatios %+v", mu, v, got, want, patch)
		}
		exact, _ := e.Coefficients(mu, v, q, 1)
		if d := momentError(got, exact); d > 1e-8 {
			t.Fatalf("at (%v, %v): completed moments %+v differ from quadrature %+v by %.3g", mu, v, got, exact, d)
		}
		if s, w := c.AppendState(nil), twin.AppendState(nil); !equalWords(s, w) {
			t.Fatalf("at (%v, %v): Cache state after InverseInto differs from that after CoefficientsInto", mu, v)
		}
	}
	if served < 1000 || missed < 3 {
		t.Fatalf("InverseInto served %d and missed %d of 3000 points: the walk does not exercise both", served, missed)
	}
}

// momentError returns the error of the c's and I's of got relative to want:
// c1, I1 … I3 relative, c2 and c3 relative to c1/σ and c1/σ² (the units
// in which the cache bounds ρ2 and ρ3, see Cache).
func momentError(got, want Coefficients) float64 {
	s := math.Sqrt(want.Var)
	e := math.Abs(got.C1/want.C1 - 1)
	e = math.Max(e, math.Abs(got.C2-want.C2)*s/want.C1)
	e = math.Max(e, math.Abs(got.C3-want.C3)*want.Var/want.C1)
	for _, p := range [][2]float64{{got.I1, want.I1}, {got.I2, want.I2}, {got.I3, want.I3}} {
		e = math.Max(e, math.Abs(p[0]/p[1]-1))
	}
	return e
}

func equalWords(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestInverseIntoRefusesInvalidArguments checks that InverseInto and
// GammaS, which rely on the Taylor box for the checks of μ, σ² and q, refuse
// invalid arguments, also after SetState restored a box that contains them.
func TestInverseIntoRefusesInvalidArguments(t *testing.T) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	c, _ := NewCache(e, 1e-9)
	var dst Coefficients
	var r Ratios
	if _, err := c.Coefficients(1.7, 4, 78, 1); err != nil {
		t.Fatal(err)
	}
	if !c.InverseInto(&dst, &r, 1.7, 4, 78, 1) {
		t.Fatal("InverseInto refused the Taylor layer's centre")
	}
	nan, inf := math.NaN(), math.Inf(1)
	for _, eps0 := range []float64{0, -1, nan, inf} {
		if c.InverseInto(&dst, &r, 1.7, 4, 78, eps0) {
			t.Errorf("InverseInto accepted eps0 = %v", eps0)
		}
	}
	state := c.AppendState(nil)
	box := len(state) - taylorWords // the Taylor layer's words (AppendState)
	for _, x := range []struct {
		word     int // 1 q, 4 muLo, 5 muHi, 6 vLo, 7 vHi
		value    float64
		mu, v, q float64
	}{
		{6, -1, 1.7, -0.5, 78}, {6, 0, 1.7, 0, 78}, {4, -inf, -inf, 4, 78}, {5, inf, inf, 4, 78},
		{7, inf, 1.7, inf, 78}, {1, -2, 1.7, 4, -2}, {1, nan, 1.7, 4, nan},
	} {
		s := append([]float64(nil), state...)
		s[box+x.word] = x.value
		c.SetState(s)
		if c.InverseInto(&dst, &r, x.mu, x.v, x.q, 1) {
			t.Errorf("after a restored box with word %d = %v, InverseInto accepted (%v, %v, %v)", x.word, x.value, x.mu, x.v, x.q)
		}
		if err := c.CoefficientsInto(&dst, x.mu, x.v, x.q, 1); err == nil {
			t.Errorf("after a restored box with word %d = %v, CoefficientsInto accepted (%v, %v, %v)", x.word, x.value, x.mu, x.v, x.q)
		}
		if _, err := c.GammaS(x.mu, x.v); err == nil && x.word != 1 {
			t.Errorf("after a restored box with word %d = %v, GammaS accepted (%v, %v)", x.word, x.value, x.mu, x.v)
		}
	}
}
