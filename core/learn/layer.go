package learn

import (
	"context"
	"fmt"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/internal/vmath"
)

// MaxNeurons bounds the number of output neurons of a layer.
const MaxNeurons = 1 << 20

// A layer is m output neurons (Config.Neurons) trained on the same afferent
// spikes: one input source per trial drives m per-neuron learners, each
// with its own teacher, rule state and Fisher coefficients. Neuron j is the
// single-neuron trial neuronConfig(j): W0 and the teacher are its rows, its
// teacher stream is counter.NewNeuronKey(Seed, Trial, seed.Teacher, j), and
// its outputs are row j of the layer's (neuron axis first). A single
// neuron (Neurons = 0) is a layer of one that writes the outputs unchanged.
type layer struct {
	cfg     Config
	src     input.Source
	neurons []*trial
	spikes  []int
	segment int // the rate schedule's current segment
	// nextSwitch is the bin at which the schedule's next segment starts, or
	// -1 (no further segment).
	nextSwitch int
	// member names the members in errors ("neuron" in a layer,
	// "configuration" in RunShared; none for a single neuron) and teacherU
	// holds the bin's teacher uniform that RunShared's members share.
	member   string
	teacherU *float64
	// pots and exps hold the bin's potentials of the lean members and the
	// exponentials of their φ, of the arguments in args (leanPotentials).
	pots       []rule.Potentials
	args, exps []float64
	// lanes evaluates the members' coefficients together (RunShared; nil:
	// each member its own).
	lanes *rule.CoefficientLanes
}

func newLayer(cfg Config, res *Result) (*layer, error) {
	src, in, err := cfg.source()
	if err != nil {
		return nil, err
	}
	sets, err := cfg.testSets()
	if err != nil {
		return nil, err
	}
	l := newLayerOn(cfg, src, "")
	if cfg.Neurons == 0 {
		t, err := newTrial(cfg, res, sets, in)
		l.neurons = []*trial{t}
		return l, err
	}
	if err := allocateLayer(cfg, res); err != nil {
		return nil, err
	}
	l.member = "neuron"
	for j := range cfg.Neurons {
		cj := cfg.neuronConfig(j)
		t, err := newTrial(cj, neuronResult(cfg, cj, res, j), sets, trialInputs{})
		if err != nil {
			return nil, fmt.Errorf("neuron %d: %w", j, err)
		}
		l.neurons = append(l.neurons, t)
	}
	return l, l.continueInputs(in)
}

// continueInputs moves the layer's Poisson inputs in to the bin at which
// its neurons' restored states continue (nothing without a state, or for
// replayed inputs, which start with the continuation); the neurons of one
// layer's state all continue at the same bin.
func (l *layer) continueInputs(in trialInputs) error {
	if l.cfg.State == nil {
		return nil
	}
	start := l.neurons[0].start
	for j, t := range l.neurons {
		if t.start != start {
			return fmt.Errorf("%w: neuron %d of the state continues at bin %d, neuron 0 at bin %d (not one layer's state)", ErrState, j, t.start, start)
		}
	}
	if in.poisson != nil {
		in.poisson.Seek(uint64(start))
	}
	return nil
}

// newLayerOn returns a layer of configuration cfg, without members yet,
// driven by src; member names its members in errors.
func newLayerOn(cfg Config, src input.Source, member string) *layer {
	l := &layer{cfg: cfg, src: src, member: member}
	l.nextSwitch = l.segmentStart(1)
	return l
}

// neuronConfig returns the single-neuron trial of neuron j of layer c.
func (c Config) neuronConfig(j int) Config {
	n, m := len(c.Rates), c.Neurons
	cj := c
	cj.Neurons, cj.Neuron, cj.Progress, cj.Teacher.Rates = 0, uint64(j), nil, nil
	cj.W0 = c.W0[j*n : (j+1)*n]
	if c.State != nil {
		w := StateWords(n)
		cj.State = c.State[j*w : (j+1)*w]
	}
	switch c.Teacher.Kind {
	case Realizable:
		cj.Teacher.Weights = c.Teacher.Weights[j*n : (j+1)*n]
	case PoissonTeacher:
		cj.Teacher.Rate = c.Teacher.Rates[j]
	case ReplayTeacher:
		b := len(c.Teacher.Spikes) / m
		cj.Teacher.Spikes = c.Teacher.Spikes[j*b : (j+1)*b]
	}
	return cj
}

