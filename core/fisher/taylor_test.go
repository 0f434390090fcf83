package fisher

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

var taylorTransfers = []neuron.Transfer{neuron.DefaultSigmoid(), neuron.Sigmoid{PhiMax: 100, Beta: 0.3, Theta: 15},
	neuron.RectifiedQuadratic{Scale: 0.25, Theta: -20}}

func TestChebyshevDerivative(t *testing.T) {
	// T3' = 3 U2 = 12x² − 3 = 6 T2 + 3 T0; T4' = 4 U3 = 32x³ − 16x = 8 T3 + 8 T1.
	for _, c := range []struct {
		k    int
		want [cacheNodes]float64
	}{{3, [cacheNodes]float64{3, 0, 6}}, {4, [cacheNodes]float64{0, 8, 0, 8}}, {0, [cacheNodes]float64{}}} {
		var in [cacheNodes]float64
		in[c.k] = 1
		if got := chebyshevDerivative(in); got != c.want {
			t.Errorf("T%d': %v, want %v", c.k, got, c.want)
		}
	}
}

func TestShiftedChebyshevIsTaylorOfChebyshev(t *testing.T) {
	// T_k(x0 + x) = Σ_p m[k][p] x^p exactly for p ≤ 3 when k ≤ 3, and the
	// cubic truncation is O(x⁴) for larger k.
	for _, x0 := range []float64{-1, -0.3, 0, 0.71, 1} {
		m := shiftedChebyshev(x0)
		for _, x := range []float64{1e-3, -2e-3} {
			var tk [cacheNodes]float64
			chebyshevBasis(&tk, x0+x)
			for k := range cacheNodes {
				got := m[k][0] + x*(m[k][1]+x*(m[k][2]+x*m[k][3]))
				if err := math.Abs(got - tk[k]); err > 1e-13+float64(k*k*k*k)*math.Pow(x, 4) {
					t.Errorf("x0 %v x %v: T_%d %v, cubic %v", x0, x, k, tk[k], got)
				}
			}
		}
	}
}

// taylorPatches returns fitted patches of c around random operating points.
func taylorPatches(t *testing.T, c *Cache, rng *rand.Rand, count int) []*patch {
	t.Helper()
	var ps []*patch
	for len(ps) < count {
		mu, v := 30*rng.Float64()-10, math.Exp(6*rng.Float64()-1)
		if p := c.lookup(mu, v); p != nil {
			cp := *p
			ps = append(ps, &cp)
		}
	}
	return ps
}

