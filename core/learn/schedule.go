package learn

import (
	"fmt"
	"slices"

	"github.com/natspike/natspike/core/counter"
	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/seed"
)

// validateReplayAndSchedule checks InputEvents and Schedule against the
// other fields (the events themselves are checked by input.NewEvents).
func (c Config) validateReplayAndSchedule() error {
	if c.InputEvents != nil && c.InputSpikes != nil {
		return fmt.Errorf("inputs: give input_events or input_spikes, not both")
	}
	if c.InputEvents != nil && c.InputPool.Size > 0 {
		return fmt.Errorf("input_pool_size and inputs cannot be combined: replayed input spikes take the place of the pool")
	}
	if c.Schedule.Segments() == 0 {
		return nil
	}
	if err := c.Schedule.Validate(len(c.Rates), c.Kernel.Dt); err != nil {
		return err
	}
	if !slices.Equal(c.Rates, c.Schedule.Segment(0)) {
		return fmt.Errorf("rates must equal the rate schedule's first segment")
	}
	if c.InputPool.Size > 0 {
		return fmt.Errorf("input_pool_size and a rate schedule cannot be combined: the pool's trains are drawn once at fixed rates")
	}
	if size := float64(c.Schedule.Segments()) * float64(c.TestSamples) * float64(len(c.Rates)); c.HasObjective() && size > maxScheduleTestValues {
		return fmt.Errorf("rates (rate schedule): %d segments x test_samples x n = %.3g test-set values (one test set per segment), "+
			"more than the supported 2^28; use fewer segments or a smaller test_samples", c.Schedule.Segments(), size)
	}
	return nil
}

// maxScheduleTestValues bounds the test sets of a rate schedule's segments (8 bytes each).
const maxScheduleTestValues = 1 << 28

// replaySource returns the source of replayed inputs, or nil.
func (c Config) replaySource() (input.Source, error) {
	switch {
	case c.InputEvents != nil:
		return input.NewEvents(c.InputEvents, len(c.Rates), c.Bins())
	case c.InputSpikes != nil:
		return input.NewReplay(c.InputSpikes, len(c.Rates))
	}
	return nil, nil
}

// nextSegment switches the layer's inputs and every neuron's rule to the
// schedule's next segment when it starts at bin k: a staged update is
// applied with the old rates first; Poisson inputs draw bins ≥ k with the
// new rates and redraw nothing (a bin's spikes depend only on the stream,
// the bin and its rates). A segment with the same rates as the previous one
// changes nothing, so splitting a segment leaves the numbers as they are.
func (l *layer) nextSegment(k int) error {
	if k != l.nextSwitch {
		return nil
	}
	return l.switchSegment(k)
}

// segmentStart returns the first bin of the schedule's segment j, or -1
// if the schedule has no segment j.
func (l *layer) segmentStart(j int) int {
	if starts := l.cfg.Schedule.Starts; j < len(starts) {
		return starts[j]
	}
	return -1
}

// switchSegment moves the layer to the schedule's next segment at bin k.
func (l *layer) switchSegment(k int) error {
	s := &l.cfg.Schedule
	l.segment++
	l.nextSwitch = l.segmentStart(l.segment + 1)
	rates := s.Segment(l.segment)
	if slices.Equal(rates, s.Segment(l.segment-1)) {
		return nil
	}
	for j, t := range l.neurons {
		if err := t.setRates(rates); err != nil {
			return l.named(j, t.diverged(k, err))
		}
	}
	if p, ok := l.src.(*counter.Source); ok {
		return p.SetRates(rates, l.cfg.Kernel.Dt)
	}
	return nil
}

// setRates applies the staged update with the old rates, then gives the
// rule the new ones.
func (t *trial) setRates(rates []float64) error {
	if err := t.flush(); err != nil {
		return lateWeights{err}
	}
	if t.events != nil {
		return t.events.SetRates(rates)
	}
	t.learner.SetRates(rates)
	return nil
}

// objective returns the objective of the segment in force at record j.
func (t *trial) objective(j int) *Objective {
	s := t.cfg.Schedule
	if s.Segments() < 2 || j == 0 {
		return t.objs[0]
	}
	last := j*t.cfg.recordStride() - 1 // the record follows this bin
	seg, _ := slices.BinarySearch(s.Starts, last+1)
	return t.objs[seg-1]
}

// testSets draws one test set per schedule segment (one without a
// schedule; none without objective), in segment order from the trial's
// test-set stream, so that segment 0's equals the constant-rate one; a
// segment with the previous segment's rates shares its test set (nil entry).
// Every neuron of a layer evaluates its objective on the same test sets.
func (c Config) testSets() ([][]float64, error) {
	if !c.HasObjective() {
		return nil, nil
	}
	n := len(c.Rates)
	rng := seed.Stream(c.Seed, c.Trial, seed.TestSet)
	sets := make([][]float64, max(c.Schedule.Segments(), 1))
	for j := range sets {
		rates := c.Rates
		if c.Schedule.Segments() > 0 {
			rates = c.Schedule.Segment(j)
		}
		if j > 0 && slices.Equal(rates, c.Schedule.Segment(j-1)) {
			continue
		}
		sets[j] = make([]float64, c.TestSamples*n)
		if err := input.SampleUSPs(sets[j], c.Kernel, rates, c.TestBins, rng); err != nil {
			return nil, err
		}
	}
	return sets, nil
}

// prepareObjectives builds the neuron's objective on every test set.
func (t *trial) prepareObjectives(sets [][]float64) error {
	for j, samples := range sets {
		if samples == nil {
			t.objs = append(t.objs, t.objs[j-1])
			continue
		}
		o, err := NewObjective(t.cfg.Transfer, t.cfg.Kernel.Dt, samples, len(t.cfg.Rates), t.teacherRate)
		if err != nil {
			return err
		}
		t.objs = append(t.objs, o)
	}
	return nil
}
