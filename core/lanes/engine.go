package lanes

import (
	"context"
	"fmt"

	"github.com/natspike/natspike/core/counter"
	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/core/seed"
)

// checkInterval is how many bins run between cancellation checks.
const checkInterval = 256

// Run runs cfg once for every trial index in trials (cfg.Trial is ignored)
// and fills res[j] for trials[j] exactly as learn.Run fills its Result
// (preallocated slices are filled in place). Trials advance Width at a
// time in lockstep; every number a trial uses depends only on (cfg.Seed,
// trial), so its result does not depend on the batch, the lane or the
// other trials. It returns ctx.Err() if the context is cancelled, an error
// wrapping ErrUnsupported if Supports(cfg) fails, and an error wrapping
// learn.ErrDiverged naming the trial, the time and the quantity if learning
// produces a non-finite or diverging value. cfg.Progress, if set, is called
// from the running goroutine with the number of trial-bins (bins times
// trials of the batch) completed since its previous call.
func Run(ctx context.Context, cfg learn.Config, trials []uint64, res []learn.Result) error {
	return run(ctx, cfg, trials, res, nil)
}

// observer sees every lane's input spikes (y < 0) and teacher spike y of
// every bin; tests use it to replay a trial's streams into learn.Run.
type observer func(trial uint64, bin int, spikes []int32, y float64)

func run(ctx context.Context, cfg learn.Config, trials []uint64, res []learn.Result, observe observer) error {
	if len(res) != len(trials) {
		return fmt.Errorf("lanes: %d results for %d trials", len(res), len(trials))
	}
	if err := prepare(&cfg); err != nil {
		return err
	}
	specs := make([]laneSpec, len(trials))
	for j, tr := range trials {
		specs[j] = laneSpec{trial: tr, rule: cfg.Rule}
	}
	return runBatches(ctx, cfg, specs, res, false, observe)
}

// RunShared runs trial `trial` of cfg once for every rule configuration in
// rules (cfg.Rule and cfg.Trial are ignored), filling res[j] for rules[j]:
// up to Width variants (learning rates, rules, coefficient settings — e.g.
// the η factors of Fig 9 or the three rules of Fig 3F) share one draw of
// the trial's inputs and teacher spikes per bin. res[j] is bit-identical to
// Run with cfg.Rule = rules[j] for that trial. All rules must share
// SilentRate (it sets the rates the lanes share).
func RunShared(ctx context.Context, cfg learn.Config, trial uint64, rules []rule.Config, res []learn.Result) error {
	if len(res) != len(rules) {
		return fmt.Errorf("lanes: %d results for %d rules", len(res), len(rules))
	}
	specs := make([]laneSpec, len(rules))
	for j, rc := range rules {
		if rc.SilentRate != rules[0].SilentRate {
			return fmt.Errorf("silent_rate must be the same for all rules sharing inputs, got %v and %v", rules[0].SilentRate, rc.SilentRate)
		}
		c := cfg
		c.Rule = rc
		if err := prepare(&c); err != nil {
			return fmt.Errorf("rules[%d]: %w", j, err)
		}
		specs[j] = laneSpec{trial: trial, rule: rc}
	}
	if len(rules) == 0 {
		return nil
	}
	cfg.Rule = rules[0]
	if err := prepare(&cfg); err != nil {
		return err
	}
	return runBatches(ctx, cfg, specs, res, true, nil)
}

// laneSpec is what one lane runs: a trial index and a rule configuration.
type laneSpec struct {
	trial uint64
	rule  rule.Config
}

// runBatches runs the lanes in batches of Width; shared marks lanes that
// all run the same trial and so can share its input draw.
func runBatches(ctx context.Context, cfg learn.Config, specs []laneSpec, res []learn.Result, shared bool, observe observer) error {
	for start := 0; start < len(specs); start += Width {
		end := min(start+Width, len(specs))
		b, err := newBatch(cfg, specs[start:end], res[start:end])
		if err != nil {
			return err
		}
		b.shared, b.observe, b.first = shared, observe, start
		if err := b.run(ctx); err != nil {
			return err
		}
	}
	return nil
}

func prepare(cfg *learn.Config) error {
	if err := Supports(*cfg); err != nil {
		return err
	}
	if cfg.TestSamples == 0 {
		cfg.TestSamples = learn.DefaultTestSamples
	}
	if cfg.TestBins == 0 {
		cfg.TestBins = learn.DefaultTestBins
	}
	cfg.Param = neuron.Somatic{}
	return cfg.Validate()
}

