package learn

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/natspike/natspike/core/counter"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/core/seed"
)

// Result holds what a trial recorded. Slices may be allocated by the caller
// with the sizes of Config.Records(), Config.Traces() and n (then Run fills
// them in place) or left nil (then Run allocates them).
type Result struct {
	Times          []float64 // record times (s), Records()
	Weights        []float64 // Records() × n, learned parametrization
	KL             []float64 // Records(); nil without objective
	RateError      []float64 // Records() (Hz); nil without objective
	WeightDistance []float64 // Records(); nil without target weights
	Final          []float64 // n, weights after the last bin
	Voltage, Rate  []float64 // Traces(): V (mV) and φ (Hz) every TraceEvery bins
	// SpikeBits and TeacherSpikeBits pack the student's and the teacher's
	// spikes 32 bins to a value (RecordSpikes); State is the end state
	// (KeepState) that Config.State accepts.
	SpikeBits, TeacherSpikeBits, State []float64
	// Extra holds the outputs added with RegisterOutput, by name.
	Extra map[string]*[]float64
}

// ErrDiverged marks errors caused by learning producing a non-finite or
// absurdly large value (too large a learning rate, usually).
var ErrDiverged = errors.New("learning diverged")

// checkInterval is how many bins run between cancellation checks.
const checkInterval = 256

type trial struct {
	cfg     Config
	traces  *input.Traces
	learner *rule.Learner
	res     *Result
	w, ws   []float64
	fused   bool         // the learner's pipelined form drives the loop
	events  *rule.Events // the event-driven form drives the loop (EventDriven)
	target  []float64    // teacher weights for the fused teacher dot, or nil
	// fusedTarget is target when the fused pass forms w*·x (an unbounded
	// transfer, which needs it every bin); otherwise nil, and teacherSpike
	// forms it from the USPs only in the bins that need it.
	fusedTarget []float64
	// maxTeacherP bounds the realizable teacher's spike probability φ(V*)·dt
	// (φ_max·dt, +Inf for an unbounded transfer): a uniform at or above it
	// is no spike whatever V*, so φ(V*) is not evaluated.
	maxTeacherP float64
	// teacherCut bounds the uniforms for which teacherDraw can return a
	// spike: the Poisson teacher's rate·dt, or maxTeacherP.
	teacherCut float64
	observe    []observer   // outputs written bin by bin (traces, registered outputs)
	st         rule.Step    // the scalars of the bin (dense and fused forms)
	reset      int          // bins per pool interval (traces restart from zero), or 0
	objs       []*Objective // the objective of every schedule segment (one without a schedule)
	// The counter-based streams of the teacher's and the student's spikes
	// (drawn at position start + k in bin k; doc.go, "Random streams"), the
	// layer's Poisson inputs (nil for replayed or pooled inputs), the bins
	// before this part (a continued trial, state.go) and whether the
	// student's spikes are drawn (RecordSpikes, spikes.go).
	teacherKey, studentKey counter.Key
	inputs                 *counter.Source
	start                  int
	recordStudent          bool
	sharedU                *float64 // the teacher's uniform of the bin, drawn once for the trial's configurations (RunShared), or nil
	// teacherP is the realizable teacher's spike probability φ(V*)·dt of the
	// latest bin in which it exceeded 1 (possible only with an unbounded
	// transfer), else 0: the bin's error (binError), not a spike whatever
	// the uniform.
	teacherP float64
}

// Run executes one trial and fills res. It returns ctx.Err() if the context
// is cancelled (checked every 256 bins), and an error naming the time and
// the quantity if learning produces a non-finite or diverging value. With
// cfg.Neurons > 0 the trial is a layer of neurons (see layer.go).
func Run(ctx context.Context, cfg Config, res *Result) error {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	l, err := newLayer(cfg, res)
	if err != nil {
		return err
	}
	return l.run(ctx)
}