// TestTaylorRemainderBound checks the claimed remainder bound against the
// observed difference between the Taylor layer and the patch polynomial at
// many points of many boxes, most near the box's corners, and beyond the box
// (where the bound still holds but exceeds the budget); and the g's bound
// in cacheError's units.
func TestTaylorRemainderBound(t *testing.T) {
	for ti, tf := range taylorTransfers {
		e, _ := NewEngine(tf)
		for _, tol := range []float64{1e-7, 1e-9, 1e-10} {
			c, _ := NewCache(e, tol)
			rng := rand.New(rand.NewPCG(uint64(ti), 77))
			tight, worstG := 0.0, 0.0
			for _, p := range taylorPatches(t, c, rng, 6) {
				for range 20 {
					mu, v := p.mu0+p.hMu*(2*rng.Float64()-1), p.v0+p.hV*(2*rng.Float64()-1)
					c.taylor = taylor{aspect: math.Exp(4*rng.Float64()-2) * p.hV / p.hMu}
					c.recentre(p, mu, v, 78, 3)
					tl := c.taylor
					t0, s0 := (mu-p.mu0)/p.hMu, (v-p.v0)/p.hV
					mt, ms := shiftedChebyshev(t0), shiftedChebyshev(s0)
					for k := range 40 {
						// corners (and just inside), then anywhere within 3× the box
						fx, fy := 1-1e-3*rng.Float64(), 1-1e-3*rng.Float64()
						if k >= 20 {
							fx, fy = 3*rng.Float64(), 3*rng.Float64()
						}
						pm := tl.mu0 + fx*pick(rng, tl.muHi-tl.mu0, tl.muLo-tl.mu0)
						pv := tl.v0 + fy*pick(rng, tl.vHi-tl.v0, tl.vLo-tl.v0)
						if math.Abs(pm-p.mu0) > p.hMu || math.Abs(pv-p.v0) > p.hV {
							continue // the bound is for points of the patch
						}
						x, y := (pm-mu)/p.hMu, (pv-v)/p.hV
						g, r2, r3 := p.eval(pm, pv, 3)
						want := [3]float64{g, r2, r3}
						var got [3]float64
						tl.eval(&got, pm, pv, 3)
						inBox := tl.covers(pm, pv, 78, 3)
						for a := range 3 {
							b := expand(&p.coef[a], &mt, &ms)
							bound := remainder(&b, &p.quartic[a], x, y)
							err := math.Abs(got[a] - want[a])
							if err > bound+64*epsilon*p.absSum[a] {
								t.Fatalf("%T tol %g f%d at (%v, %v) from (%v, %v): error %.3g above the bound %.3g",
									tf, tol, a, pm, pv, mu, v, err, bound)
							}
							budget := taylorShare * tol * p.scale[a]
							if inBox && err > budget {
								t.Fatalf("%T tol %g f%d in the box: error %.3g above the budget %.3g", tf, tol, a, err, budget)
							}
							if inBox && k < 20 {
								tight = math.Max(tight, err/budget)
							}
						}
						if inBox {
							wantG, gotG := inverseOf(want, pm, pv), inverseOf(got, pm, pv)
							gotG.GammaS = wantG.GammaS // the g's alone
							worstG = math.Max(worstG, cacheError(gotG, wantG)/(taylorShare*tol))
						}
					}
				}
			}
			if worstG > 1 {
				t.Errorf("%T tol %g: g's Taylor error %.3g of the budget", tf, tol, worstG)
			}
			if math.Max(tight, worstG) < 0.2 {
				t.Errorf("%T tol %g: the bound is loose: at most %.3g of a budget used at the corners", tf, tol, math.Max(tight, worstG))
			}
			t.Logf("%T tol %g: up to %.2f of a function's budget and %.2f of the g's used at the corners", tf, tol, tight, worstG)
		}
	}
}

func pick(rng *rand.Rand, a, b float64) float64 {
	if rng.IntN(2) == 0 {
		return a
	}
	return b
}

// inverseOf returns the γ_s and g's of interpolated γ_s, ρ2, ρ3 (q = 78).
func inverseOf(f [3]float64, mu, v float64) Coefficients {
	co := Coefficients{Var: v, GammaS: f[0]}
	co.G1, co.G2, co.G3, co.G4 = InverseCoefficients(1, f[1], f[2], mu, v, 78, 1)
	return co
}

func TestQuarticBoundsBoundFourthDerivatives(t *testing.T) {
	// ∂_t b30 = ∂_t⁴P/6 = 4 (∂_t⁴P/24), so |Δb30/h| ≤ 4 m[4]; likewise
	// ∂_s b03 ≤ 4 m[0] and ∂_t b21 = 2 (∂_t³∂_s P/6) … ≤ 2 m[3].
	e, _ := NewEngine(neuron.DefaultSigmoid())
	c, _ := NewCache(e, 1e-9)
	rng := rand.New(rand.NewPCG(5, 5))
	for _, p := range taylorPatches(t, c, rng, 8) {
		for a := range 3 {
			m := p.quartic[a]
			for range 50 {
				t0, s0, h := 2*rng.Float64()-1, 2*rng.Float64()-1, 1e-4
				mt, ms, mth := shiftedChebyshev(t0), shiftedChebyshev(s0), shiftedChebyshev(t0+h)
				b, bh := expand(&p.coef[a], &mt, &ms), expand(&p.coef[a], &mth, &ms)
				for _, d := range []struct{ got, limit float64 }{
					{math.Abs(bh[3][0]-b[3][0]) / h, 4 * m[4]}, {math.Abs(bh[2][1]-b[2][1]) / h, 3 * m[3]},
					{math.Abs(bh[1][2]-b[1][2]) / h, 2 * m[2]}, {math.Abs(bh[0][3]-b[0][3]) / h, m[1]},
				} {
					if d.got > d.limit*(1+1e-6)+1e-9*p.absSum[a] {
						t.Fatalf("f%d at (%v, %v): fourth derivative %.4g above its bound %.4g", a, t0, s0, d.got, d.limit)
					}
				}
			}
		}
	}
}

