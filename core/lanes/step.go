package lanes

import (
	"fmt"
	"math"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// step runs bin k in every lane: the kernel (previous update, traces,
// potentials), the bin's input spikes, then each lane's scalars.
func (b *batch) step(k int) error {
	if b.ev != nil {
		return b.stepEvents(k)
	}
	b.kernel(&b.pass)
	if l, err := b.pass.checkWeights(b.active); err != nil {
		return b.diverged(l, k-1, err) // the previous bin's update
	}
	if err := b.addSpikes(k); err != nil {
		return err
	}
	for l := 0; l < b.active; l++ {
		if err := b.scalars(l, k); err != nil {
			return b.diverged(l, k, err)
		}
	}
	return nil
}

// flush applies the staged update (before a record) and checks it.
func (b *batch) flush(k int) error {
	if b.ev != nil {
		return nil // records read the lazy state (evLanes.weights)
	}
	flushUpdate(&b.pass)
	if l, err := b.pass.checkWeights(b.active); err != nil {
		return b.diverged(l, k, err)
	}
	return nil
}

// addSpikes adds bin k's input spikes of every lane to its traces, after
// the kernel has read x^ε of bin k (a spike shows in x^ε from the next bin).
func (b *batch) addSpikes(k int) error {
	return b.eachLaneSpikes(k, func(l int, spikes []int32) {
		for _, i := range spikes {
			blk := &b.pass.blocks[i]
			blk.p[l]++
			blk.s[l]++
		}
	})
}

// eachLaneSpikes hands bin k's input spikes of every active lane to add:
// the replayed ones (shared by all lanes), one draw for all lanes when
// they share a trial, or each lane's own draw.
func (b *batch) eachLaneSpikes(k int, add func(l int, spikes []int32)) error {
	if b.replay != nil {
		if err := b.replaySpikes(); err != nil {
			return err
		}
	}
	for l := 0; l < b.active; l++ {
		if b.replay == nil && (!b.shared || l == 0) {
			b.spikes = b.gen.Spikes(b.spikes, b.inputKey[l], uint64(k))
		}
		add(l, b.spikes)
		if b.observe != nil {
			b.observe(b.trials[l], k, b.spikes, -1)
		}
	}
	return nil
}

// replaySpikes sets b.spikes to the next bin of the replayed inputs.
func (b *batch) replaySpikes() error {
	var err error
	if b.replayed, err = b.replay.Next(b.replayed); err != nil {
		return err
	}
	b.spikes = b.spikes[:0]
	for _, i := range b.replayed {
		b.spikes = append(b.spikes, int32(i))
	}
	return nil
}

// teacherSpike returns lane l's teacher spike of bin k: the replayed one,
// or 1 if the uniform at position k of the teacher stream is below the
// spike probability, r* dt for the Poisson teacher and φ(V*) dt for the
// realizable one. φ(V*) is only evaluated when the uniform is below the
// bound b.teacherBound of φ dt: above it the spike is 0 whatever φ(V*) is.
func (b *batch) teacherSpike(l, k int, vt float64) float64 {
	t := &b.cfg.Teacher
	if t.Kind == learn.ReplayTeacher {
		return t.Spikes[k]
	}
	u := b.teachKey[l].Float64(uint64(k))
	if u >= b.teacherBound {
		return 0
	}
	if t.Kind == learn.PoissonTeacher || u < b.cfg.Transfer.Phi(vt)*b.cfg.Kernel.Dt {
		return 1
	}
	return 0
}

// setTeacherBound sets b.teacherBound: r* dt for the Poisson teacher (the
// spike probability itself); for the realizable one an upper bound of
// φ(V) dt for every V, φ_max dt for the sigmoid (Eqn 24: φ_max times a
// logistic ≤ 1, and rounding is monotonic), otherwise +Inf (no shortcut).
func (b *batch) setTeacherBound() {
	b.teacherBound = math.Inf(1)
	if b.cfg.Teacher.Kind == learn.PoissonTeacher {
		b.teacherBound = b.cfg.Teacher.Rate * b.cfg.Kernel.Dt
	} else if s, ok := b.cfg.Transfer.(neuron.Sigmoid); ok {
		b.teacherBound = s.PhiMax * b.cfg.Kernel.Dt
	}
}

// scalars computes lane l's step of bin k (rule.Learner's scalars: φ(V),
// the error factor, the coefficients when due and γ_u, γ_w) and stages its
// update in the pass.
func (b *batch) scalars(l, k int) error {
	p, c, rc := &b.pass, b.cfg, b.lanes[l].rule
	v := p.v[l]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("membrane potential V became %v", v)
	}
	if v > learn.MaxPotential || v < -learn.MaxPotential {
		return fmt.Errorf("membrane potential V = %.3g mV exceeds ±%g mV", v, learn.MaxPotential)
	}
	y := b.teacherSpike(l, k, p.vt[l])
	if b.observe != nil {
		b.observe(b.trials[l], k, nil, y)
	}
	st := rule.Step{V: v, SumX: p.sumX[l], Phi: c.Transfer.Phi(v)}
	st.Error = (y - st.Phi*c.Kernel.Dt) * c.Transfer.ScoreFactor(v) * b.lanes[l].score
	if c.TraceEvery > 0 && k%c.TraceEvery == 0 {
		b.res[l].Voltage[k/c.TraceEvery], b.res[l].Rate[k/c.TraceEvery] = v, st.Phi
	}
	if rc.Kind == rule.Euclidean {
		p.g[l] = rc.Eta * st.Error
		return nil
	}
	if err := b.refresh(l, k); err != nil {
		return err
	}
	co := &b.lanes[l].coeffs
	eps0 := c.Kernel.Eps0
	if rc.Kind == rule.Natural {
		p.gu[l], p.gw[l] = co.GammaU(st.SumX, v, b.cEps, eps0), co.GammaW(st.SumX, v, b.cEps, eps0)
	} else {
		p.gu[l], p.gw[l] = b.cEps*rc.CU, rc.CW*v
	}
	p.g[l] = rc.Eta * st.Error * co.GammaS
	return nil
}

