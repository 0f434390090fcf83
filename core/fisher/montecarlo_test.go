package fisher

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/neuron"
)

// sampleUSPs returns m stationary USP vectors x^ε (rows) for Bernoulli-per-bin
// afferents with the given rates, exactly as the two-trace recursion of spec
// §1.2 produces them (P ← P e^{−dt/τm} + s, S ← S e^{−dt/τs} + s,
// x = ε0/(τm−τs)(P − S)), read every spacing bins after burn bins. It is
// event driven: the gaps between spike bins are geometric with p = r·dt, and
// the traces decay in closed form between events, which is the recursion
// itself, bin by bin.
func sampleUSPs(rng *rand.Rand, k neuron.Kernel, rates []float64, m, burn, spacing int) *mat.Dense {
	n := len(rates)
	x := mat.NewDense(m, n, nil)
	gain := k.Eps0 / (k.TauM - k.TauS)
	for i, r := range rates {
		logq := math.Log1p(-r * k.Dt)
		gap := func() int { return int(math.Ceil(math.Log(1-rng.Float64()) / logq)) }
		next, cur := gap()-1, 0
		p, s := 0.0, 0.0
		advance := func(to int) {
			dtBins := float64(to-cur) * k.Dt
			p *= math.Exp(-dtBins / k.TauM)
			s *= math.Exp(-dtBins / k.TauS)
			cur = to
		}
		for j := range m {
			at := burn + j*spacing
			for next <= at {
				advance(next)
				p, s = p+1, s+1
				next += gap()
			}
			advance(at)
			x.Set(j, i, gain*(p-s))
		}
	}
	return x
}

// discreteUSPStatistics returns the exact stationary mean and variance of
// the sampler's x_i: Bernoulli spikes (variance factor 1 − r dt, spec §1.2)
// through the sampled kernel.
func discreteUSPStatistics(k neuron.Kernel, r float64) (mean, variance float64) {
	dm, ds := k.Decays()
	g := k.Eps0 / (k.TauM - k.TauS)
	p := r * k.Dt
	mean = g * p * (1/(1-dm) - 1/(1-ds))
	variance = g * g * p * (1 - p) * (1/(1-dm*dm) - 2/(1-dm*ds) + 1/(1-ds*ds))
	return mean, variance
}

// momentMatchedMatrix is Eqn 81 with the sampler's exact per-afferent mean
// m_i and variance s_i in place of ε0 r_i and r_i/c_ε (the Gaussian
// approximation, E[f x xᵀ] for jointly Gaussian (x, V)).
func momentMatchedMatrix(t *testing.T, e *Engine, k neuron.Kernel, ws, rates []float64) *mat.SymDense {
	n := len(ws)
	m, s := make([]float64, n), make([]float64, n)
	mu, v := 0.0, 0.0
	for i, r := range rates {
		m[i], s[i] = discreteUSPStatistics(k, r)
		mu += ws[i] * m[i]
		v += ws[i] * ws[i] * s[i]
	}
	c, err := e.Coefficients(mu, v, 78, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			ti, tj := s[i]*ws[i], s[j]*ws[j]
			x := c.C1*m[i]*m[j] + c.C2*(ti*m[j]+m[i]*tj) + c.C3*ti*tj
			if i == j {
				x += c.C1 * s[i]
			}
			g.SetSym(i, j, x)
		}
	}
	return g
}

