package rule

import (
	"errors"
	"fmt"
	"math"
)

// Events runs a Learner in event-driven form: O(1) work per bin plus O(1)
// per input spike, instead of O(n) per bin, with the same mathematics.
//
// In somatic units u = f(w) every rule's update is
//
//	u_i ← A u_i + H b_i x_i − U,  x_i = c (P_i − S_i),
//
// with scalars A, H, U shared by all synapses (natural and approximate:
// A = 1 + g γ_w, H = g, U = g γ_u, g = η e γ_s, b_i = c_ε/r̂_i; Euclidean:
// A = 1, H = η e, U = 0, b_i = α_i²) and traces P, S that decay by
// e^{−dt/τ_m}, e^{−dt/τ_s} per bin and jump only at input spikes.
//
// Per-afferent state is kept lazily relative to an epoch start k0: traces
// P_i(k) = D_k p̂_i, S_i(k) = E_k ŝ_i with D_k = e^{−(k−k0)dt/τ_m},
// E_k = e^{−(k−k0)dt/τ_s}, and weights u_i(k) = M_k (z_i(k) − B_k) with
// M_k = Π A, B_k = Σ U/M and z_i(k) = ζ_i + c b_i (p̂_i ΦF_k − ŝ_i ΦG_k),
// where ΦF, ΦG are prefix sums of H D/M and H E/M. p̂, ŝ and ζ change only
// at the afferent's spikes.
//
// V = c(Σ u P − Σ u S), Σ x, the teacher's Σ w* x and the voltage moments
// Σ r̂ u, Σ r̂ u² are running sums in physical units, advanced each bin by
// exact recursions that need only Σ b P², Σ b P S, Σ b S² besides them and
// corrections for the bin's spikes. At the end of an epoch all weights are
// materialised, the anchors reset and the sums recomputed from scratch, which
// bounds rounding: the fast trace's anchor ŝ grows like e^{(k−k0)dt/τ_s} and
// the lazy weights lose about log10(e)·(k−k0)·dt/τ_s digits to cancellation,
// so an epoch ends before that loss reaches eventTol (see below).
// Epochs end on this schedule only (and at a change of rates), never
// because weights are read: Weights computes them from the lazy state, so
// the numbers do not depend on what is recorded, nor on where a trial is
// split into parts (State, Restore).
//
// For the Euclidean rule M and B stay exactly 1 and +0, so its paths skip
// the products and sums with them (and with unit gains b_i = 1, somatic
// weights, the products with b_i), and the voltage moments, which it does
// not use (the same numbers bit for bit; Restore refuses other M, B).
//
// Results agree with the dense per-bin evaluation up to rounding (tests
// check trajectories to 1e-9 relative); requires a linear parametrization
// and the two-exponential kernel (τ_m ≠ τ_s).
type Events struct {
	l          *Learner
	natural    bool // the rule is natural or approximate (a copy of the learner's)
	unitGains  bool // the Euclidean rule with every b_i = α_i² exactly 1 (somatic weights)
	c, dm, ds  float64
	b, target  []float64 // homosynaptic gains b_i; somatic teacher weights or nil
	spikeW     []float64 // the teacher weights, zeros without them (the spikes' Σ w*_i is then +0)
	zeta, p, s []float64
	epoch      int // bins since the epoch start
	// epoch factors D, E, M, B and prefix sums ΦF, ΦG
	dk, ek, mk, bk, phiF, phiG float64
	// the running sums' constant factors dm², dm ds, ds² and c_ε c² (applyNatural)
	dmm, dms, dss, cecc float64
	// roundoff bound: Σ |H| E/M over the epoch, and its limit
	absG, absGLimit float64
	epochs          int // epochs completed
	sums            eventSums
	rateSum, maxB   float64 // Σ r̂, max b_i
	step            Step    // the scalars of the last Update
}

// eventSums are the physical running sums at the current bin, over the
// decayed traces before the bin's spikes.
type eventSums struct {
	sp, ss        float64 // Σ P, Σ S
	up, us        float64 // Σ u P, Σ u S
	tp, ts        float64 // Σ w* P, Σ w* S
	qpp, qps, qss float64 // Σ b P², Σ b P S, Σ b S²
	r1, r2        float64 // Σ r̂ u, Σ r̂ u²
}