// walkCache drives a Cache along a walk and returns the worst cacheError
// (Coefficients, or γ_s alone with gammaOnly) against quadrature.
func walkCache(t *testing.T, e *Engine, c *Cache, walk [][2]float64, gammaOnly bool) float64 {
	t.Helper()
	worst := 0.0
	for _, pt := range walk {
		mu, v := pt[0], pt[1]
		want, err2 := e.Coefficients(mu, v, 78, 1)
		if gammaOnly {
			gs, err := c.GammaS(mu, v)
			if (err == nil) != (err2 == nil) {
				t.Fatalf("mu %v v %v: cache error %v, direct error %v", mu, v, err, err2)
			}
			if err == nil {
				worst = math.Max(worst, math.Abs(gs/want.GammaS-1))
			}
			continue
		}
		got, err := c.Coefficients(mu, v, 78, 1)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("mu %v v %v: cache error %v, direct error %v", mu, v, err, err2)
		}
		if err == nil {
			worst = math.Max(worst, cacheError(got, want))
		}
	}
	return worst
}

// TestTaylorAdversarialWalks: a walk that jumps between patches every few
// bins, one that follows the edges of a patch, one that drifts too fast for
// the Taylor layer to pay, one at the edges of the cache's domain (far tails
// of φ, tiny and huge σ²), each for Coefficients and for γ_s alone.
func TestTaylorAdversarialWalks(t *testing.T) {
	for ti, tf := range taylorTransfers {
		e, _ := NewEngine(tf)
		for _, tol := range []float64{1e-7, 1e-9, 1e-10} {
			rng := rand.New(rand.NewPCG(uint64(ti), 31))
			walks := map[string][][2]float64{}
			// jumps: three far-apart operating points visited in turn, with
			// noise, every 7 bins (the patches serve) and every 60 (the layer)
			centres := [][2]float64{{1.7, 4}, {-3, 40}, {8, 0.5}}
			for _, period := range []int{7, 60} {
				name := fmt.Sprintf("jumps every %d", period)
				for k := range 3000 {
					ctr := centres[(k/period)%3]
					walks[name] = append(walks[name], [2]float64{ctr[0] + 1e-5*rng.NormFloat64(), ctr[1] * (1 + 1e-5*rng.NormFloat64())})
				}
			}
			// edges: from the centre of the patch around (1.7, 4), slowly along
			// its boundary, corners included
			probe, _ := NewCache(e, tol)
			p := *probe.lookup(1.7, 4)
			walks["edges"] = [][2]float64{{1.7, 4}}
			for side := range 4 {
				for k := range 4001 {
					u := 2*float64(k)/4000 - 1
					pt := [4][2]float64{{u, -1}, {1, u}, {-u, 1}, {-1, -u}}[side]
					walks["edges"] = append(walks["edges"], [2]float64{p.mu0 + p.hMu*pt[0], p.v0 + p.hV*pt[1]})
				}
			}
			// fast: steps of 3 % of σ, mean-reverting
			mu, v := 1.7, 4.0
			for range 3000 {
				mu += 0.06*rng.NormFloat64() - 0.01*(mu-1.7)
				v *= math.Exp(0.03*rng.NormFloat64() - 0.01*math.Log(v/4))
				walks["fast"] = append(walks["fast"], [2]float64{mu, v})
			}
			// domain: the far tails of φ and tiny and huge variances, slowly drifting
			for _, ctr := range [][2]float64{{-60, 1e-3}, {-30, 4}, {0, 1e-4}, {0, 1e4}, {30, 1e5}, {60, 4}} {
				mu, v := ctr[0], ctr[1]
				for range 300 {
					mu += 1e-3 * math.Sqrt(v) * rng.NormFloat64()
					v *= math.Exp(1e-3 * rng.NormFloat64())
					walks["domain"] = append(walks["domain"], [2]float64{mu, v})
				}
			}
			for _, name := range []string{"jumps every 7", "jumps every 60", "edges", "fast", "domain"} {
				for _, gammaOnly := range []bool{false, true} {
					c, _ := NewCache(e, tol)
					c.fracMu, c.fracVar = probe.fracMu/1.5, probe.fracVar/1.5 // the probe's patch size again
					if worst := walkCache(t, e, c, walks[name], gammaOnly); worst > tol {
						t.Errorf("%T tol %g %s (γ_s only %v): worst error %.3g", tf, tol, name, gammaOnly, worst)
					}
					if (name == "jumps every 60" || name == "edges") && c.Recentres < 10 {
						t.Errorf("%T tol %g %s: %d recentrings: the walk does not exercise the Taylor layer", tf, tol, name, c.Recentres)
					}
					if name != "domain" && c.Direct > len(walks[name])/10 {
						t.Errorf("%T tol %g %s: %d of %d evaluated directly", tf, tol, name, c.Direct, len(walks[name]))
					}
					if name == "fast" && c.Recentres > len(walks[name])/taylorMinServed {
						t.Errorf("%T tol %g fast walk: %d recentrings in %d bins (no backoff)", tf, tol, c.Recentres, len(walks[name]))
					}
				}
			}
		}
	}
}