// validateLayer checks a layer's shapes, then every neuron's trial.
func (c Config) validateLayer() error {
	m, n := c.Neurons, len(c.Rates)
	if m < 1 || m > MaxNeurons {
		return fmt.Errorf("weights: a layer must have 1 to %d neurons (rows), got %d", MaxNeurons, m)
	}
	if len(c.W0) != m*n {
		return fmt.Errorf("weights of a layer must have %d x %d entries (neurons x afferents), got %d", m, n, len(c.W0))
	}
	if c.State != nil && len(c.State) != m*StateWords(n) {
		return fmt.Errorf("%w: the state of a layer has %d entries, %d neurons with %d afferents need %d x %d (a state of another configuration?)",
			ErrState, len(c.State), m, n, m, StateWords(n))
	}
	t := c.Teacher
	switch {
	case t.Kind == Realizable && len(t.Weights) != m*n:
		return fmt.Errorf("teacher target weights of a layer must have %d x %d entries (neurons x afferents), got %d", m, n, len(t.Weights))
	case t.Kind != PoissonTeacher && t.Rates != nil:
		return fmt.Errorf("teacher_rates are only for a Poisson teacher, not a %v one", t.Kind)
	case t.Kind == PoissonTeacher && len(t.Rates) != m:
		return fmt.Errorf("teacher rates of a layer must have %d entries (one per neuron), got %d", m, len(t.Rates))
	case t.Kind == ReplayTeacher && len(t.Spikes)%m != 0:
		return fmt.Errorf("teacher spikes of a layer must hold %d equal spike trains (one per neuron), got %d values", m, len(t.Spikes))
	}
	for j := range m {
		if err := c.neuronConfig(j).Validate(); err != nil {
			return fmt.Errorf("neuron %d: %w", j, err)
		}
	}
	return nil
}

// allocateLayer sizes the layer's outputs (every per-neuron output with its
// neuron axis) and checks the caller's slices.
func allocateLayer(c Config, res *Result) error {
	for _, o := range c.Present() {
		dst, size := o.Slot(res), o.Size(c)
		switch {
		case *dst == nil:
			*dst = make([]float64, size)
		case len(*dst) != size:
			return fmt.Errorf("result %s has %d entries, want %d", o.Name, len(*dst), size)
		}
	}
	return nil
}

// neuronResult views row j of every per-neuron output of layer c; shared
// outputs (record times) are written by neuron 0 and private to the others.
func neuronResult(c, cj Config, res *Result, j int) *Result {
	var r Result
	for _, o := range c.Present() {
		if !o.Neuron {
			if j == 0 {
				*o.Slot(&r) = *o.Slot(res)
			}
			continue
		}
		size := o.Size(cj)
		*o.Slot(&r) = (*o.Slot(res))[j*size : (j+1)*size]
	}
	return &r
}

// run drives every neuron from the same afferent spikes, bin by bin (runBins).
func (l *layer) run(ctx context.Context) error {
	return runBins(ctx, l, l.cfg.Bins(), l.cfg.recordStride())
}

// binRunner is what runBins drives: a layer, or a batch of trials in
// lockstep (RunBatch).
type binRunner interface {
	steps(from, to int) error
	flush(k int) error
	record(r int)
	checkpoint(ctx context.Context, done int) error
	finish(bins int) error
}