// An epoch ends when the rounding error of a lazy weight, at most about
// 4 ε c max(b) Σ|H| E/M / E_k (the cancellation in ζ_i + c b_i(… − ŝ_i ΦG)),
// could exceed eventTol times the RMS weight, and after at most
// maxEventEpoch bins (which keeps the anchors p̂, ŝ far from overflow).
// With the paper's learning rates an epoch lasts about 60–200 bins.
const (
	eventTol      = 1e-12
	maxEventEpoch = 2048
)

// ErrNotEventDriven reports a learner that Events cannot drive.
var ErrNotEventDriven = errors.New("event-driven mode needs somatic or dendritic (linear) weights and tau_m != tau_s")

// NewEvents prepares the event-driven form of l for initial weights w (in
// the learned parametrization) and somatic teacher weights (nil if the
// teacher is not realizable). Traces start at zero.
func (l *Learner) NewEvents(w, teacher []float64) (*Events, error) {
	if l.scale == nil || l.kernel.Alpha() {
		return nil, ErrNotEventDriven
	}
	n := len(l.rates)
	if len(w) != n || (teacher != nil && len(teacher) != n) {
		panic("rule: NewEvents: length mismatch")
	}
	dm, ds := l.kernel.Decays()
	e := &Events{l: l, natural: l.rule.natural, c: l.kernel.TraceGain(), dm: dm, ds: ds, target: teacher,
		zeta: make([]float64, n), p: make([]float64, n), s: make([]float64, n)}
	e.b, e.spikeW = l.homGain, teacher
	if teacher == nil {
		e.spikeW = make([]float64, n)
	}
	if !l.rule.natural {
		e.b, e.unitGains = make([]float64, n), true
		for i, a := range l.scale {
			e.b[i] = a * a
			e.unitGains = e.unitGains && e.b[i] == 1
		}
	}
	for i, r := range l.rates {
		e.rateSum += r
		e.maxB = max(e.maxB, e.b[i])
		e.zeta[i] = l.scale[i] * w[i]
	}
	e.dmm, e.dms, e.dss, e.cecc = dm*dm, dm*ds, ds*ds, l.cEps*e.c*e.c
	e.dk, e.ek, e.mk = 1, 1, 1
	return e, e.renormalise()
}

// Potentials returns the current bin's V, Σ x and teacher potential.
func (e *Events) Potentials() Potentials {
	s := &e.sums
	return Potentials{V: e.c * (s.up - s.us), SumX: e.c * (s.sp - s.ss), Teacher: e.c * (s.tp - s.ts)}
}

// Update computes the bin's scalars from its potentials and teacher spike y
// (like Learner.Stage), applies the update to the lazy state, adds the bin's
// input spikes and advances to the next bin. The Step it returns is the
// Events' own, valid until the next Update.
func (e *Events) Update(pot Potentials, y float64, spikes []int) (*Step, error) {
	l, st := e.l, &e.step
	l.sumWR, l.sumW2R, l.statsValid = e.sums.r1, e.sums.r2, true
	st.V, st.SumX = pot.V, pot.SumX
	if err := l.completeStep(st, nil, y); err != nil {
		return st, err
	}
	return st, e.apply(pot, st.Error, st.GammaS, st.GammaU, st.GammaW, spikes)
}

// Exponent returns the argument of the one exponential that Advance needs
// for the potentials pot (neuron.Sigmoid.Exponent), or 0 for a transfer
// other than the sigmoid: a caller that advances many Events evaluates
// their exponentials together (vmath.ExpSlice).
func (e *Events) Exponent(pot Potentials) float64 {
	if e.l.sigmoid == nil {
		return 0
	}
	return e.l.sigmoid.Exponent(pot.V)
}