// TestTaylorBoxStaysInItsPatch: along a random walk with jumps, every box
// lies in the patch it was expanded on, and contains its centre.
func TestTaylorBoxStaysInItsPatch(t *testing.T) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	c, _ := NewCache(e, 1e-9)
	rng := rand.New(rand.NewPCG(2, 2))
	mu, v := 1.7, 4.0
	for k := range 20000 {
		mu += 0.01 * rng.NormFloat64()
		v *= math.Exp(0.01 * rng.NormFloat64())
		if k%1000 == 999 {
			mu, v = 20*rng.Float64()-5, math.Exp(4*rng.Float64())
		}
		before := c.Recentres
		if _, err := c.Coefficients(mu, v, 78, 1); err != nil {
			t.Fatal(err)
		}
		if c.Recentres == before {
			continue
		}
		tl := c.taylor
		p := c.lookup(mu, v)
		if !(tl.muLo >= p.mu0-p.hMu && tl.muHi <= p.mu0+p.hMu && tl.vLo >= p.v0-p.hV && tl.vHi <= p.v0+p.hV) {
			t.Fatalf("box [%v, %v]×[%v, %v] outside its patch %v ± %v × %v ± %v", tl.muLo, tl.muHi, tl.vLo, tl.vHi, p.mu0, p.hMu, p.v0, p.hV)
		}
		if !tl.covers(mu, v, 78, 3) || tl.muHi-tl.muLo > 2*taylorSpan*math.Sqrt(v)*(1+1e-12) {
			t.Fatalf("box [%v, %v]×[%v, %v] does not contain its centre (%v, %v) or is too wide", tl.muLo, tl.muHi, tl.vLo, tl.vHi, mu, v)
		}
	}
}

// TestCacheStateContinuesBitForBit: a Cache restored from AppendState in
// the middle of a walk returns the same bits as the one that never stopped.
func TestCacheStateContinuesBitForBit(t *testing.T) {
	e, _ := NewEngine(neuron.DefaultSigmoid())
	a, _ := NewCache(e, 1e-9)
	rng := rand.New(rand.NewPCG(4, 4))
	mu, v := 1.7, 4.0
	step := func() (float64, float64) {
		mu, v = driftStep(rng, mu, v)
		return mu, v
	}
	for range 5000 {
		m, x := step()
		if _, err := a.Coefficients(m, x, 78, 1); err != nil {
			t.Fatal(err)
		}
	}
	st := a.AppendState(nil)
	if len(st) != CacheStateWords {
		t.Fatalf("state of %d words, want %d", len(st), CacheStateWords)
	}
	b, _ := NewCache(e, 1e-9)
	if rest := b.SetState(slices.Concat(st, []float64{42})); len(rest) != 1 || rest[0] != 42 {
		t.Fatalf("SetState left %v", rest)
	}
	if !slices.Equal(b.AppendState(nil), st) {
		t.Fatal("a restored state does not save the same words")
	}
	for k := range 20000 {
		m, x := step()
		ca, err := a.Coefficients(m, x, 78, 1)
		cb, err2 := b.Coefficients(m, x, 78, 1)
		if err != nil || err2 != nil || ca != cb {
			t.Fatalf("step %d: %+v / %v, restored %+v / %v", k, ca, err, cb, err2)
		}
	}
	if a.Recentres == 0 || a.Recentres != b.Recentres || a.Fits != b.Fits {
		t.Errorf("counters %d/%d recentres, %d/%d fits", a.Recentres, b.Recentres, a.Fits, b.Fits)
	}
}
