package rule

import (
	"github.com/natspike/natspike/core/input"
)

// Potentials are the sums over afferents that a bin needs, gathered while
// the USP traces advance: V = Σ f(w) x, Σ x and the teacher's Σ w* x.
type Potentials struct {
	V, SumX, Teacher float64
}

// Pipelined reports whether Advance, Stage and Flush can drive this learner
// with traces tr: a linear parametrization (somatic or dendritic) and the
// two-exponential kernel. Otherwise use Update.
//
// The pipelined form does in one pass over the afferents what Update and
// Traces.Step do in four (trace step, teacher and student potentials,
// weight update): the update of bin k is applied in the same loop that
// advances the traces to bin k+1. Each weight, trace and sum sees the same
// floating-point operations in the same order, so the results are
// bit-identical to Traces.Step followed by Update.
func (l *Learner) Pipelined(tr *input.Traces) bool {
	_, _, _, alpha := tr.Recursion()
	return l.scale != nil && !alpha && len(tr.P) == len(l.rates)
}

// Advance applies the staged update of the previous bin (if any) to w,
// advances the traces by one bin with the given input spikes, and returns
// the new bin's potentials. teacher (the somatic target weights) may be nil:
// then the pass does not form w*·x and Potentials.Teacher is 0 (a caller
// that needs w*·x only in some bins forms it with LaneDot from tr.X).
// It fails if the staged update made a weight non-finite.
func (l *Learner) Advance(w []float64, tr *input.Traces, spikes []int, teacher []float64) (Potentials, error) {
	if len(w) != len(l.rates) {
		panic("rule: Advance: len(w) does not match the learner")
	}
	var pot Potentials
	var err error
	switch st := l.staged; {
	case st == nil:
		pot = l.advanceTraces(w, tr, teacher)
	case !l.rule.natural:
		pot, err = l.advanceEuclidean(w, tr, teacher, l.cfg.Eta*st.Error)
	case l.somatic:
		pot, err = l.advanceSomatic(w, tr, teacher, st)
	default:
		pot, err = l.advanceLinear(w, tr, teacher, st)
	}
	l.staged = nil
	tr.AddSpikes(spikes)
	return pot, err
}

// Stage computes the scalars of the current bin from its potentials and
// teacher spike y, like Update, and keeps the update for the next Advance
// or Flush; w must be the weights Advance returned the potentials for.
func (l *Learner) Stage(w []float64, pot Potentials, y float64) (Step, error) {
	st, err := l.scalars(w, Step{V: pot.V, SumX: pot.SumX}, y)
	if err != nil {
		return st, err
	}
	l.stagedStep = st
	l.staged = &l.stagedStep
	l.bin++
	return st, nil
}

// Flush applies a staged update to w now (before w is read), with x the
// USPs of the staged bin.
func (l *Learner) Flush(w, x []float64) error {
	if l.staged == nil {
		return nil
	}
	st := *l.staged
	l.staged = nil
	return finiteOr("weights", l.apply(w, x, st))
}

// densePass returns the pass over the afferents of w with traces tr and
// teacher weights t (nil: none), the update's factors g, γ_u, γ_w.
func (l *Learner) densePass(w []float64, tr *input.Traces, t []float64, g, gu, gw float64) densePass {
	dm, ds, gain, _ := tr.Recursion()
	n := len(w)
	teacher := t != nil
	if !teacher { // zeros for the generic kernel, which sums over t regardless
		if l.noTeacher == nil {
			l.noTeacher = make([]float64, n)
		}
		t = l.noTeacher
	}
	d := densePass{w: w, p: tr.P[:n], s: tr.S[:n], x: tr.X[:n], t: t[:n], a: l.scale[:n], c: [6]float64{dm, ds, gain, g, gu, gw}, teacher: teacher}
	if l.rule.natural {
		d.ia, d.h, d.r = l.invScale[:n], l.homGain[:n], l.rates[:n]
	}
	return d
}

// result returns the bin's potentials from the pass's sums (Teacher 0
// without a teacher).
func (d *densePass) result() Potentials {
	pot := Potentials{V: d.total(sumV), SumX: d.total(sumX)}
	if d.teacher {
		pot.Teacher = d.total(sumT)
	}
	return pot
}

// advanceTraces is Advance without a staged update.
func (l *Learner) advanceTraces(w []float64, tr *input.Traces, teacher []float64) Potentials {
	d := l.densePass(w, tr, teacher, 0, 0, 0)
	d.run(selectedDense, densePotentials)
	return d.result()
}

// advanceEuclidean fuses applyEuclidean (Δw = e α ⊙ x) with the trace step.
func (l *Learner) advanceEuclidean(w []float64, tr *input.Traces, teacher []float64, e float64) (Potentials, error) {
	d := l.densePass(w, tr, teacher, e, 0, 0)
	d.run(selectedDense, denseEuclidean)
	return d.result(), finiteOr("weights", d.total(sumW))
}

// advanceSomatic fuses applyLinear for somatic weights (α = 1, where the
// multiplications by α and 1/α are exact and dropped) with the trace step.
func (l *Learner) advanceSomatic(w []float64, tr *input.Traces, teacher []float64, st *Step) (Potentials, error) {
	return l.advanceNatural(w, tr, teacher, st, denseSomatic)
}

// advanceLinear fuses applyLinear (dendritic weights) with the trace step.
func (l *Learner) advanceLinear(w []float64, tr *input.Traces, teacher []float64, st *Step) (Potentials, error) {
	return l.advanceNatural(w, tr, teacher, st, denseLinear)
}

// advanceNatural runs the natural rules' pass of form f and keeps the
// sums Σ r̂ f(w), Σ r̂ f(w)² of the new weights for the next bin.
func (l *Learner) advanceNatural(w []float64, tr *input.Traces, teacher []float64, st *Step, f denseForm) (Potentials, error) {
	d := l.densePass(w, tr, teacher, l.cfg.Eta*st.Error*st.GammaS, st.GammaU, st.GammaW)
	d.run(selectedDense, f)
	l.sumWR, l.sumW2R, l.statsValid = d.total(sumWR), d.total(sumW2R), true
	return d.result(), finiteOr("weights", d.total(sumW))
}