// TestMonteCarloFisherMatchesAnalyticApproximation is check C3: for n = 100
// afferents at 10/50 Hz and w ~ U(−1,1)/n, the sample Fisher matrix
// E[φ'²/φ x xᵀ] from stationary USP samples agrees with Eqn 81 within 3 %
// (relative Frobenius norm), E[φ'²/φ] with I1 within 1 %, and the natural
// gradient directions G⁻¹x within 10°.
func TestMonteCarloFisherMatchesAnalyticApproximation(t *testing.T) {
	samples := 60000
	if testing.Short() {
		samples = 20000
	}
	const n = 100
	rng := rand.New(rand.NewPCG(61, 62))
	k := neuron.DefaultKernel()
	tf := neuron.DefaultSigmoid()
	e, err := NewEngine(tf)
	if err != nil {
		t.Fatal(err)
	}
	ws, rates := make([]float64, n), make([]float64, n)
	for i := range n {
		ws[i] = (2*rng.Float64() - 1) / n
		rates[i] = 10
		if i >= n/2 {
			rates[i] = 50
		}
	}
	x := sampleUSPs(rng, k, rates, samples, int(0.2/k.Dt), int(0.05/k.Dt))

	mu, v, q := InputStatistics(k, ws, rates)
	c, err := e.Coefficients(mu, v, q, k.Eps0)
	if err != nil {
		t.Fatal(err)
	}
	var g, gmc mat.SymDense
	Matrix(&g, c, k, ws, rates)
	MonteCarloMatrix(&gmc, tf, ws, x)

	i1 := 0.0
	for j := range samples {
		i1 += tf.FisherDensity(mat.Dot(mat.NewVecDense(n, ws), x.RowView(j)))
	}
	i1 /= float64(samples)

	frob := relFrobenius(&gmc, &g)
	frobMatched := relFrobenius(&gmc, momentMatchedMatrix(t, e, k, ws, rates))
	angle := meanNaturalGradientAngle(t, &g, &gmc, x, 50)
	t.Logf("%d samples: ‖G_MC − G‖/‖G‖ = %.2f %% (moment-matched Gaussian: %.2f %%), I1 MC/analytic − 1 = %+.2f %%, mean angle G⁻¹x = %.1f°",
		samples, 100*frob, 100*frobMatched, 100*(i1/c.I1-1), angle)
	if !(frob <= 0.03) {
		t.Errorf("relative Frobenius distance %.2f %% > 3 %%", 100*frob)
	}
	if !(frobMatched <= 0.03) {
		t.Errorf("relative Frobenius distance to the moment-matched Gaussian %.2f %% > 3 %%", 100*frobMatched)
	}
	if d := math.Abs(i1/c.I1 - 1); !(d <= 0.01) {
		t.Errorf("I1: Monte Carlo %v vs analytic %v (%.2f %%)", i1, c.I1, 100*d)
	}
	if !(angle <= 10) {
		t.Errorf("mean angle between G_MC⁻¹x and G⁻¹x = %.1f° > 10°", angle)
	}
}

// meanNaturalGradientAngle returns the mean Euclidean angle (degrees)
// between G⁻¹x and G_MC⁻¹x over the first count samples x.
func meanNaturalGradientAngle(t *testing.T, g, gmc *mat.SymDense, x *mat.Dense, count int) float64 {
	var ch, chmc mat.Cholesky
	if !ch.Factorize(g) || !chmc.Factorize(gmc) {
		t.Fatal("Fisher matrix not positive definite")
	}
	n := g.SymmetricDim()
	var a, b mat.VecDense
	sum := 0.0
	for j := range count {
		xj := mat.VecDenseCopyOf(x.RowView(j))
		if err := ch.SolveVecTo(&a, xj); err != nil {
			t.Fatal(err)
		}
		if err := chmc.SolveVecTo(&b, xj); err != nil {
			t.Fatal(err)
		}
		sum += Angle(nil, a.RawVector().Data[:n], b.RawVector().Data[:n])
	}
	return sum / float64(count) * 180 / math.Pi
}

// TestMonteCarloMatrixOfKnownSamples checks the estimator itself on a tiny
// hand-computable case and for a non-Dense input matrix.
func TestMonteCarloMatrixOfKnownSamples(t *testing.T) {
	tf := neuron.DefaultSigmoid()
	ws := []float64{0.5, -1}
	rows := [][]float64{{1, 2}, {3, 0.5}, {-2, 4}}
	want := mat.NewSymDense(2, nil)
	for _, r := range rows {
		f := tf.FisherDensity(ws[0]*r[0] + ws[1]*r[1])
		for i := range 2 {
			for j := i; j < 2; j++ {
				want.SetSym(i, j, want.At(i, j)+f*r[i]*r[j]/3)
			}
		}
	}
	d := mat.NewDense(3, 2, []float64{1, 2, 3, 0.5, -2, 4})
	for _, in := range []mat.Matrix{d, mat.DenseCopyOf(d.T()).T()} {
		var got mat.SymDense
		MonteCarloMatrix(&got, tf, ws, in)
		if !mat.EqualApprox(&got, want, 1e-14) {
			t.Errorf("MonteCarloMatrix = %v, want %v", mat.Formatted(&got), mat.Formatted(want))
		}
	}
}

// TestUSPSamplerHasCampbellStatistics checks the test's own sampler (spec C1):
// mean ≈ ε0 r and variance ≈ r(1 − r dt)/c_ε.
func TestUSPSamplerHasCampbellStatistics(t *testing.T) {
	k := neuron.DefaultKernel()
	rates := []float64{10, 50}
	m := 40000
	x := sampleUSPs(rand.New(rand.NewPCG(71, 72)), k, rates, m, 400, 100)
	for i, r := range rates {
		col := mat.Col(nil, i, x)
		mean, sq := 0.0, 0.0
		for _, v := range col {
			mean += v
			sq += v * v
		}
		mean /= float64(m)
		variance := sq/float64(m) - mean*mean
		if relErr(mean, k.Eps0*r) > 0.01 {
			t.Errorf("r=%v: USP mean %v, want %v", r, mean, k.Eps0*r)
		}
		if want := r * (1 - r*k.Dt) / k.CEps(); relErr(variance, want) > 0.03 {
			t.Errorf("r=%v: USP variance %v, want %v", r, variance, want)
		}
	}
}