// newTrial prepares one neuron of a trial: its learner, outputs, teacher
// stream and objectives on the test sets of the schedule's segments (see
// Config.testSets; none without objective). Its input spikes come from the
// layer that drives it.
func newTrial(cfg Config, res *Result, sets [][]float64, in trialInputs) (*trial, error) {
	n := len(cfg.Rates)
	l, err := rule.New(cfg.Rule, cfg.Transfer, cfg.Kernel, cfg.Param, cfg.Rates)
	if err != nil {
		return nil, err
	}
	t := &trial{cfg: cfg, learner: l, traces: input.NewTraces(cfg.Kernel, n), res: res,
		w: append([]float64(nil), cfg.W0...), ws: make([]float64, n),
		maxTeacherP: math.Inf(1), inputs: in.poisson}
	t.streams()
	if b, ok := cfg.Transfer.(neuron.Bounded); ok {
		t.maxTeacherP = b.MaxRate() * cfg.Kernel.Dt
	}
	t.teacherCut = t.maxTeacherP
	if cfg.Teacher.Kind == PoissonTeacher {
		t.teacherCut = cfg.Teacher.Rate * cfg.Kernel.Dt
	}
	if err := t.allocate(); err != nil {
		return nil, err
	}
	if p := cfg.InputPool; p.Size > 0 {
		t.reset = p.Bins(cfg.Kernel.Dt)
	}
	if cfg.Teacher.Kind == Realizable {
		t.target = cfg.Teacher.Weights
	}
	if cfg.EventDriven {
		if t.events, err = l.NewEvents(t.w, t.target); err != nil {
			return nil, t.diverged(0, err) // the initial weight factors are not finite
		}
	} else {
		t.fused = l.Pipelined(t.traces)
		if t.fused && math.IsInf(t.maxTeacherP, 1) {
			t.fusedTarget = t.target
		}
	}
	if err := t.prepareObjectives(sets); err != nil {
		return nil, err
	}
	if cfg.State != nil {
		if err := t.restore(cfg.State); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// trialInputs is what a trial's state holds of its layer's input source:
// the counter-based Poisson source (nil for replayed or pooled inputs),
// whose position a continued trial sets.
type trialInputs struct {
	poisson *counter.Source
}

// source returns the trial's afferent spikes (replayed, from the input
// pool, or Poisson from the counter-based stream (Seed, Trial, seed.Inputs))
// and what a trial's state keeps of them.
func (c Config) source() (input.Source, trialInputs, error) {
	if src, err := c.replaySource(); src != nil || err != nil {
		return src, trialInputs{}, err
	}
	if p := c.InputPool; p.Size > 0 {
		pool, err := input.NewPool(c.Rates, c.Kernel.Dt, p.Size, p.Bins(c.Kernel.Dt), seed.Stream(c.Seed, p.Stream, seed.InputPool))
		if err != nil {
			return nil, trialInputs{}, err
		}
		return pool.Source(seed.Stream(c.Seed, c.Trial, seed.Inputs)), trialInputs{}, nil
	}
	p, err := counter.NewPoisson(c.Rates, c.Kernel.Dt)
	if err != nil {
		return nil, trialInputs{}, err
	}
	src := counter.NewSource(p, counter.NewKey(c.Seed, c.Trial, seed.Inputs))
	return src, trialInputs{poisson: src}, nil
}

// teacherRate returns φ* (Hz) for USPs x.
func (t *trial) teacherRate(x []float64) float64 {
	if t.cfg.Teacher.Kind == PoissonTeacher {
		return t.cfg.Teacher.Rate
	}
	return t.cfg.Transfer.Phi(dot(t.cfg.Teacher.Weights, x))
}

// observer is an output that Run writes bin by bin.
type observer struct {
	dst     []float64
	observe func([]float64, int, Bin)
}

// allocate sizes every output of the configuration (see Outputs), checks
// the caller's slices and sets absent outputs to nil.
func (t *trial) allocate() error {
	for _, o := range Outputs() {
		if o.Origin != FromTrial {
			continue
		}
		dst, size := o.Slot(t.res), o.Size(t.cfg)
		switch {
		case !o.Exists(t.cfg):
			*dst = nil
			continue
		case *dst == nil:
			*dst = make([]float64, size)
		case len(*dst) != size:
			return fmt.Errorf("result %s has %d entries, want %d", o.Name, len(*dst), size)
		}
		if o.Observe != nil {
			t.observe = append(t.observe, observer{*dst, o.Observe})
		}
	}
	return nil
}

func (t *trial) diverged(k int, err error) error {
	var late lateWeights
	if errors.As(err, &late) {
		k, err = k-1, late.err
	}
	return fmt.Errorf("%w at t = %.6g s (bin %d): %w", ErrDiverged, float64(k)*t.cfg.Kernel.Dt, k, err)
}

// lateWeights marks a weight error of the previous bin's update, found
// while the fused loop applied it in the current bin.
type lateWeights struct{ err error }

func (e lateWeights) Error() string { return e.err.Error() }

// flush brings t.w up to date: it applies the update staged by the fused
// loop or materialises the event-driven weights.
func (t *trial) flush() error {
	switch {
	case t.events != nil:
		return t.events.Weights(t.w)
	case t.fused:
		return t.learner.Flush(t.w, t.traces.X)
	}
	return nil
}

// restartTraces resets the USP traces to zero at a pool interval
// boundary, after applying the update the fused loop staged with the old
// traces.
func (t *trial) restartTraces() error {
	if err := t.flush(); err != nil {
		return lateWeights{err}
	}
	t.traces.Reset()
	return nil
}

// step runs bin k on the afferent spikes of the bin.
func (t *trial) step(k int, spikes []int) error {
	if t.reset > 0 && k%t.reset == 0 && k > 0 {
		if err := t.restartTraces(); err != nil {
			return err
		}
	}
	var st *rule.Step
	var y float64
	var err error
	if t.events != nil { // the default form, written out here to save a call per bin
		pot := t.events.Potentials()
		y = t.teacherSpike(k, pot.Teacher)
		st, err = t.events.Update(pot, y, spikes)
	} else {
		st, y, err = t.denseStep(k, spikes)
	}
	if err != nil {
		return err
	}
	if t.badBin(st.V) {
		return t.binError(st.V)
	}
	if len(t.observe) > 0 {
		return t.observeBin(k, st, y)
	}
	return nil
}

func potentialError(v float64) error {
	return fmt.Errorf("membrane potential V = %.3g mV exceeds ±%g mV", v, MaxPotential)
}

// badBin reports whether the bin that left the student's potential at v
// failed: a potential beyond ±MaxPotential, or a teacher's spike
// probability above 1 (teacherP). binError says which.
func (t *trial) badBin(v float64) bool {
	return math.Abs(v) > MaxPotential || t.teacherP > 1
}

// binError is the error of a bin for which badBin is true.
func (t *trial) binError(v float64) error {
	if t.teacherP > 1 {
		return teacherProbabilityError(t.teacherP, t.cfg.Kernel.Dt)
	}
	return potentialError(v)
}

// denseStep runs the rule's bin k in the dense or the fused form and
// returns its scalars (valid until the next bin) and the teacher's spike.
func (t *trial) denseStep(k int, spikes []int) (*rule.Step, float64, error) {
	if t.fused {
		return t.fusedStep(k, spikes)
	}
	t.traces.Step(spikes)
	y := t.teacherSpike(k, 0)
	var err error
	t.st, err = t.learner.Update(t.w, t.traces.X, y)
	return &t.st, y, err
}

// observeBin hands bin k to the outputs written bin by bin.
func (t *trial) observeBin(k int, st *rule.Step, y float64) error {
	student, err := t.studentSpike(k, st.Phi)
	if err != nil {
		return err
	}
	b := Bin{Step: *st, Teacher: y, Student: student, Config: &t.cfg}
	for _, o := range t.observe {
		o.observe(o.dst, k, b)
	}
	return nil
}

// fusedStep runs bin k through the learner's pipelined form: the previous
// bin's update, the trace step and the potentials in one pass.
func (t *trial) fusedStep(k int, spikes []int) (*rule.Step, float64, error) {
	pot, err := t.learner.Advance(t.w, t.traces, spikes, t.fusedTarget)
	if err != nil {
		return &t.st, 0, lateWeights{err}
	}
	y := t.teacherSpike(k, pot.Teacher)
	t.st, err = t.learner.Stage(t.w, pot, y)
	return &t.st, y, err
}

// teacherSpike draws the teacher's spike of bin k from the uniform at
// position start + k of the teacher's stream; teacherV is w*·x when the
// caller has it (fused loop), otherwise it is computed here.
func (t *trial) teacherSpike(k int, teacherV float64) float64 {
	if t.cfg.Teacher.Kind == ReplayTeacher {
		return t.cfg.Teacher.Spikes[k]
	}
	return t.teacherDraw(t.teacherUniform(k), teacherV)
}

// teacherDraw returns the spike of a drawn (not replayed) teacher for the
// bin's uniform u (see teacherSpike). A u at or above teacherCut is no spike
// (for the realizable teacher: ≥ φ(V*)·dt for every V*, the same outcome
// without φ(V*)).
func (t *trial) teacherDraw(u, teacherV float64) float64 {
	if u >= t.teacherCut {
		return 0
	}
	if t.cfg.Teacher.Kind == PoissonTeacher {
		return 1
	}
	if t.events == nil && (!t.fused || t.fusedTarget == nil) {
		teacherV = rule.LaneDot(t.cfg.Teacher.Weights, t.traces.X) // as the fused pass sums it
	}
	p := t.cfg.Transfer.Phi(teacherV) * t.cfg.Kernel.Dt
	if p > 1 {
		t.teacherP = p
	}
	return spikeIf(u < p)
}

func spikeIf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (t *trial) record(j int) {
	n := len(t.w)
	r := t.res
	r.Times[j] = float64(t.start+j*t.cfg.recordStride()) * t.cfg.Kernel.Dt
	copy(r.Weights[j*n:(j+1)*n], t.w)
	if t.objs == nil {
		return
	}
	t.cfg.Param.Somatic(t.ws, t.w)
	r.KL[j], r.RateError[j] = t.objective(j).Eval(t.ws)
	if r.WeightDistance != nil {
		r.WeightDistance[j] = Distance(t.ws, t.cfg.Teacher.Weights)
	}
}
