package lanes

import (
	"fmt"
	"math"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/rule"
)

// block is one afferent's state in every lane: weight, the two traces,
// the USP x^ε and the homosynaptic gain c_ε/r̂ (1 for the Euclidean rule).
// Blocks are contiguous, so a sweep over the afferents reads memory in
// order and every lane access has a constant bound.
type block struct {
	w, p, s, x, h [Width]float64
}

// pass is the data of one bin's sweep over the afferents, structure of
// arrays per afferent (one block per afferent).
type pass struct {
	blocks                     []block
	rates, teacher             []float64 // per afferent: r̂, w*
	decayM, decayS, gain       float64   // trace recursion (package input's Traces)
	g, gu, gw                  [Width]float64
	v, sumX, vt, sumW, wr, w2r [Width]float64
}

// setPass allocates the lanes' state: weights W0 in every active lane,
// zero elsewhere, traces at zero, and the staged update zero (none).
func (b *batch) setPass() {
	c, n := b.cfg, len(b.cfg.Rates)
	p := &b.pass
	p.blocks, p.rates, p.teacher = make([]block, n), b.rates, c.Teacher.Weights
	if c.Teacher.Kind != learn.Realizable {
		p.teacher = make([]float64, n) // no teacher potential
	}
	for i := range p.blocks {
		blk := &p.blocks[i]
		for l := range Width {
			blk.h[l] = 1
			if l < b.active && b.lanes[l].rule.Kind != rule.Euclidean {
				blk.h[l] = b.cEps / b.rates[i]
			}
			if l < b.active {
				blk.w[l] = c.W0[i]
			}
		}
	}
	p.decayM, p.decayS = c.Kernel.Decays()
	p.gain = c.Kernel.TraceGain()
}

// advanceGeneric is the portable kernel: for every afferent and lane it
// applies the staged update Δw = g (h x − γ_u + γ_w w) of the previous bin
// (Eqns 10, 17, 114 for somatic weights; the Euclidean rule has h = 1,
// γ_u = γ_w = 0), accumulates Σw, Σ w r̂ and Σ w² r̂ of the new weights,
// decays the traces to the new bin and sums V = w·x, Σx and V* = w*·x.
// Every lane sees the operations of rule.Learner's pipelined loop, with
// the sums over afferents in afferent order (that loop keeps 4 partial
// sums), so each lane equals the scalar engine to rounding. It
// sweeps lane by lane, so that the sums stay in registers, over chunks of
// genericChunk afferents that stay in the L1 cache while the 8 lanes pass.
func advanceGeneric(a *pass) {
	var acc [Width]laneSums
	for lo := 0; lo < len(a.blocks); lo += genericChunk {
		hi := min(lo+genericChunk, len(a.blocks))
		for l := range Width {
			advanceLane(a, l, lo, hi, &acc[l])
		}
	}
	for l := range Width {
		s := &acc[l]
		a.v[l], a.sumX[l], a.vt[l], a.sumW[l], a.wr[l], a.w2r[l] = s.v, s.sx, s.vt, s.sw, s.wr, s.w2r
	}
}

// genericChunk blocks (64 × 320 bytes) fit a 32-KiB L1 data cache.
const genericChunk = 64

// laneSums are one lane's running sums of a sweep.
type laneSums struct{ v, sx, vt, sw, wr, w2r float64 }

// advanceLane sweeps lane l over afferents lo … hi−1, continuing the sums
// in acc.
func advanceLane(a *pass, l, lo, hi int, acc *laneSums) {
	g, gu, gw := a.g[l], a.gu[l], a.gw[l]
	dm, ds, gain := a.decayM, a.decayS, a.gain
	blocks := a.blocks[lo:hi]
	rates, teacher := a.rates[lo:hi], a.teacher[lo:hi]
	rates, teacher = rates[:len(blocks)], teacher[:len(blocks)]
	v, sx, vt, sw, wr, w2r := acc.v, acc.sx, acc.vt, acc.sw, acc.wr, acc.w2r
	for i := range blocks {
		blk := &blocks[i]
		wi := blk.w[l] + g*(blk.h[l]*blk.x[l]-gu+gw*blk.w[l])
		blk.w[l] = wi
		sw += wi
		wr += wi * rates[i]
		w2r += wi * wi * rates[i]
		pi, si := blk.p[l]*dm, blk.s[l]*ds
		xi := gain * (pi - si)
		blk.p[l], blk.s[l], blk.x[l] = pi, si, xi
		v += wi * xi
		sx += xi
		vt += teacher[i] * xi
	}
	*acc = laneSums{v, sx, vt, sw, wr, w2r}
}

// flushUpdate applies the staged update without advancing the traces (at
// a record) and clears it, with the same arithmetic as advanceGeneric.
func flushUpdate(a *pass) {
	var sw, wr, w2r [Width]float64
	for i := range a.blocks {
		blk := &a.blocks[i]
		r := a.rates[i]
		for l := range Width {
			wi := blk.w[l] + a.g[l]*(blk.h[l]*blk.x[l]-a.gu[l]+a.gw[l]*blk.w[l])
			blk.w[l] = wi
			sw[l] += wi
			wr[l] += wi * r
			w2r[l] += wi * wi * r
		}
	}
	a.sumW, a.wr, a.w2r = sw, wr, w2r
	a.g, a.gu, a.gw = [Width]float64{}, [Width]float64{}, [Width]float64{}
}

// checkWeights fails for the first active lane whose Σw is not finite.
func (a *pass) checkWeights(active int) (int, error) {
	for l := 0; l < active; l++ {
		if s := a.sumW[l]; math.IsNaN(s) || math.IsInf(s, 0) {
			return l, fmt.Errorf("weights became %v", s)
		}
	}
	return 0, nil
}