// batch is up to Width trials of one configuration in lanes.
type batch struct {
	cfg          learn.Config
	active       int // lanes holding a trial; the others stay at zero
	trials       []uint64
	shared       bool // all lanes run the same trial: one input draw per bin
	first        int  // index of lane 0 in the caller's list
	res          []learn.Result
	pass         pass // the dense form's state
	kernel       func(*pass)
	ev           *evLanes // the event-driven form (cfg.EventDriven), or nil
	gen          *counter.Poisson
	replay       *input.Replay // replayed inputs (cfg.InputSpikes), shared by all lanes, or nil
	replayed     []int
	inputKey     [Width]counter.Key
	teachKey     [Width]counter.Key
	lanes        [Width]lane
	spikes       []int32
	rates        []float64 // r̂: silent afferents at the rule's SilentRate
	q            float64   // c_ε ε0² Σ r̂ (Eqn 36)
	cEps         float64
	teacherBound float64 // ≥ φ(V) dt for every V
	engine       *fisher.Engine
	obj          []*learn.Objective
	record       []float64 // one lane's weights
	observe      observer  // test hook, may be nil
}

// lane is a lane's rule and scalar state besides its weights and traces.
type lane struct {
	rule   rule.Config
	score  float64 // 1, or 1/β under the authors' convention
	cache  *fisher.Cache
	coeffs fisher.Coefficients // only γ_s, g1 … g4 (and μ_V, σ_V², q) are read and kept (Cache.InverseInto)
}

func newBatch(cfg learn.Config, specs []laneSpec, res []learn.Result) (*batch, error) {
	n := len(cfg.Rates)
	b := &batch{cfg: cfg, active: len(specs), res: res, kernel: selectKernel(),
		cEps: cfg.Kernel.CEps(), record: make([]float64, n)}
	var err error
	if b.gen, err = counter.NewPoisson(cfg.Rates, cfg.Kernel.Dt); err != nil {
		return nil, err
	}
	if cfg.InputSpikes != nil {
		if b.replay, err = input.NewReplay(cfg.InputSpikes, n); err != nil {
			return nil, err
		}
	}
	b.setRates(specs[0].rule.SilentRate)
	for l, sp := range specs {
		b.trials = append(b.trials, sp.trial)
		if err := b.setRule(l, sp.rule); err != nil {
			return nil, err
		}
	}
	b.setTeacherBound()
	if cfg.EventDriven {
		if err := b.newEvLanes(); err != nil {
			return nil, err
		}
	} else {
		b.setPass()
	}
	for l, tr := range b.trials {
		b.inputKey[l] = counter.NewKey(cfg.Seed, tr, seed.Inputs)
		b.teachKey[l] = counter.NewKey(cfg.Seed, tr, seed.Teacher)
		if err := b.allocate(&res[l]); err != nil {
			return nil, err
		}
	}
	return b, b.prepareObjectives()
}

// setRates sets r̂ (silent afferents at the rules' silent rate) and
// q = c_ε ε0² Σ r̂ (Eqn 36; InputStatistics' third result needs only r̂).
func (b *batch) setRates(silent float64) {
	b.rates = make([]float64, len(b.cfg.Rates))
	for i, r := range b.cfg.Rates {
		if r == 0 {
			r = silent
		}
		b.rates[i] = r
	}
	_, _, b.q = fisher.InputStatistics(b.cfg.Kernel, b.rates, b.rates)
}

// setRule prepares lane l's rule: its score convention, the shared Fisher
// engine and the lane's own coefficient cache (a cache's patches depend on
// its trial's history, so lanes never share one).
func (b *batch) setRule(l int, rc rule.Config) error {
	ln := &b.lanes[l]
	ln.rule, ln.score = rc, 1
	if rc.LR == rule.Authors {
		s, ok := b.cfg.Transfer.(neuron.Sigmoid)
		if !ok {
			return fmt.Errorf("lr_convention \"authors\" is only defined for the sigmoid transfer function")
		}
		ln.score = 1 / s.Beta
	}
	if rc.Kind == rule.Euclidean {
		return nil
	}
	var err error
	if b.engine == nil {
		if b.engine, err = fisher.NewEngine(b.cfg.Transfer); err != nil {
			return err
		}
	}
	if rc.CoefficientTol > 0 {
		ln.cache, err = fisher.NewCache(b.engine, rc.CoefficientTol)
	}
	return err
}

