package rule

import (
	"fmt"

	"gonum.org/v1/gonum/floats"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
)

// Learner applies one rule to a weight vector, bin by bin. It owns scratch
// buffers and the cached Fisher coefficients, so it is not safe for
// concurrent use; create one per trial.
type Learner struct {
	cfg        Config
	rule       *properties // cfg.Kind's row of the rules table
	transfer   neuron.Transfer
	sigmoid    *neuron.Sigmoid // the transfer, when it is the sigmoid: φ and φ'/φ by one direct call
	kernel     neuron.Kernel
	engine     *fisher.Engine
	cache      *fisher.Cache // nil: exact quadrature
	param      neuron.Parametrization
	scale      []float64 // α for linear parametrizations (ones if somatic), else nil
	invScale   []float64 // 1/α
	rates      []float64 // r̂: rates with silent afferents at SilentRate
	homGain    []float64 // c_ε / r̂_i, the homosynaptic gain (Eqn 19)
	ws, fp     []float64 // f(w), f'(w)
	scoreScale float64   // 1, or 1/β for the authors' convention
	cEps, q    float64
	coeffs     fisher.Coefficients
	// partial: recompute set only what the per-bin update reads of coeffs
	// (μ_V, σ_V², q, γ_s and, natural rule, g1 … g4 with Cache.InverseInto's
	// ratios); coefficients completes the rest.
	ratios  fisher.Ratios
	partial bool
	bin     int
	// Σ f(w) r̂ and Σ f(w)² r̂ of the current weights, accumulated by the
	// previous update for linear parametrizations (statsValid).
	sumWR, sumW2R float64
	statsValid    bool
	stale         bool      // rates changed (SetRates): recompute the coefficients at the next update
	served        bool      // CoefficientLanes.Serve set the next Advance's coefficients
	somatic       bool      // f is the identity (scale all ones)
	staged        *Step     // update computed by Stage, applied by the next Advance or Flush
	stagedStep    Step      // storage for staged
	noTeacher     []float64 // zeros, the teacher weights when there is no teacher dot
}

