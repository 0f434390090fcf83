package capi

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/internal/config"
)

// CoefficientColumns names the columns of ns_coefficients' n×11 output, in order.
var CoefficientColumns = [...]string{"gamma_s", "g1", "g2", "g3", "g4", "c1", "c2", "c3", "I1", "I2", "I3"}

const (
	// coefficientBlock is the number of grid points between cancellation
	// checks and progress updates (≈ 0.2 ms of quadrature).
	coefficientBlock = 64
	// cacheRun is the number of consecutive points (in traversal order)
	// that one fisher.Cache serves; runs are fixed by the inputs alone, so
	// the numbers do not depend on the number of workers.
	cacheRun = 4096
	// localStep is the largest mean step between consecutive points of a
	// run, in units of σ_V and σ_V² (max(|Δμ|/σ, |Δv|/v)), for which the
	// cache is tried: at tolerance 1e-9 a patch spans ~0.1–0.5 σ × 0.05–0.2 v
	// (default sigmoid). Whether it pays is then watched (fitCost).
	localStep = 5e-3
	// fitCost is the cost of fitting one patch in quadratures (8×8 nodes and
	// four checks); a run returns to quadrature once its fits cost more
	// than a quarter of the quadratures they saved, after two fits.
	fitCost = 68
	// cacheShrinks is fisher.Cache's number of refits before it falls back
	// to quadrature at a point.
	cacheShrinks = 8
)

// coefficientsInto evaluates the coefficients of Eqns 77–82 and 101–105 at
// each (mu[i], variance[i], q[i]) and writes row i of out (len n×11). With
// tol = 0 every point is evaluated by quadrature; with tol in [1e-14, 1),
// runs of consecutive nearby points (see localRuns) are interpolated by a
// fisher.Cache with that error bound and all other points by quadrature.
func coefficientsInto(ctx context.Context, ne neuronEngine, mu, variance, q []float64, tol float64,
	out []float64, p Progress) error {
	if err := checkCoefficientInputs(mu, variance, q, tol); err != nil {
		return err
	}
	pt := points{mu, variance, q, ne.eps0, out}
	exact := allIndices(len(mu))
	if tol > 0 {
		var runs [][]int
		runs, exact = localRuns(mu, variance)
		if err := pt.cached(ctx, ne.e, tol, runs, p); err != nil {
			return err
		}
	}
	return pt.exact(ctx, ne.e, exact, workers(len(exact), coefficientBlock), p)
}

// neuronEngine is the quadrature engine of a neuron and its ε0.
type neuronEngine struct {
	e    *fisher.Engine // immutable and safe for concurrent use
	eps0 float64
}

func newNeuronEngine(c config.NeuronConfig) (neuronEngine, error) {
	tr, k, err := c.Build()
	if err != nil {
		return neuronEngine{}, err
	}
	e, err := fisher.NewEngine(tr)
	return neuronEngine{e, k.Eps0}, err
}

// engines memoises the engine of each neuron JSON that ns_coefficients has
// seen: decoding and checking the JSON costs more than quadrature at a
// point (~20–50 µs). It forgets everything once it holds maxEngines.
var engines = struct {
	sync.Mutex
	m map[string]neuronEngine
}{m: map[string]neuronEngine{}}

const maxEngines = 64

func engineOf(js string) (neuronEngine, error) {
	engines.Lock()
	ne, ok := engines.m[js]
	engines.Unlock()
	if ok {
		return ne, nil
	}
	c, err := config.ParseNeuron([]byte(js))
	if err != nil {
		return neuronEngine{}, err
	}
	if ne, err = newNeuronEngine(c); err != nil {
		return neuronEngine{}, err
	}
	engines.Lock()
	defer engines.Unlock()
	if len(engines.m) >= maxEngines {
		clear(engines.m)
	}
	engines.m[js] = ne
	return ne, nil
}

func checkCoefficientInputs(mu, variance, q []float64, tol float64) error {
	if err := config.CheckParam("coefficient_tolerance", tol); err != nil {
		return err
	}
	if tol != 0 && !(tol >= 1e-14) { // rule.Config.Validate's words; tests/test_coefficient_tolerance.py pins them
		return fmt.Errorf("coefficient_tolerance must be 0 (exact) or in [1e-14, 1), got %v", tol)
	}
	if err := checkFinite("mean", mu); err != nil {
		return err
	}
	if err := checkAtLeast("var", variance, 0, true); err != nil {
		return err
	}
	return checkAtLeast("q", q, 0, true)
}