// runBins runs bins 0 … bins−1 of r with a record every stride bins: it
// runs the bins up to the next record or cancellation check in one call of
// steps rather than testing for them every bin.
func runBins(ctx context.Context, r binRunner, bins, stride int) error {
	r.record(0)
	for k := 0; k < bins; {
		end := min(bins, (k/stride+1)*stride, (k/checkInterval+1)*checkInterval)
		if err := r.steps(k, end); err != nil {
			return err
		}
		if k = end; k%stride == 0 {
			if err := r.flush(k - 1); err != nil {
				return err
			}
			r.record(k / stride)
		}
		if k%checkInterval == 0 && k < bins {
			if err := r.checkpoint(ctx, checkInterval); err != nil {
				return err
			}
		}
	}
	if err := r.flush(bins - 1); err != nil {
		return err
	}
	return r.finish(bins)
}

// finish writes the final weights (and the end state) of every neuron and
// reports the bins since the last cancellation check.
func (l *layer) finish(bins int) error {
	for _, t := range l.neurons {
		copy(t.res.Final, t.w)
		if t.cfg.KeepState {
			if err := t.saveState(); err != nil {
				return err
			}
		}
	}
	if l.cfg.Progress != nil {
		l.cfg.Progress(bins - (bins-1)/checkInterval*checkInterval)
	}
	return nil
}

// steps runs bins from to to-1, each: the schedule's segment, the afferent
// spikes, the shared teacher uniform (RunShared) and every member's bin.
func (l *layer) steps(from, to int) error {
	if t := l.lean(); t != nil {
		return l.leanSteps(t, from, to)
	}
	if l.leanMembers() {
		return l.leanSharedSteps(from, to)
	}
	for k := from; k < to; k++ {
		spikes, err := l.inputs(k)
		if err != nil {
			return err
		}
		if l.teacherU != nil {
			l.drawTeacher(k)
		}
		for j, t := range l.neurons {
			if err := t.step(k, spikes); err != nil {
				return l.named(j, t.diverged(k, err))
			}
		}
	}
	return nil
}

// lean returns the trial whose bins leanSteps can run, or nil: a single
// lean-eligible neuron on counter-based Poisson inputs with a teacher of
// its own.
func (l *layer) lean() *trial {
	if len(l.neurons) != 1 || l.teacherU != nil {
		return nil
	}
	t := l.neurons[0]
	if !t.leanEligible() || t.inputs == nil || t.sharedU != nil {
		return nil
	}
	return t
}

// leanEligible reports whether the trial's bins can run lean: in the
// event-driven form, with a teacher that is drawn (realizable or Poisson),
// no output written bin by bin and no pool interval.
func (t *trial) leanEligible() bool {
	return t.events != nil && len(t.observe) == 0 && t.reset == 0 && t.cfg.Teacher.Kind != ReplayTeacher
}

// inputs moves to bin k's segment of the rate schedule and returns the
// bin's afferent spikes (kept in l.spikes for the next draw).
func (l *layer) inputs(k int) ([]int, error) {
	if err := l.nextSegment(k); err != nil {
		return nil, err
	}
	spikes, err := l.src.Next(l.spikes)
	if err != nil {
		return nil, l.neurons[0].diverged(k, err)
	}
	l.spikes = spikes
	return spikes, nil
}

// leanMembers reports whether leanSharedSteps can run the layer's bins:
// RunShared's configurations, each lean-eligible.
func (l *layer) leanMembers() bool {
	if l.teacherU == nil {
		return false
	}
	for _, t := range l.neurons {
		if !t.leanEligible() {
			return false
		}
	}
	return true
}

// leanSharedSteps is steps for RunShared's lean configurations: per bin one
// draw of the inputs and of the teacher's uniform, every configuration's
// potentials and the exponentials of their φ together (leanPotentials),
// the natural members' coefficients together (rule.CoefficientLanes), then
// every configuration's bin as leanSteps runs it (advanceMembers),
// the same numbers bin for bin.
func (l *layer) leanSharedSteps(from, to int) error {
	for k := from; k < to; k++ {
		spikes, err := l.inputs(k)
		if err != nil {
			return err
		}
		l.drawTeacher(k)
		l.leanPotentials()
		if l.lanes != nil {
			l.lanes.Serve()
		}
		if j, err := l.advanceMembers(*l.teacherU, spikes); err != nil {
			return l.named(j, l.neurons[j].diverged(k, err))
		}
	}
	return nil
}