func (b *batch) allocate(r *learn.Result) error {
	c, n := b.cfg, len(b.cfg.Rates)
	var err error
	alloc := func(name string, dst *[]float64, size int, want bool) {
		switch {
		case !want:
			*dst = nil
		case *dst == nil:
			*dst = make([]float64, size)
		case len(*dst) != size && err == nil:
			err = fmt.Errorf("result %s has %d entries, want %d", name, len(*dst), size)
		}
	}
	rec := c.Records()
	alloc("times", &r.Times, rec, true)
	alloc("weights", &r.Weights, rec*n, true)
	alloc("kl", &r.KL, rec, c.HasObjective())
	alloc("rate_error", &r.RateError, rec, c.HasObjective())
	alloc("weight_distance", &r.WeightDistance, rec, c.HasTarget())
	alloc("final_weights", &r.Final, n, true)
	alloc("voltage", &r.Voltage, c.Traces(), c.Traces() > 0)
	alloc("rate", &r.Rate, c.Traces(), c.Traces() > 0)
	return err
}

// prepareObjectives draws each trial's test set from its own stream, as
// learn.Run does, so that the objective is the same function of the weights.
func (b *batch) prepareObjectives() error {
	c, n := b.cfg, len(b.cfg.Rates)
	if !c.HasObjective() {
		return nil
	}
	teacherRate := func(x []float64) float64 {
		if c.Teacher.Kind == learn.PoissonTeacher {
			return c.Teacher.Rate
		}
		return c.Transfer.Phi(dot(c.Teacher.Weights, x))
	}
	for j, tr := range b.trials {
		if b.shared && j > 0 {
			b.obj = append(b.obj, b.obj[0]) // same trial, same test set
			continue
		}
		samples := make([]float64, c.TestSamples*n)
		if err := input.SampleUSPs(samples, c.Kernel, c.Rates, c.TestBins, seed.Stream(c.Seed, tr, seed.TestSet)); err != nil {
			return err
		}
		o, err := learn.NewObjective(c.Transfer, c.Kernel.Dt, samples, n, teacherRate)
		if err != nil {
			return err
		}
		b.obj = append(b.obj, o)
	}
	return nil
}

func dot(a, x []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * x[i]
	}
	return s
}

func (b *batch) run(ctx context.Context) error {
	bins, stride := b.cfg.Bins(), b.recordStride()
	b.recordAll(0)
	for k := 0; k < bins; k++ {
		if k%checkInterval == 0 && k > 0 {
			if err := b.checkpoint(ctx, checkInterval); err != nil {
				return err
			}
		}
		if err := b.step(k); err != nil {
			return err
		}
		if (k+1)%stride == 0 {
			if err := b.flush(k); err != nil {
				return err
			}
			b.recordAll((k + 1) / stride)
		}
	}
	if err := b.flush(bins - 1); err != nil {
		return err
	}
	for l := 0; l < b.active; l++ {
		b.laneWeights(b.res[l].Final, l)
	}
	if b.cfg.Progress != nil {
		b.cfg.Progress(b.active * (bins - (bins-1)/checkInterval*checkInterval))
	}
	return nil
}

func (b *batch) recordStride() int {
	if r := b.cfg.RecordEvery; r > 0 && r <= b.cfg.Bins() {
		return r
	}
	return b.cfg.Bins()
}

func (b *batch) checkpoint(ctx context.Context, done int) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
	}
	if b.cfg.Progress != nil {
		b.cfg.Progress(b.active * done)
	}
	return nil
}

// recordAll stores record j of every lane: time, weights and objective.
func (b *batch) recordAll(j int) {
	n := len(b.cfg.Rates)
	for l := 0; l < b.active; l++ {
		r := &b.res[l]
		r.Times[j] = float64(j*b.recordStride()) * b.cfg.Kernel.Dt
		w := r.Weights[j*n : (j+1)*n]
		b.laneWeights(w, l)
		if r.KL != nil {
			r.KL[j], r.RateError[j] = b.obj[l].Eval(w)
		}
		if r.WeightDistance != nil {
			r.WeightDistance[j] = learn.Distance(w, b.cfg.Teacher.Weights)
		}
	}
}

// laneWeights copies lane l's weights into dst.
func (b *batch) laneWeights(dst []float64, l int) {
	if b.ev != nil {
		b.ev.weights(dst, l)
		return
	}
	for i := range dst {
		dst[i] = b.pass.blocks[i].w[l]
	}
}

// diverged wraps err for the trial (or, sharing inputs, the rule) in lane
// l at bin k.
func (b *batch) diverged(l, k int, err error) error {
	what := fmt.Sprintf("trial %d", b.trials[l])
	if b.shared {
		what = fmt.Sprintf("rules[%d] (%v, eta = %v)", b.first+l, b.lanes[l].rule.Kind, b.lanes[l].rule.Eta)
	}
	return fmt.Errorf("%w in %s at t = %.6g s (bin %d): %w", learn.ErrDiverged, what,
		float64(k)*b.cfg.Kernel.Dt, k, err)
}