// points are the inputs and output rows of one ns_coefficients call.
type points struct {
	mu, variance, q []float64
	eps0            float64
	out             []float64
}

func (pt points) put(i int, co fisher.Coefficients) {
	copy(pt.out[i*len(CoefficientColumns):], []float64{co.GammaS, co.G1, co.G2, co.G3, co.G4, co.C1, co.C2, co.C3, co.I1, co.I2, co.I3})
}

func (pt points) errorAt(i int, err error) error {
	return fmt.Errorf("at index %d (mean=%v, var=%v, q=%v): %w", i, pt.mu[i], pt.variance[i], pt.q[i], err)
}

// exact evaluates the points idx by quadrature on nw workers.
func (pt points) exact(ctx context.Context, e *fisher.Engine, idx []int, nw int, p Progress) error {
	return forBlocks(ctx, len(idx), coefficientBlock, nw, func(_, lo, hi int) error {
		for _, i := range idx[lo:hi] {
			co, err := e.Coefficients(pt.mu[i], pt.variance[i], pt.q[i], pt.eps0)
			if err != nil {
				return pt.errorAt(i, err)
			}
			pt.put(i, co)
		}
		p.Add(int64(hi - lo))
		return nil
	})
}

// cached evaluates each run with its own fisher.Cache (one run per worker
// at a time), in the run's order. A run whose patches stop paying for
// themselves (see fitCost) is finished by quadrature; a point the cache
// refuses (e.g. an interpolated determinant at the edge of positivity) is
// evaluated by quadrature, which decides.
func (pt points) cached(ctx context.Context, e *fisher.Engine, tol float64, runs [][]int, p Progress) error {
	return forBlocks(ctx, len(runs), 1, workers(len(runs), 1), func(_, r, _ int) error {
		c, err := fisher.NewCache(e, tol)
		if err != nil {
			return err
		}
		run, reported := runs[r], 0
		for j, i := range run {
			if j-reported == coefficientBlock {
				if err := ctx.Err(); err != nil {
					return err
				}
				p.Add(int64(j - reported))
				reported = j
			}
			if (c.Fits+cacheShrinks*c.Direct-2)*fitCost*4 > j { // a Direct point cost cacheShrinks failed fits
				p.Add(int64(j - reported))
				return pt.exact(ctx, e, run[j:], 1, p)
			}
			co, err := c.Coefficients(pt.mu[i], pt.variance[i], pt.q[i], pt.eps0)
			if err != nil {
				co, err = e.Coefficients(pt.mu[i], pt.variance[i], pt.q[i], pt.eps0)
			}
			if err != nil {
				return pt.errorAt(i, err)
			}
			pt.put(i, co)
		}
		p.Add(int64(len(run) - reported))
		return nil
	})
}

func allIndices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// localRuns splits the points, in the given order, into runs of at most
// cacheRun consecutive points whose mean step is at most localStep (for
// the cache), and the rest (for quadrature). The given order is kept: a
// trajectory or a broadcast grid is local in it, and sorting scattered
// points (≈ 0.3–1 µs a point under load, two keys) does not make them local
// but would cost up to a quarter of their quadrature.
func localRuns(mu, v []float64) (runs [][]int, rest []int) {
	order := allIndices(len(mu))
	for lo := 0; lo < len(order); lo += cacheRun {
		run := order[lo:min(lo+cacheRun, len(order))]
		if len(run) > 2*fitCost && totalStep(mu, v, run) <= localStep*float64(len(run)-1) {
			runs = append(runs, run)
		} else {
			rest = append(rest, run...)
		}
	}
	return runs, rest
}

// totalStep is Σ max(|Δμ|/σ, |Δv|/v) over consecutive points of order.
func totalStep(mu, v []float64, order []int) float64 {
	s := 0.0
	for k := 1; k < len(order); k++ {
		i, j := order[k-1], order[k]
		s += math.Max(math.Abs(mu[j]-mu[i])/math.Sqrt(v[i]), math.Abs(v[j]-v[i])/v[i])
	}
	return s
}
