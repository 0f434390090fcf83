package rule

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/neuron"
)

// stream returns bins of USP vectors and teacher spikes drawn once, so that
// several learners can be fed identical inputs.
func stream(n, bins int, seed uint64) (xs [][]float64, ys []float64, rates []float64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	rates = make([]float64, n)
	for i := range rates {
		rates[i] = 10 + 40*float64(i%2)
	}
	k := neuron.DefaultKernel()
	src, _ := input.NewPoisson(rates, k.Dt, rng)
	tr := input.NewTraces(k, n)
	var s []int
	for b := 0; b < bins; b++ {
		s, _ = src.Next(s)
		tr.Step(s)
		xs = append(xs, append([]float64(nil), tr.X...))
		y := 0.0
		if rng.Float64() < 0.02 {
			y = 1
		}
		ys = append(ys, y)
	}
	return xs, ys, rates
}

func randomWeights(n int, seed uint64, scale float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 5))
	w := make([]float64, n)
	for i := range w {
		w[i] = scale * (2*rng.Float64() - 1) / float64(n)
	}
	return w
}

func mustLearner(t *testing.T, cfg Config, p neuron.Parametrization, rates []float64) *Learner {
	t.Helper()
	l, err := New(cfg, neuron.DefaultSigmoid(), neuron.DefaultKernel(), p, rates)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestDendriticNaturalAndApproximateUpdatesEqualSomaticForAnyAttenuationC4(t *testing.T) {
	const n, bins = 20, 3000
	xs, ys, rates := stream(n, bins, 1)
	rng := rand.New(rand.NewPCG(3, 3))
	alpha := make([]float64, n)
	for i := range alpha {
		alpha[i] = 0.1 + 0.9*rng.Float64()
	}
	for _, kind := range []Kind{Natural, Approximate} {
		ws := randomWeights(n, 2, 3)
		wd := make([]float64, n)
		for i := range wd {
			wd[i] = ws[i] / alpha[i]
		}
		cfg := DefaultConfig(kind, 5e-3)
		som := mustLearner(t, cfg, nil, rates)
		den := mustLearner(t, cfg, neuron.Dendritic{Alpha: alpha}, rates)
		worst := 0.0
		for b := 0; b < bins; b++ {
			if _, err := som.Update(ws, xs[b], ys[b]); err != nil {
				t.Fatal(err)
			}
			if _, err := den.Update(wd, xs[b], ys[b]); err != nil {
				t.Fatal(err)
			}
			for i := range ws {
				worst = math.Max(worst, math.Abs(alpha[i]*wd[i]-ws[i])/math.Abs(ws[i]))
			}
		}
		if worst > 1e-10 {
			t.Errorf("%v: max relative somatic difference %v > 1e-10", kind, worst)
		}
	}
}

func TestDendriticEuclideanUpdateIsAlphaSquaredAtSomaC4Control(t *testing.T) {
	const n = 10
	xs, _, rates := stream(n, 50, 4)
	alpha := []float64{1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1}
	ws := randomWeights(n, 6, 1)
	wd := make([]float64, n)
	for i := range wd {
		wd[i] = ws[i] / alpha[i]
	}
	ws0, wd0 := append([]float64(nil), ws...), append([]float64(nil), wd...)
	cfg := DefaultConfig(Euclidean, 1e-3)
	mustLearner(t, cfg, nil, rates).Update(ws, xs[49], 1)
	mustLearner(t, cfg, neuron.Dendritic{Alpha: alpha}, rates).Update(wd, xs[49], 1)
	for i := range ws {
		somatic := alpha[i] * (wd[i] - wd0[i])
		want := alpha[i] * alpha[i] * (ws[i] - ws0[i])
		if math.Abs(somatic-want) > 1e-15*math.Max(math.Abs(wd[i]), math.Abs(want)) {
			t.Errorf("synapse %d: Δ(α w^d) = %v, α² Δw^s = %v", i, somatic, want)
		}
	}
}

func TestEuclideanUpdateIsGradientOfPerBinLogLikelihoodC14(t *testing.T) {
	const n = 5
	xs, _, rates := stream(n, 100, 8)
	x := xs[99]
	s := neuron.DefaultSigmoid()
	dt := neuron.DefaultKernel().Dt
	w := randomWeights(n, 9, 40)
	logLik := func(w []float64, y float64) float64 {
		v := 0.0
		for i := range w {
			v += w[i] * x[i]
		}
		p := s.Phi(v) * dt
		return y*math.Log(p) + (1-y)*math.Log1p(-p)
	}
	const eta = 1e-3
	for _, y := range []float64{0, 1} {
		w1 := append([]float64(nil), w...)
		mustLearner(t, DefaultConfig(Euclidean, eta), nil, rates).Update(w1, x, y)
		for i := range w {
			h := 1e-6
			wp, wm := append([]float64(nil), w...), append([]float64(nil), w...)
			wp[i] += h
			wm[i] -= h
			grad := (logLik(wp, y) - logLik(wm, y)) / (2 * h)
			got := (w1[i] - w[i]) / eta
			// The rule drops the O(dt) factor 1/(1 − φ dt) of the y = 0 term (Eqn 56).
			tol := 1e-6*math.Abs(grad) + 1e-9
			if y == 0 {
				tol = 0.06 * math.Abs(grad)
			}
			if math.Abs(got-grad) > tol {
				t.Errorf("y=%v synapse %d: update/η = %v, gradient %v", y, i, got, grad)
			}
		}
	}
}

func TestComponentsSumToUpdateAndHomosynapticIsInverseVariance(t *testing.T) {
	const n = 8
	xs, _, rates := stream(n, 200, 10)
	for _, kind := range []Kind{Euclidean, Natural, Approximate} {
		w := randomWeights(n, 11, 2)
		l := mustLearner(t, DefaultConfig(kind, 1e-3), nil, rates)
		c := Components{make([]float64, n), make([]float64, n), make([]float64, n)}
		st, err := l.Decompose(&c, w, xs[199], 1)
		if err != nil {
			t.Fatal(err)
		}
		w0 := append([]float64(nil), w...)
		l.Update(w, xs[199], 1)
		cEps := neuron.DefaultKernel().CEps()
		for i := range w {
			sum := c.Hom[i] + c.HetU[i] + c.HetW[i]
			if d := math.Abs(w[i] - w0[i] - sum); d > 1e-15*math.Max(math.Abs(w[i]), math.Abs(sum)) {
				t.Errorf("%v synapse %d: components sum %v, update %v", kind, i, sum, w[i]-w0[i])
			}
			if kind != Euclidean {
				want := 1e-3 * st.Error * st.GammaS * cEps / rates[i] * xs[199][i]
				if math.Abs(c.Hom[i]-want) > 1e-15*math.Abs(want) {
					t.Errorf("%v: homosynaptic %v, want c_eps/r x scaling %v", kind, c.Hom[i], want)
				}
			}
		}
	}
}

func TestAuthorsConventionDividesByBeta(t *testing.T) {
	const n = 6
	xs, _, rates := stream(n, 100, 12)
	for _, kind := range []Kind{Euclidean, Natural} {
		a, b := randomWeights(n, 13, 2), randomWeights(n, 13, 2)
		w0 := append([]float64(nil), a...)
		cfg := DefaultConfig(kind, 1e-3)
		mustLearner(t, cfg, nil, rates).Update(a, xs[99], 1)
		cfg.LR = Authors
		mustLearner(t, cfg, nil, rates).Update(b, xs[99], 1)
		for i := range a {
			if d := math.Abs((b[i]-w0[i])*0.3 - (a[i] - w0[i])); d > 1e-15*math.Max(math.Abs(a[i]), 1e-3) {
				t.Errorf("%v: authors' update × β = %v, exact %v", kind, (b[i]-w0[i])*0.3, a[i]-w0[i])
			}
		}
	}
	cfg := DefaultConfig(Natural, 1)
	cfg.LR = Authors
	if _, err := New(cfg, neuron.RectifiedQuadratic{Scale: 0.25}, neuron.DefaultKernel(), nil, []float64{1}); err == nil {
		t.Error("authors' convention accepted for a non-sigmoid transfer function")
	}
}

func TestQuadraticTransferGivesClosedFormRuleSection6_3(t *testing.T) {
	const n = 6
	xs, _, rates := stream(n, 100, 14)
	q := neuron.RectifiedQuadratic{Scale: 0.25, Theta: -1e4}
	k := neuron.DefaultKernel()
	l, err := New(DefaultConfig(Natural, 1e-3), q, k, nil, rates)
	if err != nil {
		t.Fatal(err)
	}
	w := randomWeights(n, 15, 2)
	w0 := append([]float64(nil), w...)
	x := xs[99]
	st, err := l.Update(w, x, 1)
	if err != nil {
		t.Fatal(err)
	}
	cEps, sumX, sumR := k.CEps(), 0.0, 0.0
	for i := range x {
		sumX += x[i]
		sumR += rates[i]
	}
	qq := cEps * sumR
	gu := cEps * cEps * sumX / (qq + 1)
	e := 1e-3 * (1 - q.Phi(st.V)*k.Dt) / q.DPhi(st.V)
	for i := range w {
		want := e * (cEps*x[i]/rates[i] - gu)
		if d := math.Abs(w[i] - w0[i] - want); d > 1e-9*math.Abs(want) {
			t.Errorf("synapse %d: Δw = %v, §6.3 closed form %v", i, w[i]-w0[i], want)
		}
	}
}

func TestCoefficientsFollowTheRefreshSchedule(t *testing.T) {
	const n = 10
	xs, ys, rates := stream(n, 400, 16)
	k := neuron.DefaultKernel()
	for _, refresh := range []int{Frozen, 1, 50} {
		cfg := DefaultConfig(Natural, 0.05)
		cfg.Refresh = refresh
		l := mustLearner(t, cfg, nil, rates)
		w := randomWeights(n, 17, 3)
		var muAt []float64 // μ_V of the weights at the start of each bin
		for b := range xs {
			mu, _, _ := fisher.InputStatistics(k, w, rates)
			muAt = append(muAt, mu)
			st, err := l.Update(w, xs[b], ys[b])
			if err != nil {
				t.Fatal(err)
			}
			src := 0
			if refresh > 0 {
				src = b - b%refresh
			}
			// μ from the sums of the last update (in the dense pass's 4
			// lanes) vs fisher.InputStatistics (afferent order): rounding.
			if math.Abs(st.Coefficient.Mu-muAt[src]) > 1e-13*math.Abs(muAt[src]) {
				t.Fatalf("refresh %d bin %d: coefficients at μ = %v, want μ of bin %d = %v", refresh, b, st.Coefficient.Mu, src, muAt[src])
			}
		}
		moved := 0 // bins whose μ the tolerance tells from the previous one
		for b := 1; b < len(muAt); b++ {
			if math.Abs(muAt[b]-muAt[b-1]) > 1e-11*math.Abs(muAt[b]) {
				moved++
			}
		}
		if moved < len(muAt)/2 {
			t.Fatalf("μ moved by more than 1e-11 in only %d of %d bins: the schedule is not visible", moved, len(muAt))
		}
	}
}

func TestSilentAfferentsGetNoHomosynapticChange(t *testing.T) {
	rates := []float64{5, 5, 0, 0}
	l := mustLearner(t, DefaultConfig(Natural, 1e-3), nil, rates)
	c := Components{make([]float64, 4), make([]float64, 4), make([]float64, 4)}
	if _, err := l.Decompose(&c, []float64{0.1, 0.1, 0.2, 0.2}, []float64{30, 10, 0, 0}, 1); err != nil {
		t.Fatal(err)
	}
	if c.Hom[2] != 0 || c.Hom[3] != 0 || c.HetU[2] == 0 || c.HetW[3] == 0 {
		t.Errorf("silent synapses: %+v", c)
	}
}

func TestConfigValidationNamesParameter(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{DefaultConfig(Natural, 0), "eta"},
		{DefaultConfig(Natural, math.Inf(1)), "eta"},
		{Config{Kind: 7, Eta: 1, Refresh: 1, SilentRate: 1e-4}, "rule"},
		{Config{Kind: Natural, Eta: 1, Refresh: 0, SilentRate: 1e-4}, "coefficient_refresh"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want mention of %q", c.cfg, err, c.want)
		}
	}
	if _, err := ParseKind("newton"); err == nil {
		t.Error("unknown rule accepted")
	}
}

