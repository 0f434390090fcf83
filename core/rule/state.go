package rule

import (
	"errors"
	"fmt"
	"math"

	"github.com/natspike/natspike/core/fisher"
)

// LearnerState is what a Learner carries from one bin to the next besides
// the weights: the bin counter (the refresh schedule), the current Fisher
// coefficients, the running sums of the weights and the coefficient cache.
// A learner whose update is staged (Stage without Advance or Flush) has no
// state to save: flush it first.
type LearnerState struct {
	Bin           int
	Coefficients  fisher.Coefficients
	SumWR, SumW2R float64
	StatsValid    bool
}

// State returns the learner's state; ok is false while an update is staged.
func (l *Learner) State() (s LearnerState, ok bool) {
	return LearnerState{Bin: l.bin, Coefficients: *l.coefficients(), SumWR: l.sumWR, SumW2R: l.sumW2R, StatsValid: l.statsValid},
		l.staged == nil
}

// SetState restores a state returned by State of a learner with the same
// configuration.
func (l *Learner) SetState(s LearnerState) {
	l.bin, l.coeffs, l.sumWR, l.sumW2R, l.statsValid = s.Bin, s.Coefficients, s.SumWR, s.SumW2R, s.StatsValid
	l.staged, l.partial = nil, false
}

// Cache returns the learner's coefficient cache, or nil (exact quadrature).
func (l *Learner) Cache() *fisher.Cache { return l.cache }

// EventState is the whole lazy state of Events: per afferent the anchors
// ζ, p̂, ŝ (the Events' own slices), the number of epochs completed (which
// schedules the recomputation of the sums) and EventScalarWords scalars:
// the bins since the epoch start, the epoch factors, the roundoff bound and
// the running sums.
type EventState struct {
	Zeta, P, S []float64
	Epochs     int
	Scalars    []float64
}

// EventScalarWords is the length of EventState.Scalars.
const EventScalarWords = 20

// State returns the event-driven state, at any bin.
func (e *Events) State() EventState {
	s := &e.sums
	return EventState{Zeta: e.zeta, P: e.p, S: e.s, Epochs: e.epochs, Scalars: []float64{float64(e.epoch),
		e.dk, e.ek, e.mk, e.bk, e.phiF, e.phiG, e.absG, e.absGLimit,
		s.sp, s.ss, s.up, s.us, s.tp, s.ts, s.qpp, s.qps, s.qss, s.r1, s.r2}}
}

// Restore sets a state returned by State of Events of the same learner
// configuration: the next Update continues exactly as it would have.
func (e *Events) Restore(st EventState) error {
	if len(st.Zeta) != len(e.zeta) || len(st.P) != len(e.p) || len(st.S) != len(e.s) || len(st.Scalars) != EventScalarWords {
		return errors.New("event-driven state of another size")
	}
	copy(e.zeta, st.Zeta)
	copy(e.p, st.P)
	copy(e.s, st.S)
	e.epochs = st.Epochs
	x, s := st.Scalars, &e.sums
	e.epoch = int(x[0])
	e.dk, e.ek, e.mk, e.bk, e.phiF, e.phiG, e.absG, e.absGLimit = x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8]
	s.sp, s.ss, s.up, s.us, s.tp, s.ts, s.qpp, s.qps, s.qss, s.r1, s.r2 = x[9], x[10], x[11], x[12], x[13], x[14], x[15], x[16], x[17], x[18], x[19]
	if e.epoch < 0 || e.epoch >= maxEventEpoch {
		return fmt.Errorf("event-driven state: epoch of %d bins outside [0, %d)", e.epoch, maxEventEpoch)
	}
	if !e.natural && (e.mk != 1 || e.bk != 0 || math.Signbit(e.bk)) { // the Euclidean paths rely on them
		return fmt.Errorf("event-driven state: epoch factors M = %g, B = %g of the Euclidean rule, not 1 and +0", e.mk, e.bk)
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	return finiteOr("event-driven state", sum)
}
