//go:build goexperiment.simd && amd64

package lanes

import "simd/archsimd"

// acceleratedKernels are the SIMD kernels this CPU can run, fastest first.
func acceleratedKernels() []namedKernel {
	var ks []namedKernel
	if archsimd.X86.AVX512() {
		ks = append(ks, namedKernel{"avx512", advanceAVX512})
	}
	if archsimd.X86.AVX2() {
		ks = append(ks, namedKernel{"avx2", advanceAVX2})
	}
	return ks
}

// advanceAVX2 is advanceGeneric with 4 lanes per 256-bit register, one
// sweep over the afferents per half of the lanes. It multiplies and adds
// separately (no FMA), in the generic kernel's order, so the two are
// bit-identical.
func advanceAVX2(a *pass) {
	advanceQuad(a, 0)
	advanceQuad(a, 4)
	// Clear the upper halves of the vector registers so that SSE code
	// after this call (and after a preemption) pays no transition penalty.
	archsimd.ClearAVXUpperBits()
}

func loadQuad(s []float64, o int) archsimd.Float64x4 {
	return archsimd.LoadFloat64x4((*[4]float64)(s[o : o+4]))
}

func storeQuad(v archsimd.Float64x4, s []float64, o int) { v.Store((*[4]float64)(s[o : o+4])) }

func advanceQuad(a *pass, off int) {
	g, gu, gw := loadQuad(a.g[:], off), loadQuad(a.gu[:], off), loadQuad(a.gw[:], off)
	dm, ds := archsimd.BroadcastFloat64x4(a.decayM), archsimd.BroadcastFloat64x4(a.decayS)
	gain := archsimd.BroadcastFloat64x4(a.gain)
	zero := archsimd.BroadcastFloat64x4(0)
	v, sx, vt, sw, wr, w2r := zero, zero, zero, zero, zero, zero
	n := a.n
	ws, ps, ss, xs := a.w[:n*Width], a.p[:n*Width], a.s[:n*Width], a.x[:n*Width]
	home, rates, teacher := a.homGain[:n*Width], a.rates[:n], a.teacher[:n]
	for i := 0; i < n; i++ {
		o := i*Width + off
		w, x, h := loadQuad(ws, o), loadQuad(xs, o), loadQuad(home, o)
		r := archsimd.BroadcastFloat64x4(rates[i])
		t := archsimd.BroadcastFloat64x4(teacher[i])
		wi := w.Add(g.Mul(h.Mul(x).Sub(gu).Add(gw.Mul(w))))
		storeQuad(wi, ws, o)
		sw = sw.Add(wi)
		wr = wr.Add(wi.Mul(r))
		w2r = w2r.Add(wi.Mul(wi).Mul(r))
		pi, si := loadQuad(ps, o).Mul(dm), loadQuad(ss, o).Mul(ds)
		xi := gain.Mul(pi.Sub(si))
		storeQuad(pi, ps, o)
		storeQuad(si, ss, o)
		storeQuad(xi, xs, o)
		v = v.Add(wi.Mul(xi))
		sx = sx.Add(xi)
		vt = vt.Add(t.Mul(xi))
	}
	storeQuad(v, a.v[:], off)
	storeQuad(sx, a.sumX[:], off)
	storeQuad(vt, a.vt[:], off)
	storeQuad(sw, a.sumW[:], off)
	storeQuad(wr, a.wr[:], off)
	storeQuad(w2r, a.w2r[:], off)
}

// advanceAVX512 is advanceGeneric with all 8 lanes in one 512-bit
// register; same operations and order, bit-identical.
func advanceAVX512(a *pass) {
	load := func(s []float64, o int) archsimd.Float64x8 {
		return archsimd.LoadFloat64x8((*[8]float64)(s[o : o+8]))
	}
	store := func(v archsimd.Float64x8, s []float64, o int) { v.Store((*[8]float64)(s[o : o+8])) }
	g, gu, gw := load(a.g[:], 0), load(a.gu[:], 0), load(a.gw[:], 0)
	dm, ds := archsimd.BroadcastFloat64x8(a.decayM), archsimd.BroadcastFloat64x8(a.decayS)
	gain := archsimd.BroadcastFloat64x8(a.gain)
	zero := archsimd.BroadcastFloat64x8(0)
	v, sx, vt, sw, wr, w2r := zero, zero, zero, zero, zero, zero
	n := a.n
	ws, ps, ss, xs := a.w[:n*Width], a.p[:n*Width], a.s[:n*Width], a.x[:n*Width]
	home, rates, teacher := a.homGain[:n*Width], a.rates[:n], a.teacher[:n]
	for i := 0; i < n; i++ {
		o := i * Width
		w, x, h := load(ws, o), load(xs, o), load(home, o)
		r := archsimd.BroadcastFloat64x8(rates[i])
		t := archsimd.BroadcastFloat64x8(teacher[i])
		wi := w.Add(g.Mul(h.Mul(x).Sub(gu).Add(gw.Mul(w))))
		store(wi, ws, o)
		sw = sw.Add(wi)
		wr = wr.Add(wi.Mul(r))
		w2r = w2r.Add(wi.Mul(wi).Mul(r))
		pi, si := load(ps, o).Mul(dm), load(ss, o).Mul(ds)
		xi := gain.Mul(pi.Sub(si))
		store(pi, ps, o)
		store(si, ss, o)
		store(xi, xs, o)
		v = v.Add(wi.Mul(xi))
		sx = sx.Add(xi)
		vt = vt.Add(t.Mul(xi))
	}
	store(v, a.v[:], 0)
	store(sx, a.sumX[:], 0)
	store(vt, a.vt[:], 0)
	store(sw, a.sumW[:], 0)
	store(wr, a.wr[:], 0)
	store(w2r, a.w2r[:], 0)
	archsimd.ClearAVXUpperBits()
}