var (
	sigmoidForBench = neuron.DefaultSigmoid()
	kernelForBench  = neuron.DefaultKernel()
)

// TestPartialCoefficientsCompleteToTheFullOnes drives the natural and
// approximate rules' recompute with the cache along a walk of the running
// sums and checks that the coefficients a Step and State see (completed
// from the per-bin part) are bit for bit what the cache's Coefficients
// (natural) or GammaS (approximate: only μ_V, σ_V², q, γ_s) give at the same
// point from the same cache state.
func TestPartialCoefficientsCompleteToTheFullOnes(t *testing.T) {
	for _, kind := range []Kind{Natural, Approximate} {
		_, _, rates := stream(50, 1, 1)
		cfg := DefaultConfig(kind, 1e-7)
		cfg.CoefficientTol = 1e-9
		l := mustLearner(t, cfg, nil, rates)
		l.SetState(LearnerState{Coefficients: fisher.Coefficients{I1: 5, G1: 6}}) // stale fields
		twin, _ := fisher.NewCache(l.engine, cfg.CoefficientTol)
		rng := rand.New(rand.NewPCG(2, 7))
		mu, v, partial := 1.7, 4.0, 0
		for k := range 2000 {
			mu += 3e-4 * rng.NormFloat64()
			v *= math.Exp(3e-4 * rng.NormFloat64())
			l.sumWR, l.sumW2R, l.statsValid = mu/l.kernel.Eps0, v*l.cEps, true
			mu, v = l.kernel.Eps0*l.sumWR, l.sumW2R/l.cEps // as recompute rounds them
			twin.SetState(l.cache.AppendState(nil))
			want := fisher.Coefficients{Mu: mu, Var: v, Q: l.q}
			var err error
			if kind == Natural {
				want, err = twin.Coefficients(mu, v, l.q, l.kernel.Eps0)
			} else {
				want.GammaS, err = twin.GammaS(mu, v)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := l.recompute(nil); err != nil {
				t.Fatal(err)
			}
			if l.partial {
				partial++
			}
			var got fisher.Coefficients
			if k%2 == 0 {
				var st Step
				l.fillRuleScalars(&st)
				got = st.Coefficient
			} else {
				s, _ := l.State()
				got = s.Coefficients
			}
			if got != want {
				t.Fatalf("%v, bin %d: completed coefficients %+v, want %+v", kind, k, got, want)
			}
		}
		if partial < 1000 {
			t.Errorf("%v: only %d of 2000 recomputes were partial", kind, partial)
		}
	}
}