// Advance is Update for a caller that reads nothing of the bin but its
// potentials: the same numbers, without filling a Step (which copies the
// coefficients into it). Update's last Step is left as it was. ez is
// e^{Exponent(pot)} (vmath.Exp; unused for a transfer other than the
// sigmoid).
func (e *Events) Advance(pot Potentials, ez, y float64, spikes []int) error {
	l := e.l
	l.sumWR, l.sumW2R, l.statsValid = e.sums.r1, e.sums.r2, true
	if !(pot.V-pot.V == 0) || l.sigmoid == nil {
		return e.advanceRare(pot, ez, y, spikes) // a path without calls spills nothing
	}
	if e.natural && !l.served && l.refreshDue() { // served: CoefficientLanes.Serve did recompute's work
		if err := l.recompute(nil); err != nil {
			return err
		}
	}
	phi, score := l.sigmoid.PhiAndScoreOf(pot.V, ez) // as errorFactor, whose call would spill every live value
	errf := l.errorOf(phi, score, y)
	if !e.natural { // apply, written out: it does not inline
		l.bin++
		return e.applyEuclidean(l.cfg.Eta*errf, spikes)
	}
	l.served = false
	gu, gw := l.heterosynaptic(pot.SumX, pot.V)
	l.bin++
	return e.applyNatural(pot, l.cfg.Eta*errf*l.coeffs.GammaS, gu, gw, spikes)
}

// advanceRare is Advance for a V that is not finite (its error) and for a
// transfer other than the sigmoid.
func (e *Events) advanceRare(pot Potentials, ez, y float64, spikes []int) error {
	if err := finiteOr("membrane potential V", pot.V); err != nil { // as completeStep
		return err
	}
	l := e.l
	if e.natural && !l.served && l.refreshDue() {
		if err := l.recompute(nil); err != nil {
			return err
		}
	}
	phi, score := l.phiAndScore(pot.V)
	var gs, gu, gw float64
	if e.natural {
		l.served = false
		gs = l.coeffs.GammaS
		gu, gw = l.heterosynaptic(pot.SumX, pot.V)
	}
	return e.apply(pot, l.errorOf(phi, score, y), gs, gu, gw, spikes)
}

// apply applies the bin's update (error factor errf and, for the natural
// and approximate rules, γ_s, γ_u, γ_w) to the lazy state, adds the bin's
// input spikes and advances to the next bin, ending the epoch when due
// (applyNatural, applyEuclidean).
func (e *Events) apply(pot Potentials, errf, gs, gu, gw float64, spikes []int) error {
	l := e.l
	l.bin++
	h := l.cfg.Eta * errf
	if !e.natural {
		return e.applyEuclidean(h, spikes)
	}
	return e.applyNatural(pot, h*gs, gu, gw, spikes)
}

// applyNatural is apply for the natural and approximate rules, with h = η e
// γ_s. (The factors, the epoch's bookkeeping and the move of the running
// sums are written out here: a call costs the spills of every live value.)
//
// The running sums move from bin k to k+1 (see Events): the sums of bin k
// are read into locals before the new ones overwrite them in place; the
// voltage moments come first, which frees pot's registers.
func (e *Events) applyNatural(pot Potentials, h, gu, gw float64, spikes []int) error {
	a, u := 1+h*gw, h*gu // the bin's A, H, U (see Events)
	if !(a > 0.5 && a < 2) {
		return weightFactorError(a)
	}
	e.extendEpoch(a, h, u)
	sp := spikeSums{count: float64(len(spikes))}
	if len(spikes) > 0 {
		e.spikes(spikes, &sp)
	}
	s := &e.sums
	qpp, qps, qss, r1, r2 := s.qpp, s.qps, s.qss, s.r1, s.r2
	// With r̂ b = c_ε: Σ r̂ b x = c_ε Σx, Σ r̂ b u x = c_ε V and
	// Σ r̂ b² x² = c_ε Σ b x².
	ce := e.l.cEps
	rbx, rbux := ce*pot.SumX, ce*pot.V
	rbbxx := e.cecc * (qpp - 2*qps + qss)
	s.r2 = a*a*r2 + h*h*rbbxx + u*u*e.rateSum + 2*a*h*rbux - 2*a*u*r1 - 2*h*u*rbx
	s.r1 = a*r1 + h*rbx - u*e.rateSum
	c, dm, ds := e.c, e.dm, e.ds
	up, us, sumP, sumS := s.up, s.us, s.sp, s.ss
	bxp, bxs := c*(qpp-qps), c*(qps-qss) // Σ b x P, Σ b x S
	s.up = dm * (a*up + h*bxp - u*sumP + sp.u)
	s.us = ds * (a*us + h*bxs - u*sumS + sp.u)
	s.sp, s.ss = dm*(sumP+sp.count), ds*(sumS+sp.count)
	s.tp, s.ts = dm*(s.tp+sp.t), ds*(s.ts+sp.t)
	s.qpp = e.dmm * (qpp + sp.pp)
	s.qps = e.dms * (qps + sp.ps)
	s.qss = e.dss * (qss + sp.ss)
	if e.nextBin() {
		return nil
	}
	return e.endEpoch()
}