// refresh recomputes lane l's Fisher coefficients when the rule's refresh
// schedule says so, from μ_V = ε0 Σ w r̂ and σ_V² = Σ w² r̂ / c_ε of the
// current weights (text after Eqn 79) — at bin 0 from W0.
func (b *batch) refresh(l, k int) error {
	if !refreshDue(b.lanes[l].rule.Refresh, k) {
		return nil
	}
	if k == 0 {
		mu, variance, _ := fisher.InputStatistics(b.cfg.Kernel, b.cfg.W0, b.rates)
		return b.coefficients(l, mu, variance)
	}
	return b.coefficients(l, b.cfg.Kernel.Eps0*b.pass.wr[l], b.pass.w2r[l]/b.cEps)
}

// refreshDue reports whether a rule with Config.Refresh = refresh
// recomputes its coefficients at bin k (rule.Learner's schedule: every
// bin, every refresh bins, or only at bin 0).
func refreshDue(refresh, k int) bool {
	return k == 0 || (refresh > 0 && k%refresh == 0)
}

// coefficients sets lane l's Fisher coefficients at μ_V = mu, σ_V² =
// variance: γ_s and g1–g4 for the natural rule, γ_s only for the
// approximate one; from the lane's cache when it has one, through
// Cache.InverseInto where it serves the point (as rule.Learner does).
func (b *batch) coefficients(l int, mu, variance float64) error {
	ln := &b.lanes[l]
	var err error
	switch {
	case ln.rule.Kind == rule.Approximate:
		var gs float64
		if ln.cache != nil {
			gs, err = ln.cache.GammaS(mu, variance)
		} else {
			gs, err = b.engine.GammaS(mu, variance)
		}
		ln.coeffs = fisher.Coefficients{Mu: mu, Var: variance, Q: b.q, GammaS: gs}
	case ln.cache != nil:
		var r fisher.Ratios // for the C's and I's, which no lane reads
		if !ln.cache.InverseInto(&ln.coeffs, &r, mu, variance, b.q, b.cfg.Kernel.Eps0) {
			err = ln.cache.CoefficientsInto(&ln.coeffs, mu, variance, b.q, b.cfg.Kernel.Eps0)
		}
	default:
		ln.coeffs, err = b.engine.Coefficients(mu, variance, b.q, b.cfg.Kernel.Eps0)
	}
	if err != nil {
		return fmt.Errorf("fisher coefficients at mu_V = %.6g mV, sigma_V^2 = %.6g mV^2: %w", mu, variance, err)
	}
	return nil
}
