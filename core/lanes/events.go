package lanes

import (
	"fmt"
	"math"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// evState is what the event-driven stages (evKernel) read and write: the
// scalars of rule.Events for every lane, one [Width] array per quantity.
type evState struct {
	// running sums over the decayed traces before the bin's spikes
	sp, ss, up, us, tp, ts, qpp, qps, qss, r1, r2 [Width]float64
	// epoch factors D, E, M, B, ΦF, ΦG and the roundoff bound with its limit
	dk, ek, mk, bk, phiF, phiG, absG, absGLimit [Width]float64
	// the bin's V, Σx, V* (potentials stage)
	v, sumX, vt [Width]float64
	// set per lane before the factors stage: φ(V), φ'(V)/φ(V), the
	// teacher spike and the coefficients γ_s, g1–g4
	phi, score, y, gs, g1, g2, g3, g4 [Width]float64
	// the bin's factors A, H, U (factors stage)
	a, h, u [Width]float64
	// the bin's spike corrections (per lane, before the advance stage)
	cnt, su, st, spp, sps, sss [Width]float64
	// per-lane rule constants: η, the score scale, whether the rule is
	// natural or approximate (1) or Euclidean (0), approximate (1) or not,
	// and the approximate rule's γ_u = c_ε c_u and c_w
	eta, scoreScale, natural, approx, cu, cw [Width]float64
	// shared constants: trace gain and decays, dt, c_ε, c_ε ε0, −c_ε ε0, Σ r̂
	c, dm, ds, dt, cEps, ce0, nce0, rateSum float64
}

// evKernel is one implementation (generic or SIMD) of the three per-bin
// stages that run for all lanes together.
type evKernel struct {
	name       string
	potentials func(*evState) // V, Σx, V*
	factors    func(*evState) // error factor, γ_u, γ_w, A, H, U, the epoch's M, B, ΦF, ΦG
	advance    func(*evState) // the running sums to the next bin, the decays
}

// evLanes is the event-driven form of a batch (rule.Events for every
// lane): lazy per-afferent state per lane, the shared scalars in st.
type evLanes struct {
	st             evState
	kernel         evKernel
	zeta, p, s     [Width][]float64
	b              [Width][]float64 // homosynaptic gains b_i per lane: c_ε/r̂ or ones
	maxB           [Width]float64
	epoch, epochs  [Width]int
	rates, target  []float64       // r̂; the somatic teacher weights or nil
	sigmoid        *neuron.Sigmoid // the transfer, when it is the sigmoid: φ and φ'/φ by one call
	transfer       neuron.Transfer
	spikes         []int32
	ones, homGains []float64
}

// newEvLanes prepares the event-driven form of b's lanes at the initial
// weights W0 (rule.Learner.NewEvents for every lane).
func (b *batch) newEvLanes() error {
	c, n := b.cfg, len(b.cfg.Rates)
	e := &evLanes{kernel: selectEvKernel(), rates: b.rates, transfer: c.Transfer}
	b.ev = e
	if c.Teacher.Kind == learn.Realizable {
		e.target = c.Teacher.Weights
	}
	st := &e.st
	st.dm, st.ds = c.Kernel.Decays()
	st.c, st.dt, st.cEps = c.Kernel.TraceGain(), c.Kernel.Dt, b.cEps
	st.ce0, st.nce0 = b.cEps*c.Kernel.Eps0, -b.cEps*c.Kernel.Eps0
	if s, ok := c.Transfer.(neuron.Sigmoid); ok {
		e.sigmoid = &s
	}
	e.ones, e.homGains = make([]float64, n), make([]float64, n)
	for i, r := range b.rates {
		e.ones[i], e.homGains[i] = 1, b.cEps/r
		st.rateSum += r
	}
	for l := range Width {
		e.setLane(b, l, n)
		if err := e.renormalise(l); err != nil {
			return b.diverged(l, 0, err)
		}
	}
	return nil
}

// setLane sets lane l's rule constants, gains and initial weights (W0 in
// active lanes, zero elsewhere).
func (e *evLanes) setLane(b *batch, l, n int) {
	st := &e.st
	e.zeta[l], e.p[l], e.s[l] = make([]float64, n), make([]float64, n), make([]float64, n)
	e.b[l] = e.ones
	st.dk[l], st.ek[l], st.mk[l] = 1, 1, 1
	if l >= b.active {
		return
	}
	ln := &b.lanes[l]
	st.eta[l], st.scoreScale[l] = ln.rule.Eta, ln.score
	if ln.rule.Kind != rule.Euclidean {
		e.b[l], st.natural[l] = e.homGains, 1
	}
	if ln.rule.Kind == rule.Approximate {
		st.approx[l], st.cu[l], st.cw[l] = 1, b.cEps*ln.rule.CU, ln.rule.CW
	}
	for i, w := range b.cfg.W0 {
		e.maxB[l] = max(e.maxB[l], e.b[l][i])
		e.zeta[l][i] = 1 * w // somatic: u = α w with α = 1
	}
}

// stepEvents runs bin k in every lane in the order of rule.Events.Update
// (learn.Run's event-driven loop): potentials and φ for all lanes, each
// lane's teacher spike and coefficients, the factors for all lanes, each
// lane's input spikes settled lazily, the running sums for all lanes and
// each lane's epoch end when due.
func (b *batch) stepEvents(k int) error {
	e := b.ev
	st := &e.st
	e.kernel.potentials(st)
	for l := 0; l < b.active; l++ {
		if err := b.laneScalars(l, k); err != nil {
			return b.diverged(l, k, err)
		}
	}
	e.kernel.factors(st)
	for l := 0; l < b.active; l++ {
		if !(st.a[l] > 0.5 && st.a[l] < 2) {
			return b.diverged(l, k, fmt.Errorf("weight factor 1 + g*gamma_w = %.3g outside (0.5, 2), beyond the event-driven mode's range", st.a[l]))
		}
	}
	if err := b.settleSpikes(k); err != nil {
		return err
	}
	e.kernel.advance(st)
	for l := 0; l < b.active; l++ {
		if err := e.nextBin(l); err != nil {
			return b.diverged(l, k, err)
		}
		if v := st.v[l]; v > learn.MaxPotential || v < -learn.MaxPotential {
			return b.diverged(l, k, fmt.Errorf("membrane potential V = %.3g mV exceeds ±%g mV", v, learn.MaxPotential))
		}
	}
	return nil
}

// laneScalars does lane l's scalar part of bin k before the factors stage:
// checks V, draws the teacher's spike, records the traces and refreshes
// the coefficients when due (from μ_V = ε0 Σ r̂ u, σ_V² = Σ r̂ u² / c_ε).
func (b *batch) laneScalars(l, k int) error {
	e := b.ev
	st := &e.st
	v := st.v[l]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("membrane potential V became %v", v)
	}
	st.phi[l], st.score[l] = e.rateAndScore(v)
	st.y[l] = b.teacherSpike(l, k, st.vt[l])
	if b.observe != nil {
		b.observe(b.trials[l], k, nil, st.y[l])
	}
	if every := b.cfg.TraceEvery; every > 0 && k%every == 0 {
		b.res[l].Voltage[k/every], b.res[l].Rate[k/every] = v, st.phi[l]
	}
	ln := &b.lanes[l]
	if ln.rule.Kind == rule.Euclidean || !refreshDue(ln.rule.Refresh, k) {
		return nil
	}
	if err := b.coefficients(l, b.cfg.Kernel.Eps0*st.r1[l], st.r2[l]/b.cEps); err != nil {
		return err
	}
	co := &ln.coeffs
	st.gs[l], st.g1[l], st.g2[l], st.g3[l], st.g4[l] = co.GammaS, co.G1, co.G2, co.G3, co.G4
	return nil
}