// applyEuclidean is apply for the Euclidean rule, whose A = 1 and U = 0
// need neither the range check nor the products with them (extendEuclidean)
// and the running sums' move neither (written out: 1·x = x and
// x − (+0)·ΣP = x, ΣP ≥ 0): the same numbers. The voltage moments Σ r̂ u,
// Σ r̂ u² are not used and stay as they are.
func (e *Events) applyEuclidean(h float64, spikes []int) error {
	e.extendEuclidean(h)
	sp := spikeSums{count: float64(len(spikes))}
	if len(spikes) > 0 && e.unitGains {
		e.spikesUnitGains(spikes, &sp)
	} else if len(spikes) > 0 {
		e.spikes(spikes, &sp)
	}
	s, c, dm, ds := &e.sums, e.c, e.dm, e.ds
	qpp, qps, qss := s.qpp, s.qps, s.qss
	s.up = dm * (s.up + h*(c*(qpp-qps)) + sp.u)
	s.us = ds * (s.us + h*(c*(qps-qss)) + sp.u)
	s.sp, s.ss = dm*(s.sp+sp.count), ds*(s.ss+sp.count)
	s.tp, s.ts = dm*(s.tp+sp.t), ds*(s.ts+sp.t)
	s.qpp = e.dmm * (qpp + sp.pp)
	s.qps = e.dms * (qps + sp.ps)
	s.qss = e.dss * (qss + sp.ss)
	if e.nextBin() {
		return nil
	}
	return e.endEpoch()
}

// nextBin moves the trace factors on to the next bin and reports whether
// the epoch goes on there, false when it has reached its length or its
// roundoff bound exceeds the limit (a NaN bound ends epochs by length
// only). It returns a bool, not endEpoch's error, so that it inlines into
// apply and applyEuclidean.
func (e *Events) nextBin() (sameEpoch bool) {
	e.dk *= e.dm
	e.ek *= e.ds
	e.epoch++
	return e.epoch != maxEventEpoch && !(e.absG > e.absGLimit*e.ek)
}

func weightFactorError(a float64) error {
	return fmt.Errorf("weight factor 1 + g*gamma_w = %.3g outside (0.5, 2), beyond the event-driven mode's range", a)
}

// extendEpoch multiplies the bin's factors into the epoch's M, B, ΦF, ΦG
// and the roundoff bound.
func (e *Events) extendEpoch(a, h, u float64) {
	e.mk *= a
	hm := h / e.mk
	e.phiF += hm * e.dk
	e.phiG += hm * e.ek
	e.bk += u / e.mk
	e.absG += math.Abs(hm) * e.ek
}

// extendEuclidean is extendEpoch for the Euclidean rule (A = 1, U = 0): M
// stays exactly 1 and B exactly +0 (+0 + 0/1), so H/M = H, and only ΦF, ΦG
// and the bound move.
func (e *Events) extendEuclidean(h float64) {
	e.phiF += h * e.dk
	e.phiG += h * e.ek
	e.absG += math.Abs(h) * e.ek
}

// endEpoch ends an epoch: it materialises the lazy state, and every
// sumsRefresh epochs recomputes the running sums.
func (e *Events) endEpoch() error {
	e.epochs++
	if e.epochs%sumsRefresh == 0 {
		return e.renormalise()
	}
	return e.reanchor()
}

// spikeSums are the corrections that the bin's spikes contribute to the
// running sums.
type spikeSums struct {
	count, u, t, pp, ps, ss float64
}