// advanceMembers runs every member's bin (leanBin) with teacher uniform u
// and afferent spikes spikes, from l.pots and l.exps; it returns the first
// member that fails and its error.
func (l *layer) advanceMembers(u float64, spikes []int) (int, error) {
	pots := l.pots
	exps := l.exps[:len(pots)]
	for j, t := range l.neurons[:len(pots)] {
		p := &pots[j] // leanBin, written out: a call costs the spills of every live value
		if err := t.events.Advance(*p, exps[j], t.leanTeacher(u, p.Teacher), spikes); err != nil {
			return j, err
		}
		if t.badBin(p.V) {
			return j, t.binError(p.V)
		}
	}
	return 0, nil
}

// leanPotentials sets l.pots and l.exps to every member's potentials of
// the bin and the exponential of its φ (binPotentials). l.args, the
// exponents, is padded with zeros to a multiple of four members, so that
// vmath.ExpSlice leaves no member to a scalar tail.
func (l *layer) leanPotentials() {
	if len(l.pots) != len(l.neurons) {
		m := len(l.neurons)
		l.pots = make([]rule.Potentials, m)
		l.args, l.exps = make([]float64, (m+3)&^3), make([]float64, (m+3)&^3)
	}
	binPotentials(l.neurons, l.pots, l.args, l.exps)
}

// leanBin is a bin of a lean trial with potentials pot, e^{Exponent(pot)}
// = ez and teacher uniform u.
func (t *trial) leanBin(u float64, pot rule.Potentials, ez float64, spikes []int) error {
	if err := t.events.Advance(pot, ez, t.leanTeacher(u, pot.Teacher), spikes); err != nil {
		return err
	}
	if t.badBin(pot.V) {
		return t.binError(pot.V)
	}
	return nil
}

// leanTeacher is teacherDraw(u, teacherV) with its test of u written out:
// only a uniform below teacherCut pays the call.
func (t *trial) leanTeacher(u, teacherV float64) float64 {
	if u < t.teacherCut {
		return t.teacherDraw(u, teacherV)
	}
	return 0
}

// leanSteps is steps for the lean trial t: the same numbers bin for bin,
// with the inputs drawn without the input.Source interface, the teacher's
// φ(V*) only for a uniform below teacherCut and the bin's update without a
// Step (leanBin, rule.Events.Advance).
func (l *layer) leanSteps(t *trial, from, to int) error {
	ev, src, key := t.events, t.inputs, t.teacherKey
	spikes := l.spikes
	defer func() { l.spikes = spikes }()
	for k := from; k < to; k++ {
		if err := l.nextSegment(k); err != nil {
			return err
		}
		spikes = src.Draw(spikes)
		pot := ev.Potentials()
		if err := t.leanBin(key.Float64(uint64(t.start+k)), pot, vmath.Exp(ev.Exponent(pot)), spikes); err != nil {
			return t.diverged(k, err)
		}
	}
	return nil
}

func (l *layer) flush(k int) error {
	for j, t := range l.neurons {
		if err := t.flush(); err != nil {
			return l.named(j, t.diverged(k, err))
		}
	}
	return nil
}

func (l *layer) record(r int) {
	for _, t := range l.neurons {
		t.record(r)
	}
}

// named prefixes a member's error with its index (in a layer or RunShared).
func (l *layer) named(j int, err error) error {
	if l.member == "" {
		return err
	}
	return fmt.Errorf("%s %d: %w", l.member, j, err)
}

func (l *layer) checkpoint(ctx context.Context, done int) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
	}
	l.progress(done)
	return nil
}

func (l *layer) progress(done int) {
	if l.cfg.Progress != nil {
		l.cfg.Progress(done)
	}
}