// New returns a Learner for n = len(rates) synapses. p may be nil (somatic).
func New(cfg Config, t neuron.Transfer, k neuron.Kernel, p neuron.Parametrization, rates []float64) (*Learner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := k.Validate(); err != nil {
		return nil, err
	}
	l := &Learner{cfg: cfg, rule: cfg.Kind.properties(), transfer: t, kernel: k, param: p, cEps: k.CEps(), scoreScale: 1}
	if err := l.setScoreScale(); err != nil {
		return nil, err
	}
	if s, ok := t.(neuron.Sigmoid); ok {
		l.sigmoid = &s
	}
	if p == nil {
		l.param = neuron.Somatic{}
	}
	l.setRates(rates)
	l.setScale()
	if l.rule.natural {
		e, err := fisher.NewEngine(t)
		if err != nil {
			return nil, err
		}
		l.engine = e
		if cfg.CoefficientTol > 0 {
			if l.cache, err = fisher.NewCache(e, cfg.CoefficientTol); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

func (l *Learner) setScoreScale() error {
	if l.cfg.LR != Authors {
		return nil
	}
	s, ok := l.transfer.(neuron.Sigmoid)
	if !ok {
		return fmt.Errorf("lr_convention \"authors\" is only defined for the sigmoid transfer function")
	}
	l.scoreScale = 1 / s.Beta
	return nil
}

func (l *Learner) setRates(rates []float64) {
	n := len(rates)
	l.rates, l.homGain = make([]float64, n), make([]float64, n)
	l.ws, l.fp = make([]float64, n), make([]float64, n)
	sum := 0.0
	for i, r := range rates {
		if r == 0 {
			r = l.cfg.SilentRate
		}
		l.rates[i], l.homGain[i] = r, l.cEps/r
		sum += r
	}
	l.q = l.cEps * l.kernel.Eps0 * l.kernel.Eps0 * sum
}

// setScale records α (or ones) when f is linear, so that the update loop
// can use w^s = α w without calling the parametrization.
func (l *Learner) setScale() {
	switch p := l.param.(type) {
	case neuron.Somatic:
		l.somatic = true
		l.scale = make([]float64, len(l.rates))
		for i := range l.scale {
			l.scale[i] = 1
		}
	case neuron.Dendritic:
		l.scale = p.Alpha
	default:
		return
	}
	l.invScale = make([]float64, len(l.scale))
	for i, a := range l.scale {
		l.invScale[i] = 1 / a
	}
}

// N returns the number of synapses.
func (l *Learner) N() int { return len(l.rates) }

// Bin returns how many updates have been applied.
func (l *Learner) Bin() int { return l.bin }

// Update applies one bin's update to w in place, given the current USPs x
// and the teacher spike y ∈ {0, 1}. Between calls w must only be changed by
// Update (the learner keeps running sums of it); call Invalidate after
// changing w by other means. It returns the step's scalars, or an
// error naming the quantity that became non-finite.
func (l *Learner) Update(w, x []float64, y float64) (Step, error) {
	var st Step
	if err := l.prepare(&st, w, x, y); err != nil {
		return st, err
	}
	sum := l.apply(w, x, st)
	l.bin++
	return st, finiteOr("weights", sum)
}

// Invalidate discards the running sums kept about w.
func (l *Learner) Invalidate() { l.statsValid = false }

// Decompose fills c with the homosynaptic, uniform heterosynaptic and
// weight-proportional heterosynaptic parts of the update that Update would
// apply (Eqns 20–23), without changing w or advancing the bin counter.
func (l *Learner) Decompose(c *Components, w, x []float64, y float64) (Step, error) {
	var st Step
	if err := l.prepare(&st, w, x, y); err != nil {
		return st, err
	}
	l.param.Somatic(l.ws, w)
	l.param.Derivative(l.fp, w)
	l.components(c, x, &st, l.cfg.Eta*st.Error)
	return st, nil
}

// components fills c with the parts of the update for USPs x, scalars st
// and error factor e, given l.ws = f(w) and l.fp = f'(w).
func (l *Learner) components(c *Components, x []float64, st *Step, e float64) {
	for i := range x {
		if !l.rule.natural {
			c.Hom[i], c.HetU[i], c.HetW[i] = e*l.fp[i]*x[i], 0, 0
			continue
		}
		g := e * st.GammaS / l.fp[i]
		c.Hom[i], c.HetU[i], c.HetW[i] = g*l.homGain[i]*x[i], -g*st.GammaU, g*st.GammaW*l.ws[i]
	}
}

// Directions fills dst (m × n, row-major) with the rule's update direction
// for each of the m USP vectors in xs (m × n) at the fixed weights w: the
// update divided by its common error factor η e, so that Update would apply
// Δw = η e · direction. Euclidean: f'(w) ⊙ x (Eqns 10, 44); natural:
// γ_s f'(w)⁻¹ ⊙ (c_ε x/r̂ − γ_u + γ_w f(w)) with γ_u, γ_w of Eqns 108–109
// (Eqns 13, 38); approximate: the same with γ_u = c_ε c_u, γ_w = c_w V
// (Eqn 114). The Fisher coefficients are computed once, at w. If steps is
// not nil (length m), steps[s] receives the scalars of sample s (V, Σx, γ_s,
// γ_u, γ_w and the coefficients; Phi and Error are not set). Neither w nor
// the learner's bin counter change.
func (l *Learner) Directions(dst, w, xs []float64, steps []Step) error {
	n := len(l.rates)
	if len(w) != n || len(xs)%max(n, 1) != 0 || len(dst) != len(xs) {
		panic(fmt.Sprintf("rule: Directions: len(w) = %d, len(xs) = %d, len(dst) = %d, want n = %d and m × n", len(w), len(xs), len(dst), n))
	}
	l.Invalidate()
	if l.rule.natural {
		if err := l.recompute(w); err != nil {
			return err
		}
	}
	l.param.Somatic(l.ws, w)
	l.param.Derivative(l.fp, w)
	c := Components{Hom: make([]float64, n), HetU: make([]float64, n), HetW: make([]float64, n)}
	if steps != nil && len(steps)*n != len(xs) {
		panic(fmt.Sprintf("rule: Directions: len(steps) = %d, want %d", len(steps), len(xs)/max(n, 1)))
	}
	for lo := 0; lo < len(xs); lo += n {
		x, out := xs[lo:lo+n], dst[lo:lo+n]
		st := Step{V: floats.Dot(l.ws, x), SumX: floats.Sum(x)}
		l.fillRuleScalars(&st)
		if err := finiteOr("membrane potential V", st.V); err != nil {
			return err
		}
		if steps != nil {
			steps[lo/n] = st
		}
		l.components(&c, x, &st, 1)
		for i := range out {
			out[i] = c.Hom[i] + c.HetU[i] + c.HetW[i]
		}
	}
	return nil
}

// prepare computes f(w), f'(w), V, the error factor and the rule's scalars into st.
func (l *Learner) prepare(st *Step, w, x []float64, y float64) error {
	if len(w) != len(l.rates) || len(x) != len(l.rates) {
		panic(fmt.Sprintf("rule: len(w) = %d, len(x) = %d, want %d", len(w), len(x), len(l.rates)))
	}
	st.V, st.SumX = l.potential(w, x)
	return l.completeStep(st, w, y)
}

// scalars completes st (V and SumX set) with φ(V), the error factor and the
// rule's scalars, refreshing the coefficients when due (completeStep).
func (l *Learner) scalars(w []float64, st Step, y float64) (Step, error) {
	err := l.completeStep(&st, w, y)
	return st, err
}

// completeStep fills in, in place, what scalars computes: the per-bin path
// works on one Step without copying it.
func (l *Learner) completeStep(st *Step, w []float64, y float64) error {
	if err := finiteOr("membrane potential V", st.V); err != nil {
		return err
	}
	st.Phi, st.Error = l.errorFactor(st.V, y)
	if !l.rule.natural {
		return nil
	}
	if l.refreshDue() {
		if err := l.recompute(w); err != nil {
			return err
		}
	}
	l.fillRuleScalars(st)
	return nil
}

// errorFactor returns φ(V) and the error factor e/η (errorOf). φ(V) and
// φ'/φ are bit-identical to the transfer's Phi and ScoreFactor
// (neuron.Sigmoid.PhiAndScore, called directly).
func (l *Learner) errorFactor(v, y float64) (phi, errf float64) {
	var score float64
	if l.sigmoid != nil {
		phi, score = l.sigmoid.PhiAndScore(v)
	} else {
		phi, score = l.phiAndScore(v)
	}
	return phi, l.errorOf(phi, score, y)
}

// errorOf returns the error factor e/η = (y − φ dt) φ'/φ (times the
// convention's scale) for φ = phi and φ'/φ = score.
func (l *Learner) errorOf(phi, score, y float64) float64 {
	return (y - phi*l.kernel.Dt) * score * l.scoreScale
}

// phiAndScore returns φ(V) and φ'/φ of a transfer other than the sigmoid.
func (l *Learner) phiAndScore(v float64) (phi, score float64) {
	return l.transfer.Phi(v), l.transfer.ScoreFactor(v)
}

// refreshDue reports whether the refresh schedule recomputes the
// coefficients in this bin: every Refresh bins, at the first bin and after
// a change of rates.
func (l *Learner) refreshDue() bool {
	r := l.cfg.Refresh
	return r == 1 || l.bin == 0 || l.stale || (r > 1 && l.bin%r == 0)
}

// fillRuleScalars completes st (V and SumX set) with the coefficients and
// the heterosynaptic factors of a natural rule; it leaves st unchanged otherwise.
func (l *Learner) fillRuleScalars(st *Step) {
	if l.rule.natural {
		l.coefficients().CopyTo(&st.Coefficient)
		st.GammaS = l.coeffs.GammaS
		st.GammaU, st.GammaW = l.heterosynaptic(st.SumX, st.V)
	}
}

// heterosynaptic returns the rule's γ_u and γ_w for a bin with potential v
// and Σx = sumX: Eqns 108, 109 for the natural rule, γ_u ≈ c_ε c_u and
// γ_w ≈ c_w V for the approximate one (Eqn 114).
func (l *Learner) heterosynaptic(sumX, v float64) (gammaU, gammaW float64) {
	if l.rule.fisher == globalScaleOnly {
		return l.cEps * l.cfg.CU, l.cfg.CW * v
	}
	eps0 := l.kernel.Eps0
	return l.coeffs.GammaU(sumX, v, l.cEps, eps0), l.coeffs.GammaW(sumX, v, l.cEps, eps0)
}

// potential returns V = Σ f(w) x and Σ x; for a general parametrization it
// also fills l.ws = f(w) and l.fp = f'(w).
func (l *Learner) potential(w, x []float64) (v, sumX float64) {
	if l.scale != nil { // in the lanes of the fused pass (densePass)
		var lv, lx laneSum
		for i, xi := range x {
			lv.Add(i, float64(l.scale[i]*w[i]*xi))
			lx.Add(i, xi)
		}
		return lv.Total(), lx.Total()
	}
	l.param.Somatic(l.ws, w)
	l.param.Derivative(l.fp, w)
	for i, xi := range x {
		v += l.ws[i] * xi
		sumX += xi
	}
	return v, sumX
}

// statisticsOf returns μ_V and σ_V² of the weights w (text after Eqn 79)
// from scratch, for when the sums of the last update are not valid.
func (l *Learner) statisticsOf(w []float64) (mu, variance float64) {
	if l.scale != nil {
		for i := range w {
			l.ws[i] = l.scale[i] * w[i]
		}
	}
	mu, variance, _ = fisher.InputStatistics(l.kernel, l.ws, l.rates)
	return mu, variance
}

// recompute evaluates the Fisher coefficients the rule needs at the
// voltage statistics of the current weights: γ_s and g1–g4 for the natural
// rule (Eqns 101–107), only γ_s = 1/c1 for the approximate one (Eqn 114).
// What the per-bin update does not read is completed when asked for
// (coefficients).
func (l *Learner) recompute(w []float64) error {
	// μ_V and σ_V² of the current weights, from the sums of the last update when valid
	mu, variance := l.runningPoint(l.sumWR, l.sumW2R)
	if !l.statsValid {
		mu, variance = l.statisticsOf(w)
	}
	l.stale = false
	if l.rule.fisher == globalScaleOnly {
		return l.recomputeScale(mu, variance)
	}
	if l.cache != nil && l.cache.InverseInto(&l.coeffs, &l.ratios, mu, variance, l.q, l.kernel.Eps0) {
		l.partial = true
		return nil
	}
	l.partial = false
	var err error
	if l.cache != nil {
		err = l.cache.CoefficientsInto(&l.coeffs, mu, variance, l.q, l.kernel.Eps0)
	} else {
		l.coeffs, err = l.engine.Coefficients(mu, variance, l.q, l.kernel.Eps0)
	}
	if err != nil {
		return coefficientError(mu, variance, err)
	}
	return nil
}

// runningPoint returns μ_V and σ_V² from Σ f(w) r̂ = sumWR and
// Σ f(w)² r̂ = sumW2R.
func (l *Learner) runningPoint(sumWR, sumW2R float64) (mu, variance float64) {
	return l.kernel.Eps0 * sumWR, sumW2R / l.cEps
}

// recomputeScale sets γ_s = 1/c1 at (mu, variance), from the cache when
// there is one, and the point's μ_V, σ_V², q; the approximate rule's other
// coefficients are zero (coefficients).
func (l *Learner) recomputeScale(mu, variance float64) error {
	var gs float64
	var err error
	if l.cache != nil {
		gs, err = l.cache.GammaS(mu, variance)
	} else {
		gs, err = l.engine.GammaS(mu, variance)
	}
	c := &l.coeffs
	c.Mu, c.Var, c.Q, c.GammaS = mu, variance, l.q, gs
	l.partial = true
	if err != nil {
		return coefficientError(mu, variance, err)
	}
	return nil
}

// coefficients returns the current coefficients, completing them first
// when recompute set only what the per-bin update reads (partial).
func (l *Learner) coefficients() *fisher.Coefficients {
	if l.partial {
		l.partial = false
		c := &l.coeffs
		if l.rule.fisher == globalScaleOnly {
			*c = fisher.Coefficients{Mu: c.Mu, Var: c.Var, Q: c.Q, GammaS: c.GammaS}
		} else {
			fisher.CompleteCoefficients(c, l.ratios)
		}
	}
	return &l.coeffs
}

func coefficientError(mu, variance float64, err error) error {
	return fmt.Errorf("fisher coefficients at mu_V = %.6g mV, sigma_V^2 = %.6g mV^2: %w", mu, variance, err)
}

// apply adds the update to w and returns Σ w (a cheap non-finite detector).
func (l *Learner) apply(w, x []float64, st Step) float64 {
	e := l.cfg.Eta * st.Error
	switch {
	case !l.rule.natural:
		return l.applyEuclidean(w, x, e)
	case l.scale != nil:
		return l.applyLinear(w, x, st, e*st.GammaS)
	}
	return l.applyGeneral(w, x, st, e*st.GammaS)
}

// applyEuclidean: Δw = e f'(w) ⊙ x (Eqn 10 with the chain rule, Eqn 44).
func (l *Learner) applyEuclidean(w, x []float64, e float64) float64 {
	sum := 0.0
	if l.scale != nil { // in the lanes of the fused pass (densePass)
		var ls laneSum
		for i := range w {
			w[i] += float64(e * l.scale[i] * x[i])
			ls.Add(i, w[i])
		}
		return ls.Total()
	}
	for i := range w {
		w[i] += e * l.fp[i] * x[i]
		sum += w[i]
	}
	return sum
}

// applyLinear: Δw = g α⁻¹ ⊙ (c_ε x/r̂ − γ_u + γ_w α w) (Eqns 17, 38, 114),
// accumulating Σ α w r̂ and Σ (α w)² r̂ of the new weights for the next bin.
func (l *Learner) applyLinear(w, x []float64, st Step, g float64) float64 {
	var sum, wr, w2r laneSum // in the lanes of the fused pass (densePass)
	for i := range w {
		a := l.scale[i]
		w[i] += float64(g * float64(float64(l.homGain[i]*x[i])-st.GammaU+float64(st.GammaW*a*w[i])) * l.invScale[i])
		ws := a * w[i]
		sum.Add(i, w[i])
		wr.Add(i, float64(ws*l.rates[i]))
		w2r.Add(i, float64(ws*ws*l.rates[i]))
	}
	l.sumWR, l.sumW2R, l.statsValid = wr.Total(), w2r.Total(), true
	return sum.Total()
}

// applyGeneral: Δw = g f'(w)⁻¹ ⊙ (c_ε x/r̂ − γ_u + γ_w f(w)) (Eqn 13).
func (l *Learner) applyGeneral(w, x []float64, st Step, g float64) float64 {
	sum := 0.0
	for i := range w {
		w[i] += g * (l.homGain[i]*x[i] - st.GammaU + st.GammaW*l.ws[i]) / l.fp[i]
		sum += w[i]
	}
	return sum
}