// spikes settles the weights of the spiking afferents (after the update),
// collects their corrections into sp and moves their anchors by the new
// spike. Weights and traces are two passes over the spikes (fewer live
// values each, no spills); the afferents of a bin are distinct, so the
// first pass reads every p̂_i, ŝ_i before the second moves it.
func (e *Events) spikes(spikes []int, sp *spikeSums) {
	dp, ds := 1/e.dk, 1/e.ek // a spike's jump of the anchors p̂, ŝ
	zeta := e.zeta
	p, s, b := e.p[:len(zeta)], e.s[:len(zeta)], e.b[:len(zeta)]
	// the weights: Σ u_i and Σ w*_i, and ζ_i moved by the new spike
	// (shift per unit c b_i)
	c, mk, bk, phiF, phiG, w := e.c, e.mk, e.bk, e.phiF, e.phiG, e.spikeW[:len(zeta)]
	shift := dp*phiF - ds*phiG
	var su, st float64
	if e.natural {
		for _, i := range spikes {
			cb := c * b[i]
			su += mk * (zeta[i] + cb*(p[i]*phiF-s[i]*phiG) - bk)
			st += w[i]
			zeta[i] -= cb * shift
		}
	} else { // M = 1, B = +0: the same sum without them
		for _, i := range spikes {
			cb := c * b[i]
			su += zeta[i] + cb*(p[i]*phiF-s[i]*phiG)
			st += w[i]
			zeta[i] -= cb * shift
		}
	}
	sp.u, sp.t = su, st
	// the traces: corrections to Σ b P², Σ b P S, Σ b S², and the spike
	// (dp, ds) added to the anchors p̂_i, ŝ_i
	dk, ek := e.dk, e.ek
	var pp, ps, ss float64
	for _, i := range spikes {
		bi, pi, si := b[i], p[i], s[i]
		P, S := dk*pi, ek*si
		pp += bi * (2*P + 1)
		ps += bi * (P + S + 1)
		ss += bi * (2*S + 1)
		p[i], s[i] = pi+dp, si+ds
	}
	sp.pp, sp.ps, sp.ss = pp, ps, ss
}

// spikesUnitGains is spikes for the Euclidean rule with unit gains b_i = 1:
// the same numbers without M = 1, B = +0 and b_i (c b_i = c, b_i y = y),
// in spikes' two passes.
func (e *Events) spikesUnitGains(spikes []int, sp *spikeSums) {
	dp, ds := 1/e.dk, 1/e.ek // a spike's jump of the anchors p̂, ŝ
	zeta := e.zeta
	p, s, w := e.p[:len(zeta)], e.s[:len(zeta)], e.spikeW[:len(zeta)]
	c, phiF, phiG := e.c, e.phiF, e.phiG
	move := c * (dp*phiF - ds*phiG) // ζ_i's move by the new spike
	var su, st float64
	for _, i := range spikes {
		su += zeta[i] + c*(p[i]*phiF-s[i]*phiG)
		st += w[i]
		zeta[i] -= move
	}
	sp.u, sp.t = su, st
	dk, ek := e.dk, e.ek
	var pp, ps, ss float64
	for _, i := range spikes {
		pi, si := p[i], s[i]
		P, S := dk*pi, ek*si
		pp += 2*P + 1
		ps += P + S + 1
		ss += 2*S + 1
		p[i], s[i] = pi+dp, si+ds
	}
	sp.pp, sp.ps, sp.ss = pp, ps, ss
}

// sumsRefresh is how many epochs pass between recomputations of the
// running sums from scratch; in between only the anchors are reset, and the
// sums carry on by their recursions (rounding grows by ~ε per bin there).
const sumsRefresh = 16

// reanchor materialises weights and traces and restarts the epoch, keeping
// the running sums.
func (e *Events) reanchor() error {
	f, c, dk, ek := e.lazy(), e.c, e.dk, e.ek
	zeta := e.zeta
	p, s, b := e.p[:len(zeta)], e.s[:len(zeta)], e.b[:len(zeta)]
	switch { // the Euclidean rule's M = 1, B = +0 and unit gains: the same weights without them
	case e.natural:
		for i, z := range zeta {
			pi, si := p[i], s[i]
			zeta[i], p[i], s[i] = f.weight(z, c*b[i], pi, si), dk*pi, silentAsZero(ek*si)
		}
	case e.unitGains:
		for i, z := range zeta {
			pi, si := p[i], s[i]
			zeta[i], p[i], s[i] = z+c*(pi*f.phiF-si*f.phiG), dk*pi, silentAsZero(ek*si)
		}
	default:
		for i, z := range zeta {
			pi, si := p[i], s[i]
			zeta[i], p[i], s[i] = z+c*b[i]*(pi*f.phiF-si*f.phiG), dk*pi, silentAsZero(ek*si)
		}
	}
	e.restartEpoch()
	return finiteOr("weights", e.sums.r2+e.sums.up)
}