// rateAndScore returns φ(V) and φ'(V)/φ(V) as rule.Learner computes
// them (one vmath.Exp for the sigmoid): the lanes then stay bit-identical to
// learn.Run. (A vectorized polynomial exponential differs from vmath.Exp in
// the last bit or two, and the lazy weights amplify such a difference in H
// by up to rule.EventTol/ε ≈ 5000: measured 2.7e−12 of the weight change.)
func (e *evLanes) rateAndScore(v float64) (phi, score float64) {
	if e.sigmoid != nil {
		return e.sigmoid.PhiAndScore(v)
	}
	return e.transfer.Phi(v), e.transfer.ScoreFactor(v)
}

// settleSpikes draws (or replays) bin k's input spikes of every lane and
// settles the spiking afferents' lazy state (rule.Events.spikes).
func (b *batch) settleSpikes(k int) error { return b.eachLaneSpikes(k, b.ev.settle) }

// settle settles lane l's spiking afferents after the bin's update,
// collects their corrections to the running sums and moves their anchors
// by the new spike, in rule.Events.spikes' operations.
func (e *evLanes) settle(l int, spikes []int32) {
	st := &e.st
	st.cnt[l] = float64(len(spikes))
	st.su[l], st.st[l], st.spp[l], st.sps[l], st.sss[l] = 0, 0, 0, 0, 0
	if len(spikes) == 0 {
		return
	}
	dk, ek := st.dk[l], st.ek[l]
	dp, ds := 1/dk, 1/ek
	c, mk, bk, phiF, phiG := st.c, st.mk[l], st.bk[l], st.phiF[l], st.phiG[l]
	shift := dp*phiF - ds*phiG
	zeta := e.zeta[l]
	p, s, b := e.p[l][:len(zeta)], e.s[l][:len(zeta)], e.b[l][:len(zeta)]
	var su, pp, ps, ss float64
	for _, i := range spikes {
		bi := b[i]
		cb := c * bi
		pi, si := p[i], s[i]
		su += mk * (zeta[i] + cb*(pi*phiF-si*phiG) - bk)
		P, S := dk*pi, ek*si
		pp += bi * (2*P + 1)
		ps += bi * (P + S + 1)
		ss += bi * (2*S + 1)
		zeta[i] -= cb * shift
		p[i], s[i] = pi+dp, si+ds
	}
	st.su[l], st.spp[l], st.sps[l], st.sss[l] = su, pp, ps, ss
	if e.target != nil {
		var t float64
		for _, i := range spikes {
			t += e.target[i]
		}
		st.st[l] = t
	}
}

