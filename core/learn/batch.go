package learn

import (
	"context"
	"fmt"

	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/internal/vmath"
)

// A TrialError is the error of trial Index (counted from 0) of a RunBatch
// call.
type TrialError struct {
	Index int
	Err   error
}

func (e *TrialError) Error() string { return fmt.Sprintf("trial %d of the batch: %v", e.Index, e.Err) }
func (e *TrialError) Unwrap() error { return e.Err }

// RunBatch runs the independent trials cfgs and fills res[j] as
// Run(ctx, cfgs[j], res[j]) would, bit for bit. Trials that run lean
// (event-driven, drawn teacher, Poisson inputs, single neuron) with the same
// bins and record stride advance in lockstep: per bin every trial's inputs,
// potentials and exponent, the exponentials of all trials together
// (vmath.ExpSlice), the natural rules' coefficients together
// (rule.CoefficientLanes), then every trial's update. Otherwise the trials run one
// after another. If trials fail, the error is a *TrialError naming the lowest
// failing one however they run: in lockstep a failure drops that trial and
// those after it, and the trials before it run on. A cancelled context
// returns ctx.Err().
func RunBatch(ctx context.Context, cfgs []Config, res []*Result) error {
	if len(res) != len(cfgs) {
		return fmt.Errorf("trials: %d results for %d trials", len(res), len(cfgs))
	}
	ls := make([]*layer, len(cfgs))
	for j, c := range cfgs {
		c.setDefaults()
		if err := c.Validate(); err != nil {
			return &TrialError{j, err}
		}
		l, err := newLayer(c, res[j])
		if err != nil {
			return &TrialError{j, err}
		}
		ls[j] = l
	}
	if b := newBatch(ls); b != nil {
		if err := runBins(ctx, b, ls[0].cfg.Bins(), ls[0].cfg.recordStride()); err != nil {
			return err
		}
		return b.err
	}
	for j, l := range ls {
		if err := l.run(ctx); err != nil {
			return batchError(ctx, j, err)
		}
	}
	return nil
}

// batchError names trial j in err unless err is the context's.
func batchError(ctx context.Context, j int, err error) error {
	if err == ctx.Err() {
		return err
	}
	return &TrialError{j, err}
}

// A batch is trials of RunBatch stepped in lockstep, each its own layer's
// lean trial.
type batch struct {
	layers []*layer
	trials []*trial
	pots   []rule.Potentials
	exps   []float64
	lanes  *rule.CoefficientLanes // the trials' natural rules' coefficients (nil: none served together)
	err    error                  // the lowest failing trial's *TrialError so far (nil: none)
}

// fail records trial j's error and drops it and the trials after it: only
// the trials before it can still fail at a lower index. It returns the
// error once no trial is left, nil while some run on.
func (b *batch) fail(j int, err error) error {
	b.err = &TrialError{j, err}
	b.layers, b.trials = b.layers[:j], b.trials[:j]
	b.lanes = rule.NewCoefficientLanes(events(b.trials)) // the same numbers as before (bit-identical to unserved)
	if j == 0 {
		return b.err
	}
	return nil
}

// newBatch returns the batch of layers ls, or nil if they cannot run in
// lockstep: fewer than two, one not lean, or different bins or record
// stride.
func newBatch(ls []*layer) *batch {
	if len(ls) < 2 {
		return nil
	}
	b := &batch{layers: ls, pots: make([]rule.Potentials, len(ls)), exps: make([]float64, len(ls))}
	bins, stride := ls[0].cfg.Bins(), ls[0].cfg.recordStride()
	for _, l := range ls {
		t := l.lean()
		if t == nil || l.cfg.Bins() != bins || l.cfg.recordStride() != stride {
			return nil
		}
		b.trials = append(b.trials, t)
	}
	b.lanes = rule.NewCoefficientLanes(events(b.trials))
	return b
}

// events returns the Events of the trials ts.
func events(ts []*trial) []*rule.Events {
	evs := make([]*rule.Events, len(ts))
	for i, t := range ts {
		evs[i] = t.events
	}
	return evs
}

// steps runs bins from to to-1 of every trial, each bin as leanSteps runs
// it, with the exponentials of all trials' φ evaluated together and the
// natural rules' coefficients too (rule.CoefficientLanes).
func (b *batch) steps(from, to int) error {
	for k := from; k < to; k++ {
		for j := 0; j < len(b.layers); j++ {
			l := b.layers[j]
			if err := l.nextSegment(k); err != nil {
				if err := b.fail(j, err); err != nil {
					return err
				}
				break
			}
			l.spikes = b.trials[j].inputs.Draw(l.spikes)
		}
		binPotentials(b.trials, b.pots, b.exps, b.exps)
		if b.lanes != nil {
			b.lanes.Serve()
		}
		for j := 0; j < len(b.trials); j++ {
			t := b.trials[j]
			u := t.teacherKey.Float64(uint64(t.start + k))
			if err := t.leanBin(u, b.pots[j], b.exps[j], b.layers[j].spikes); err != nil {
				if err := b.fail(j, t.diverged(k, err)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// binPotentials sets pots[j] and args[j] to lean trial ts[j]'s
// potentials of the bin and the argument of the exponential of its φ
// (rule.Events.Exponent), and exps to the exponentials of args (all of it:
// entries past len(ts) pad it), evaluated together by vmath.ExpSlice
// (bit-identical to one at a time, and four at a time with AVX2); args may
// be exps itself.
func binPotentials(ts []*trial, pots []rule.Potentials, args, exps []float64) {
	pots, head := pots[:len(ts)], args[:len(ts)]
	for j, t := range ts {
		pots[j] = t.events.Potentials()
		head[j] = t.events.Exponent(pots[j])
	}
	vmath.ExpSlice(exps, args)
}

func (b *batch) flush(k int) error {
	return b.eachLayer(func(l *layer) error { return l.flush(k) })
}

func (b *batch) record(r int) {
	for _, l := range b.layers {
		l.record(r)
	}
}

func (b *batch) checkpoint(ctx context.Context, done int) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
	}
	for _, l := range b.layers {
		l.progress(done)
	}
	return nil
}

func (b *batch) finish(bins int) error {
	return b.eachLayer(func(l *layer) error { return l.finish(bins) })
}

// eachLayer calls f on every trial's layer in turn; a trial whose call
// fails is dropped with those after it (fail).
func (b *batch) eachLayer(f func(*layer) error) error {
	for j := 0; j < len(b.layers); j++ {
		if err := f(b.layers[j]); err != nil {
			return b.fail(j, err)
		}
	}
	return nil
}
