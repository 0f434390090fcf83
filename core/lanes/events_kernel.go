package lanes

import (
	"math"

	"github.com/natspike/natspike/internal/kernelenv"
)

// evPotentialsGeneric is the potentials stage (rule.Events.Potentials) in
// pure Go.
func evPotentialsGeneric(st *evState) {
	for l := range Width {
		st.v[l] = st.c * (st.up[l] - st.us[l])
		st.sumX[l] = st.c * (st.sp[l] - st.ss[l])
		st.vt[l] = st.c * (st.tp[l] - st.ts[l])
	}
}

// evFactorsGeneric is the factors stage in pure Go: the error factor
// (y − φ dt) φ'/φ (Learner.completeStep), γ_u and γ_w (Eqns 108, 109;
// approximate: c_ε c_u and c_w V, Eqn 114), the factors A, H, U
// (Events.factors) and the epoch's M, B, ΦF, ΦG and roundoff bound
// (Events.extendEpoch).
func evFactorsGeneric(st *evState) {
	for l := range Width {
		v, sx := st.v[l], st.sumX[l]
		e := float64(float64(st.y[l]-float64(st.phi[l]*st.dt))*st.score[l]) * st.scoreScale[l]
		a, h, u := 1.0, st.eta[l]*e, 0.0
		if st.natural[l] != 0 {
			gu := float64(st.nce0 * float64(float64(float64(st.ce0*st.g1[l])*sx)+float64(st.g3[l]*v)))
			gw := float64(float64(st.ce0*st.g2[l])*sx) + float64(st.g4[l]*v)
			if st.approx[l] != 0 {
				gu, gw = st.cu[l], st.cw[l]*v
			}
			h *= st.gs[l]
			a, u = 1+float64(h*gw), h*gu
		}
		st.a[l], st.h[l], st.u[l] = a, h, u
		mk := st.mk[l] * a
		hm := h / mk
		st.mk[l] = mk
		st.phiF[l] += float64(hm * st.dk[l])
		st.phiG[l] += float64(hm * st.ek[l])
		st.bk[l] += u / mk
		st.absG[l] += float64(math.Abs(hm) * st.ek[l])
	}
}

// evAdvanceGeneric is the advance stage in pure Go: the running sums from
// bin k to k+1 (Events.advance; Σ r̂ u and Σ r̂ u² for natural lanes only)
// and the decay of the epoch's trace factors (Events.nextBin).
func evAdvanceGeneric(st *evState) {
	c, dm, ds, ce := st.c, st.dm, st.ds, st.cEps
	for l := range Width {
		a, h, u := st.a[l], st.h[l], st.u[l]
		qpp, qps, qss, sp, ss := st.qpp[l], st.qps[l], st.qss[l], st.sp[l], st.ss[l]
		bxp, bxs := c*(qpp-qps), c*(qps-qss)
		su, cnt, tsum := st.su[l], st.cnt[l], st.st[l]
		st.up[l] = dm * (float64(float64(float64(a*st.up[l])+float64(h*bxp))-float64(u*sp)) + su)
		st.us[l] = ds * (float64(float64(float64(a*st.us[l])+float64(h*bxs))-float64(u*ss)) + su)
		st.sp[l], st.ss[l] = dm*(sp+cnt), ds*(ss+cnt)
		st.tp[l], st.ts[l] = dm*(st.tp[l]+tsum), ds*(st.ts[l]+tsum)
		st.qpp[l] = dm * dm * (qpp + st.spp[l])
		st.qps[l] = dm * ds * (qps + st.sps[l])
		st.qss[l] = ds * ds * (qss + st.sss[l])
		st.dk[l] *= dm
		st.ek[l] *= ds
		if st.natural[l] == 0 {
			continue
		}
		rbx, rbux := ce*st.sumX[l], ce*st.v[l]
		rbbxx := ce * c * c * (qpp - 2*qps + qss)
		r1, r2 := st.r1[l], st.r2[l]
		r2 = float64(float64(float64(float64(float64(a*a*r2)+float64(h*h*rbbxx))+float64(u*u*st.rateSum))+
			float64(2*a*h*rbux))-float64(2*a*u*r1)) - float64(2*h*u*rbx)
		st.r1[l] = float64(float64(a*r1)+float64(h*rbx)) - float64(u*st.rateSum)
		st.r2[l] = r2
	}
}

var evGeneric = evKernel{"generic", evPotentialsGeneric, evFactorsGeneric, evAdvanceGeneric}

// evKernels returns every event-driven kernel this build and CPU can run,
// the selected one first and the generic one last.
func evKernels() []evKernel { return append(acceleratedEvKernels(), evGeneric) }

// selectEvKernel returns the fastest event-driven kernel, or the generic
// one when NATSPIKE_KERNEL is "generic".
func selectEvKernel() evKernel {
	if kernelenv.ForceGeneric() {
		return evGeneric
	}
	return evKernels()[0]
}