// nextBin counts lane l's bin in its epoch and ends the epoch when due
// (rule.Events.nextBin; the advance stage has decayed D and E).
func (e *evLanes) nextBin(l int) error {
	st := &e.st
	if e.epoch[l]++; e.epoch[l] != rule.MaxEventEpoch && !(st.absG[l] > st.absGLimit[l]*st.ek[l]) {
		return nil
	}
	e.epochs[l]++
	if e.epochs[l]%rule.EventSumsRefresh == 0 {
		return e.renormalise(l)
	}
	return e.reanchor(l)
}

// reanchor materialises lane l's weights and traces and restarts its
// epoch, keeping the running sums.
func (e *evLanes) reanchor(l int) error {
	st := &e.st
	zeta, p, s := e.zeta[l], e.p[l], e.s[l]
	for i := range zeta {
		u := e.weight(l, i)
		P, S := st.dk[l]*p[i], st.ek[l]*s[i]
		if S < 1e-200 { // a long-silent fast trace; keeps clear of subnormals
			S = 0
		}
		zeta[i], p[i], s[i] = u, P, S
	}
	e.restartEpoch(l)
	return finite(st.r2[l] + st.up[l])
}

// renormalise materialises lane l's weights and traces, restarts its epoch
// and recomputes its running sums from scratch.
func (e *evLanes) renormalise(l int) error {
	st := &e.st
	var sp, ss, up, us, tp, ts, qpp, qps, qss, r1, r2 float64
	zeta, p, s, b := e.zeta[l], e.p[l], e.s[l], e.b[l]
	for i := range zeta {
		u := e.weight(l, i)
		P, S := st.dk[l]*p[i], st.ek[l]*s[i]
		if S < 1e-200 {
			S = 0
		}
		if P < 1e-200 {
			P = 0
		}
		zeta[i], p[i], s[i] = u, P, S
		sp += P
		ss += S
		up += u * P
		us += u * S
		if e.target != nil {
			tp += e.target[i] * P
			ts += e.target[i] * S
		}
		qpp += b[i] * P * P
		qps += b[i] * P * S
		qss += b[i] * S * S
		r1 += e.rates[i] * u
		r2 += e.rates[i] * u * u
	}
	st.sp[l], st.ss[l], st.up[l], st.us[l], st.tp[l], st.ts[l] = sp, ss, up, us, tp, ts
	st.qpp[l], st.qps[l], st.qss[l], st.r1[l], st.r2[l] = qpp, qps, qss, r1, r2
	e.restartEpoch(l)
	return finite(r2 + up)
}

func (e *evLanes) restartEpoch(l int) {
	st := &e.st
	st.dk[l], st.ek[l], st.mk[l], st.bk[l], st.phiF[l], st.phiG[l], st.absG[l] = 1, 1, 1, 0, 0, 0, 0
	e.epoch[l] = 0
	rms := math.Sqrt(st.r2[l] / st.rateSum)
	st.absGLimit[l] = rule.EventTol * rms / (4 * 0x1p-52 * st.c * e.maxB[l])
}

// weight is lane l's current somatic weight u_i of the lazy state.
func (e *evLanes) weight(l, i int) float64 {
	st := &e.st
	return st.mk[l] * (e.zeta[l][i] + st.c*e.b[l][i]*(e.p[l][i]*st.phiF[l]-e.s[l][i]*st.phiG[l]) - st.bk[l])
}

// weights writes lane l's current weights into dst without touching the
// lazy state (rule.Events.Weights).
func (e *evLanes) weights(dst []float64, l int) {
	for i := range dst {
		dst[i] = e.weight(l, i) * 1 // somatic: w = u / α with 1/α = 1
	}
}

// finite reports a non-finite sum of the weights' running sums.
func finite(sum float64) error {
	if math.IsNaN(sum) || math.IsInf(sum, 0) {
		return fmt.Errorf("weights became %v", sum)
	}
	return nil
}
