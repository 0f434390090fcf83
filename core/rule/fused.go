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
// the new bin's potentials. teacher (the somatic target weights) may be nil.
// It fails if the staged update made a weight non-finite.
func (l *Learner) Advance(w []float64, tr *input.Traces, spikes []int, teacher []float64) (Potentials, error) {
	if len(w) != len(l.rates) {
		panic("rule: Advance: len(w) does not match the learner")
	}
	if teacher == nil {
		if l.noTeacher == nil {
			l.noTeacher = make([]float64, len(w))
		}
		teacher = l.noTeacher
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

// advanceTraces is Advance without a staged update.
func (l *Learner) advanceTraces(w []float64, tr *input.Traces, teacher []float64) Potentials {
	dm, ds, gain, _ := tr.Recursion()
	n := len(w)
	p, s, x, a, t := tr.P[:n], tr.S[:n], tr.X[:n], l.scale[:n], teacher[:n]
	var pot Potentials
	for i, wi := range w {
		pi, si := p[i]*dm, s[i]*ds
		xi := gain * (pi - si)
		p[i], s[i], x[i] = pi, si, xi
		pot.V += a[i] * wi * xi
		pot.SumX += xi
		pot.Teacher += t[i] * xi
	}
	return pot
}

// advanceEuclidean fuses applyEuclidean (Δw = e α ⊙ x) with the trace step.
func (l *Learner) advanceEuclidean(w []float64, tr *input.Traces, teacher []float64, e float64) (Potentials, error) {
	dm, ds, gain, _ := tr.Recursion()
	n := len(w)
	p, s, x, a, t := tr.P[:n], tr.S[:n], tr.X[:n], l.scale[:n], teacher[:n]
	var pot Potentials
	sum := 0.0
	for i := range w {
		ai := a[i]
		wi := w[i] + e*ai*x[i]
		w[i] = wi
		sum += wi
		pi, si := p[i]*dm, s[i]*ds
		xi := gain * (pi - si)
		p[i], s[i], x[i] = pi, si, xi
		pot.V += ai * wi * xi
		pot.SumX += xi
		pot.Teacher += t[i] * xi
	}
	return pot, finiteOr("weights", sum)
}

// advanceSomatic fuses applyLinear for somatic weights (α = 1, where the
// multiplications by α and 1/α are exact and dropped) with the trace step.
func (l *Learner) advanceSomatic(w []float64, tr *input.Traces, teacher []float64, st *Step) (Potentials, error) {
	dm, ds, gain, _ := tr.Recursion()
	g, gu, gw := l.cfg.Eta*st.Error*st.GammaS, st.GammaU, st.GammaW
	n := len(w)
	p, s, x, h, r, t := tr.P[:n], tr.S[:n], tr.X[:n], l.homGain[:n], l.rates[:n], teacher[:n]
	var pot Potentials
	sum, wr, w2r := 0.0, 0.0, 0.0
	for i := range w {
		wi := w[i] + g*(h[i]*x[i]-gu+gw*w[i])
		w[i] = wi
		sum += wi
		wr += wi * r[i]
		w2r += wi * wi * r[i]
		pi, si := p[i]*dm, s[i]*ds
		xi := gain * (pi - si)
		p[i], s[i], x[i] = pi, si, xi
		pot.V += wi * xi
		pot.SumX += xi
		pot.Teacher += t[i] * xi
	}
	l.sumWR, l.sumW2R, l.statsValid = wr, w2r, true
	return pot, finiteOr("weights", sum)
}

// advanceLinear fuses applyLinear (dendritic weights) with the trace step.
func (l *Learner) advanceLinear(w []float64, tr *input.Traces, teacher []float64, st *Step) (Potentials, error) {
	dm, ds, gain, _ := tr.Recursion()
	g, gu, gw := l.cfg.Eta*st.Error*st.GammaS, st.GammaU, st.GammaW
	n := len(w)
	p, s, x, h, r, t := tr.P[:n], tr.S[:n], tr.X[:n], l.homGain[:n], l.rates[:n], teacher[:n]
	a, ia := l.scale[:n], l.invScale[:n]
	var pot Potentials
	sum, wr, w2r := 0.0, 0.0, 0.0
	for i := range w {
		ai := a[i]
		wi := w[i] + g*(h[i]*x[i]-gu+gw*ai*w[i])*ia[i]
		w[i] = wi
		ws := ai * wi
		sum += wi
		wr += ws * r[i]
		w2r += ws * ws * r[i]
		pi, si := p[i]*dm, s[i]*ds
		xi := gain * (pi - si)
		p[i], s[i], x[i] = pi, si, xi
		pot.V += ws * xi
		pot.SumX += xi
		pot.Teacher += t[i] * xi
	}
	l.sumWR, l.sumW2R, l.statsValid = wr, w2r, true
	return pot, finiteOr("weights", sum)
}
