package lanes

import (
	"fmt"
	"math"

	"github.com/natspike/natspike/core/rule"
)

// pass is the data of one bin's sweep over the afferents, structure of
// arrays: afferent i's lane l sits at index i·Width + l.
type pass struct {
	n                          int
	w, p, s, x                 []float64 // weights, the two traces, USPs x^ε
	homGain                    []float64 // per afferent and lane: c_ε/r̂ (1 for Euclidean)
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
	p.n = n
	p.w, p.p, p.s, p.x = make([]float64, n*Width), make([]float64, n*Width), make([]float64, n*Width), make([]float64, n*Width)
	p.homGain, p.rates, p.teacher = make([]float64, n*Width), b.rates, c.Teacher.Weights
	for i := range n {
		for l := range Width {
			p.homGain[i*Width+l] = 1
			if l < b.active && b.lanes[l].rule.Kind != rule.Euclidean {
				p.homGain[i*Width+l] = b.cEps / b.rates[i]
			}
		}
		for l := 0; l < b.active; l++ {
			p.w[i*Width+l] = c.W0[i]
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
// Every lane sees the operations of rule.Learner's pipelined loop in the
// same order, so each lane is bit-identical to the scalar engine. It
// sweeps lane by lane so that the sums stay in registers; the lanes of an
// afferent share a cache line.
func advanceGeneric(a *pass) {
	for l := range Width {
		advanceLane(a, l)
	}
}

func advanceLane(a *pass, l int) {
	g, gu, gw := a.g[l], a.gu[l], a.gw[l]
	dm, ds, gain := a.decayM, a.decayS, a.gain
	n := a.n
	w, p, s, x := a.w[:n*Width], a.p[:n*Width], a.s[:n*Width], a.x[:n*Width]
	home, rates, teacher := a.homGain[:n*Width], a.rates[:n], a.teacher[:n]
	var v, sx, vt, sw, wr, w2r float64
	for i := 0; i < n; i++ {
		o := i*Width + l
		wi := w[o] + g*(home[o]*x[o]-gu+gw*w[o])
		w[o] = wi
		sw += wi
		wr += wi * rates[i]
		w2r += wi * wi * rates[i]
		pi, si := p[o]*dm, s[o]*ds
		xi := gain * (pi - si)
		p[o], s[o], x[o] = pi, si, xi
		v += wi * xi
		sx += xi
		vt += teacher[i] * xi
	}
	a.v[l], a.sumX[l], a.vt[l], a.sumW[l], a.wr[l], a.w2r[l] = v, sx, vt, sw, wr, w2r
}

// flushUpdate applies the staged update without advancing the traces (at
// a record) and clears it, with the same arithmetic as advanceGeneric.
func flushUpdate(a *pass) {
	var sw, wr, w2r [Width]float64
	for i := 0; i < a.n; i++ {
		o := i * Width
		w := (*[Width]float64)(a.w[o : o+Width])
		x := (*[Width]float64)(a.x[o : o+Width])
		h := (*[Width]float64)(a.homGain[o : o+Width])
		r := a.rates[i]
		for l := range Width {
			wi := w[l] + a.g[l]*(h[l]*x[l]-a.gu[l]+a.gw[l]*w[l])
			w[l] = wi
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
