package learn

import (
	"fmt"
	"slices"

	"github.com/natspike/natspike/core/input"
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
func (t *trial) replaySource() (input.Source, error) {
	switch {
	case t.cfg.InputEvents != nil:
		return input.NewEvents(t.cfg.InputEvents, len(t.cfg.Rates), t.cfg.Bins())
	case t.cfg.InputSpikes != nil:
		return input.NewReplay(t.cfg.InputSpikes, len(t.cfg.Rates))
	}
	return nil, nil
}

// nextSegment switches inputs, rule and objective to the schedule's next
// segment when it starts at bin k: a staged update is applied with the old
// rates first; Poisson inputs redraw their pending spikes from bin k. A
// segment with the same rates as the previous one changes nothing, so
// splitting a segment leaves the numbers as they are.
func (t *trial) nextSegment(k int) error {
	s := t.cfg.Schedule
	if t.segment+1 >= s.Segments() || s.Starts[t.segment+1] != k {
		return nil
	}
	t.segment++
	if slices.Equal(s.Segment(t.segment), s.Segment(t.segment-1)) {
		return nil
	}
	if err := t.flush(); err != nil {
		return lateWeights{err}
	}
	rates := s.Segment(t.segment)
	if p, ok := t.src.(*input.Poisson); ok {
		if err := p.SetRates(rates, t.cfg.Kernel.Dt); err != nil {
			return err
		}
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

// prepareObjectives draws one test set per schedule segment (one without
// a schedule), in segment order from the trial's test-set stream, so that
// segment 0's equals the constant-rate one; a segment with the previous
// segment's rates shares its test set.
func (t *trial) prepareObjectives() error {
	n := len(t.cfg.Rates)
	rng := t.testSetStream()
	segments := max(t.cfg.Schedule.Segments(), 1)
	for j := 0; j < segments; j++ {
		rates := t.cfg.Rates
		if t.cfg.Schedule.Segments() > 0 {
			rates = t.cfg.Schedule.Segment(j)
		}
		if j > 0 && slices.Equal(rates, t.cfg.Schedule.Segment(j-1)) {
			t.objs = append(t.objs, t.objs[j-1])
			continue
		}
		samples := make([]float64, t.cfg.TestSamples*n)
		if err := input.SampleUSPs(samples, t.cfg.Kernel, rates, t.cfg.TestBins, rng); err != nil {
			return err
		}
		t.objs = append(t.objs, NewObjective(t.cfg.Transfer, t.cfg.Kernel.Dt, samples, n, t.teacherRate))
	}
	return nil
}
