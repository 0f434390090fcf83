package rule

import "github.com/natspike/natspike/core/fisher"

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
	return LearnerState{Bin: l.bin, Coefficients: l.coeffs, SumWR: l.sumWR, SumW2R: l.sumW2R, StatsValid: l.statsValid},
		l.staged == nil
}

// SetState restores a state returned by State of a learner with the same
// configuration.
func (l *Learner) SetState(s LearnerState) {
	l.bin, l.coeffs, l.sumWR, l.sumW2R, l.statsValid = s.Bin, s.Coefficients, s.SumWR, s.SumW2R, s.StatsValid
	l.staged = nil
}

// Cache returns the learner's coefficient cache, or nil (exact quadrature).
func (l *Learner) Cache() *fisher.Cache { return l.cache }

// EventState is the lazy per-afferent state of Events just after a
// materialisation (Weights): somatic weights, both traces and the number
// of epochs completed (which schedules the recomputation of the sums).
type EventState struct {
	U, P, S []float64
	Epochs  int
}

// State returns the event-driven state; call it right after Weights, when
// the anchors are materialised (the slices are the Events' own).
func (e *Events) State() EventState { return EventState{U: e.zeta, P: e.p, S: e.s, Epochs: e.epochs} }

// Restore sets a state returned by State of Events of the same learner
// configuration and recomputes the running sums from it, exactly as the
// materialisation that preceded State did.
func (e *Events) Restore(s EventState) error {
	copy(e.zeta, s.U)
	copy(e.p, s.P)
	copy(e.s, s.S)
	e.epochs = s.Epochs
	e.dk, e.ek, e.mk, e.bk, e.phiF, e.phiG = 1, 1, 1, 0, 0, 0
	return e.renormalise()
}