// silentAsZero is a trace S with a value below 1e-200 (long silent) set to
// zero, which keeps the anchors clear of subnormals.
func silentAsZero(s float64) float64 {
	if s < 1e-200 {
		return 0
	}
	return s
}

func (e *Events) restartEpoch() {
	e.dk, e.ek, e.mk, e.bk, e.phiF, e.phiG, e.epoch, e.absG = 1, 1, 1, 0, 0, 0, 0, 0
	rms := math.Sqrt(e.sums.r2 / e.rateSum)
	e.absGLimit = eventTol * rms / (4 * 0x1p-52 * e.c * e.maxB)
}

// renormalise materialises weights and traces, restarts the epoch and
// recomputes the running sums from scratch.
func (e *Events) renormalise() error {
	var s eventSums
	f, c, dk, ek, target := e.lazy(), e.c, e.dk, e.ek, e.target
	zeta := e.zeta
	p, sl, b, rates := e.p[:len(zeta)], e.s[:len(zeta)], e.b[:len(zeta)], e.l.rates[:len(zeta)]
	for i, z := range zeta {
		pi, si, bi, ri := p[i], sl[i], b[i], rates[i]
		u := f.weight(z, c*bi, pi, si)
		P, S := dk*pi, ek*si
		if S < 1e-200 { // a long-silent fast trace; keeps clear of subnormals
			S = 0
		}
		if P < 1e-200 {
			P = 0
		}
		zeta[i], p[i], sl[i] = u, P, S
		s.sp += P
		s.ss += S
		s.up += u * P
		s.us += u * S
		if target != nil {
			s.tp += target[i] * P
			s.ts += target[i] * S
		}
		s.qpp += bi * P * P
		s.qps += bi * P * S
		s.qss += bi * S * S
		s.r1 += ri * u
		s.r2 += ri * u * u
	}
	e.sums = s
	e.restartEpoch()
	return finiteOr("weights", s.r2+s.up)
}

// Weights writes the current weights into w (learned parametrization)
// without touching the lazy state: the trajectory does not depend on when
// (or whether) weights are read.
func (e *Events) Weights(w []float64) error {
	var sum float64
	f, c, zeta := e.lazy(), e.c, e.zeta
	p, s, b, inv, w := e.p[:len(zeta)], e.s[:len(zeta)], e.b[:len(zeta)], e.l.invScale[:len(zeta)], w[:len(zeta)]
	for i, z := range zeta {
		u := f.weight(z, c*b[i], p[i], s[i])
		sum += u
		w[i] = u * inv[i]
	}
	return finiteOr("weights", sum)
}

// weight is the current somatic weight u_i of the lazy state.
func (e *Events) weight(i int) float64 {
	return e.lazy().weight(e.zeta[i], e.c*e.b[i], e.p[i], e.s[i])
}

// lazyWeights are the epoch's factors that turn an afferent's anchors into
// its weight, held in registers by the O(n) loops (four fields: the
// compiler keeps a struct of at most four in registers, a larger one is
// copied to the stack on every iteration).
type lazyWeights struct{ mk, bk, phiF, phiG float64 }

func (e *Events) lazy() lazyWeights {
	return lazyWeights{mk: e.mk, bk: e.bk, phiF: e.phiF, phiG: e.phiG}
}

// weight is u = M (ζ + c b (p̂ ΦF − ŝ ΦG) − B) (see Events) for cb = c b.
func (f lazyWeights) weight(zeta, cb, p, s float64) float64 {
	return f.mk * (zeta + cb*(p*f.phiF-s*f.phiG) - f.bk)
}
