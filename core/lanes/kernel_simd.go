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
	a.v, a.sumX, a.vt, a.sumW, a.wr, a.w2r = [Width]float64{}, [Width]float64{}, [Width]float64{},
		[Width]float64{}, [Width]float64{}, [Width]float64{}
	for lo := 0; lo < len(a.blocks); lo += genericChunk {
		hi := min(lo+genericChunk, len(a.blocks))
		advanceQuad(a, 0, lo, hi)
		advanceQuad(a, 4, lo, hi)
	}
	// Clear the upper halves of the vector registers so that SSE code
	// after this call (and after a preemption) pays no transition penalty.
	archsimd.ClearAVXUpperBits()
}

// quad returns lanes off … off+3 of v (off is 0 or 4).
func quad(v *[Width]float64, off int) *[4]float64 { return (*[4]float64)(v[off : off+4]) }

// advanceQuad sweeps lanes off … off+3 over the afferents lo … hi−1 (a
// chunk that stays in L1 while both halves pass), continuing the sums
// kept in the pass.
func advanceQuad(a *pass, off, lo, hi int) {
	load := func(v *[Width]float64) archsimd.Float64x4 { return archsimd.LoadFloat64x4(quad(v, off)) }
	g, gu, gw := load(&a.g), load(&a.gu), load(&a.gw)
	dm, ds := archsimd.BroadcastFloat64x4(a.decayM), archsimd.BroadcastFloat64x4(a.decayS)
	gain := archsimd.BroadcastFloat64x4(a.gain)
	v, sx, vt, sw, wr, w2r := load(&a.v), load(&a.sumX), load(&a.vt), load(&a.sumW), load(&a.wr), load(&a.w2r)
	blocks := a.blocks[lo:hi]
	rates, teacher := a.rates[lo:hi], a.teacher[lo:hi]
	rates, teacher = rates[:len(blocks)], teacher[:len(blocks)]
	for i := range blocks {
		blk := &blocks[i]
		w, x, h := load(&blk.w), load(&blk.x), load(&blk.h)
		r := archsimd.BroadcastFloat64x4(rates[i])
		t := archsimd.BroadcastFloat64x4(teacher[i])
		wi := w.Add(g.Mul(h.Mul(x).Sub(gu).Add(gw.Mul(w))))
		wi.Store(quad(&blk.w, off))
		sw = sw.Add(wi)
		wr = wr.Add(wi.Mul(r))
		w2r = w2r.Add(wi.Mul(wi).Mul(r))
		pi, si := load(&blk.p).Mul(dm), load(&blk.s).Mul(ds)
		xi := gain.Mul(pi.Sub(si))
		pi.Store(quad(&blk.p, off))
		si.Store(quad(&blk.s, off))
		xi.Store(quad(&blk.x, off))
		v = v.Add(wi.Mul(xi))
		sx = sx.Add(xi)
		vt = vt.Add(t.Mul(xi))
	}
	v.Store(quad(&a.v, off))
	sx.Store(quad(&a.sumX, off))
	vt.Store(quad(&a.vt, off))
	sw.Store(quad(&a.sumW, off))
	wr.Store(quad(&a.wr, off))
	w2r.Store(quad(&a.w2r, off))
}

// advanceAVX512 is advanceGeneric with all 8 lanes in one 512-bit
// register; same operations and order, bit-identical. (The loop repeats
// advanceQuad's with the 8-lane type: the vector types share no interface
// that generic code could use without losing the intrinsics.)
func advanceAVX512(a *pass) {
	g, gu, gw := archsimd.LoadFloat64x8(&a.g), archsimd.LoadFloat64x8(&a.gu), archsimd.LoadFloat64x8(&a.gw)
	dm, ds := archsimd.BroadcastFloat64x8(a.decayM), archsimd.BroadcastFloat64x8(a.decayS)
	gain := archsimd.BroadcastFloat64x8(a.gain)
	zero := archsimd.BroadcastFloat64x8(0)
	v, sx, vt, sw, wr, w2r := zero, zero, zero, zero, zero, zero
	blocks := a.blocks
	rates, teacher := a.rates[:len(blocks)], a.teacher[:len(blocks)]
	for i := range blocks {
		blk := &blocks[i]
		w, x, h := archsimd.LoadFloat64x8(&blk.w), archsimd.LoadFloat64x8(&blk.x), archsimd.LoadFloat64x8(&blk.h)
		r := archsimd.BroadcastFloat64x8(rates[i])
		t := archsimd.BroadcastFloat64x8(teacher[i])
		wi := w.Add(g.Mul(h.Mul(x).Sub(gu).Add(gw.Mul(w))))
		wi.Store(&blk.w)
		sw = sw.Add(wi)
		wr = wr.Add(wi.Mul(r))
		w2r = w2r.Add(wi.Mul(wi).Mul(r))
		pi, si := archsimd.LoadFloat64x8(&blk.p).Mul(dm), archsimd.LoadFloat64x8(&blk.s).Mul(ds)
		xi := gain.Mul(pi.Sub(si))
		pi.Store(&blk.p)
		si.Store(&blk.s)
		xi.Store(&blk.x)
		v = v.Add(wi.Mul(xi))
		sx = sx.Add(xi)
		vt = vt.Add(t.Mul(xi))
	}
	v.Store(&a.v)
	sx.Store(&a.sumX)
	vt.Store(&a.vt)
	sw.Store(&a.sumW)
	wr.Store(&a.wr)
	w2r.Store(&a.w2r)
	archsimd.ClearAVXUpperBits()
}
