//go:build goexperiment.simd && amd64

package lanes

import "simd/archsimd"

// acceleratedEvKernels are the SIMD event-driven kernels this CPU can run:
// AVX2, two 4-lane registers per quantity (also on AVX-512 CPUs: each
// stage is a few dozen operations per lane, not worth a second copy).
func acceleratedEvKernels() []evKernel {
	if !archsimd.X86.AVX2() {
		return nil
	}
	return []evKernel{{"avx2", evPotentialsAVX2, evFactorsAVX2, evAdvanceAVX2}}
}

type f4 = archsimd.Float64x4

func bc(x float64) f4 { return archsimd.BroadcastFloat64x4(x) }

// ld loads lanes off … off+3 of v.
func ld(v *[Width]float64, off int) f4 { return archsimd.LoadFloat64x4(quad(v, off)) }

// The AVX2 stages perform the generic stages' operations in the same order
// on 4 lanes at a time, multiplying and adding separately (no FMA), and
// select branches with masks: the results are bit-identical. Each ends
// with archsimd.ClearAVXUpperBits so that the scalar code after it pays no
// AVX–SSE transition penalty.

func evPotentialsAVX2(st *evState) {
	c := bc(st.c)
	for off := 0; off < Width; off += 4 {
		c.Mul(ld(&st.up, off).Sub(ld(&st.us, off))).Store(quad(&st.v, off))
		c.Mul(ld(&st.sp, off).Sub(ld(&st.ss, off))).Store(quad(&st.sumX, off))
		c.Mul(ld(&st.tp, off).Sub(ld(&st.ts, off))).Store(quad(&st.vt, off))
	}
	archsimd.ClearAVXUpperBits()
}

func evFactorsAVX2(st *evState) {
	zero, one := bc(0), bc(1)
	dt, ce0, nce0 := bc(st.dt), bc(st.ce0), bc(st.nce0)
	absMask := archsimd.BroadcastUint64x4(1<<63 - 1)
	for off := 0; off < Width; off += 4 {
		v, sx := ld(&st.v, off), ld(&st.sumX, off)
		e := ld(&st.y, off).Sub(ld(&st.phi, off).Mul(dt)).Mul(ld(&st.score, off)).Mul(ld(&st.scoreScale, off))
		h := ld(&st.eta, off).Mul(e)
		gu := nce0.Mul(ce0.Mul(ld(&st.g1, off)).Mul(sx).Add(ld(&st.g3, off).Mul(v)))
		gw := ce0.Mul(ld(&st.g2, off)).Mul(sx).Add(ld(&st.g4, off).Mul(v))
		apx := ld(&st.approx, off).NotEqual(zero)
		gu, gw = ld(&st.cu, off).Merge(gu, apx), ld(&st.cw, off).Mul(v).Merge(gw, apx)
		nat := ld(&st.natural, off).NotEqual(zero)
		hn := h.Mul(ld(&st.gs, off))
		a := one.Add(hn.Mul(gw)).Merge(one, nat)
		u := hn.Mul(gu).Merge(zero, nat)
		h = hn.Merge(h, nat)
		a.Store(quad(&st.a, off))
		h.Store(quad(&st.h, off))
		u.Store(quad(&st.u, off))
		mk := ld(&st.mk, off).Mul(a)
		hm := h.Div(mk)
		dk, ek := ld(&st.dk, off), ld(&st.ek, off)
		mk.Store(quad(&st.mk, off))
		ld(&st.phiF, off).Add(hm.Mul(dk)).Store(quad(&st.phiF, off))
		ld(&st.phiG, off).Add(hm.Mul(ek)).Store(quad(&st.phiG, off))
		ld(&st.bk, off).Add(u.Div(mk)).Store(quad(&st.bk, off))
		abs := hm.AsUint64x4().And(absMask).AsFloat64x4()
		ld(&st.absG, off).Add(abs.Mul(ek)).Store(quad(&st.absG, off))
	}
	archsimd.ClearAVXUpperBits()
}

func evAdvanceAVX2(st *evState) {
	zero, two := bc(0), bc(2)
	c, dm, ds, ce, rateSum := bc(st.c), bc(st.dm), bc(st.ds), bc(st.cEps), bc(st.rateSum)
	dmm, dms, dss := bc(st.dm*st.dm), bc(st.dm*st.ds), bc(st.ds*st.ds)
	for off := 0; off < Width; off += 4 {
		a, h, u := ld(&st.a, off), ld(&st.h, off), ld(&st.u, off)
		qpp, qps, qss := ld(&st.qpp, off), ld(&st.qps, off), ld(&st.qss, off)
		sp, ss := ld(&st.sp, off), ld(&st.ss, off)
		bxp, bxs := c.Mul(qpp.Sub(qps)), c.Mul(qps.Sub(qss))
		su, cnt, tsum := ld(&st.su, off), ld(&st.cnt, off), ld(&st.st, off)
		dm.Mul(a.Mul(ld(&st.up, off)).Add(h.Mul(bxp)).Sub(u.Mul(sp)).Add(su)).Store(quad(&st.up, off))
		ds.Mul(a.Mul(ld(&st.us, off)).Add(h.Mul(bxs)).Sub(u.Mul(ss)).Add(su)).Store(quad(&st.us, off))
		dm.Mul(sp.Add(cnt)).Store(quad(&st.sp, off))
		ds.Mul(ss.Add(cnt)).Store(quad(&st.ss, off))
		dm.Mul(ld(&st.tp, off).Add(tsum)).Store(quad(&st.tp, off))
		ds.Mul(ld(&st.ts, off).Add(tsum)).Store(quad(&st.ts, off))
		dmm.Mul(qpp.Add(ld(&st.spp, off))).Store(quad(&st.qpp, off))
		dms.Mul(qps.Add(ld(&st.sps, off))).Store(quad(&st.qps, off))
		dss.Mul(qss.Add(ld(&st.sss, off))).Store(quad(&st.qss, off))
		ld(&st.dk, off).Mul(dm).Store(quad(&st.dk, off))
		ld(&st.ek, off).Mul(ds).Store(quad(&st.ek, off))
		nat := ld(&st.natural, off).NotEqual(zero)
		rbx, rbux := ce.Mul(ld(&st.sumX, off)), ce.Mul(ld(&st.v, off))
		rbbxx := ce.Mul(c).Mul(c).Mul(qpp.Sub(two.Mul(qps)).Add(qss))
		r1, r2 := ld(&st.r1, off), ld(&st.r2, off)
		a2, h2 := two.Mul(a), two.Mul(h)
		n2 := a.Mul(a).Mul(r2).Add(h.Mul(h).Mul(rbbxx)).Add(u.Mul(u).Mul(rateSum)).
			Add(a2.Mul(h).Mul(rbux)).Sub(a2.Mul(u).Mul(r1)).Sub(h2.Mul(u).Mul(rbx))
		n1 := a.Mul(r1).Add(h.Mul(rbx)).Sub(u.Mul(rateSum))
		n1.Merge(r1, nat).Store(quad(&st.r1, off))
		n2.Merge(r2, nat).Store(quad(&st.r2, off))
	}
	archsimd.ClearAVXUpperBits()
}
