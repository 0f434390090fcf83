// Command asmgen writes the AVX2 kernels of package vmath (exp_amd64.s and
// their Go declarations exp_stub_amd64.go) with avo: ExpSlice's and
// LogisticPanel.Sums'. Run it through go generate in internal/vmath;
// TestGeneratedAssemblyIsCurrent fails when the committed files differ from
// its output.
//
// The exponential is vmath.Exp on four arguments per 256-bit register: the
// same operations in the same order, each product and sum rounded on its
// own (VMULPD, VADDPD, VSUBPD; no FMA), so that it is bit-identical to Exp
// lane by lane. It handles only groups whose four arguments lie in the
// range where Exp's result is a normal number reached by its common path,
// and stops before the first group that has an argument outside it (NaN
// included); ExpSlice gives that group to Exp. The panel kernel uses it the
// same way (a panel with an argument outside goes to the generic code).
package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/natspike/natspike/internal/avofile"
)

// Rows of the constant table (vmath's avx2Constants, each row one constant
// four times).
const (
	kLog2e, kMagic, kLn2Hi, kLn2Lo, kSixteenth = 0, 1, 2, 3, 4
	kC8, kC7, kC6, kC5, kC4, kC3, kHalf        = 5, 6, 7, 8, 9, 10, 11
	kOne, kTwo, kBias, kLow, kHigh             = 12, 13, 14, 15, 16
	kThree, kSign, kZero                       = 17, 18, 19
	rows                                       = 20
)

// Rows of logisticPanelAVX2's parameter table (vmath.LogisticPanel's
// fields, broadcast into the kernel's frame).
const (
	pH, pC, pMu, pBeta, pTheta, pShift, pInv2v, pV = 0, 1, 2, 3, 4, 5, 6, 7
	params                                         = 8
	terms                                          = 7  // the panel sums, in vmath.LogisticPanel's order
	maxNodes                                       = 32 // vmath.MaxPanelNodes (TestPanelKernelFrame)
)

func main() {
	ctx := build.NewContext()
	kernel(ctx)
	logisticPanel(ctx)
	avofile.Main(ctx, "internal/vmath/internal/asmgen", "vmath", "exp_amd64.s", "exp_stub_amd64.go")
}

// kernel emits expAVX2: for i = 0, 4, … < n (n a multiple of 4) while the
// four arguments x[i…i+3] are in range, dst[i…i+3] = Exp(x[i…i+3]); it
// returns the i it stopped at.
func kernel(ctx *build.Context) {
	ctx.Function("expAVX2")
	ctx.Attributes(attr.NOSPLIT)
	ctx.SignatureExpr(fmt.Sprintf("func(dst, x *float64, n int, c *[%d][4]float64) int", rows))
	ctx.Pragma("noescape")
	ctx.Doc("expAVX2 sets dst[i] = Exp(x[i]) four at a time for i < n (n a multiple of 4), stopping before",
		"the first group of four with an argument outside [c[kLow], c[kHigh]]; it returns the number done.")
	dst := ctx.Load(ctx.Param("dst"), ctx.GP64())
	x := ctx.Load(ctx.Param("x"), ctx.GP64())
	n := ctx.Load(ctx.Param("n"), ctx.GP64())
	c := ctx.Load(ctx.Param("c"), ctx.GP64())
	k := func(row int) Mem { return Mem{Base: c, Disp: 32 * row} }
	i := ctx.GP64()
	ctx.XORQ(i, i)
	ctx.Label("loop")
	ctx.CMPQ(i, n)
	ctx.JGE(LabelRef("done"))
	v := ctx.YMM()
	ctx.VMOVUPD(Mem{Base: x, Index: i, Scale: 8}, v)
	inRange(ctx, v, k)
	ctx.JNE(LabelRef("done"))
	ctx.VMOVUPD(exp4(ctx, v, k), Mem{Base: dst, Index: i, Scale: 8})
	ctx.ADDQ(Imm(4), i)
	ctx.JMP(LabelRef("loop"))
	ctx.Label("done")
	ctx.Store(i, ctx.ReturnIndex(0))
	ctx.VZEROUPPER()
	ctx.RET()
}

// inRange compares the lanes of v with [c[kLow], c[kHigh]] and leaves the
// flags not-equal unless all four are inside.
func inRange(ctx *build.Context, v reg.VecVirtual, k func(int) Mem) {
	lo, hi, mask := ctx.YMM(), ctx.YMM(), ctx.GP32()
	ctx.VCMPPD(Imm(avofile.CmpGE), k(kLow), v, lo)  // v ≥ low
	ctx.VCMPPD(Imm(avofile.CmpLE), k(kHigh), v, hi) // v ≤ high
	ctx.VANDPD(hi, lo, lo)
	ctx.VMOVMSKPD(lo, mask)
	ctx.CMPL(mask, Imm(0xf))
}

// exp4 emits Exp's common path on the four lanes of v and returns the
// register holding the results. Go assembly writes the destination last:
// VSUBPD b, a, d is d = a − b.
func exp4(ctx *build.Context, v reg.VecVirtual, k func(int) Mem) reg.VecVirtual {
	return expN(ctx, []reg.VecVirtual{v}, k)[0]
}

// expN emits exp4 on each register of vs, step by step interleaved (the
// chains are independent), and returns the result registers.
func expN(ctx *build.Context, vs []reg.VecVirtual, k func(int) Mem) []reg.VecVirtual {
	n := len(vs)
	t, r, q, p := make([]reg.VecVirtual, n), make([]reg.VecVirtual, n), make([]reg.VecVirtual, n), make([]reg.VecVirtual, n)
	each := func(f func(i int)) {
		for i := range n {
			f(i)
		}
	}
	each(func(i int) { t[i], r[i], q[i] = ctx.YMM(), ctx.YMM(), ctx.YMM() })
	each(func(i int) { ctx.VMULPD(k(kLog2e), vs[i], t[i]) }) // x log2e
	each(func(i int) { ctx.VADDPD(k(kMagic), t[i], t[i]) })  // + magic
	each(func(i int) { ctx.VSUBPD(k(kMagic), t[i], t[i]) })  // − magic: t = k, rounded to nearest even
	each(func(i int) { ctx.VMULPD(k(kLn2Hi), t[i], q[i]) })  // k ln2Hi
	each(func(i int) { ctx.VSUBPD(q[i], vs[i], r[i]) })      // r = x − k ln2Hi
	each(func(i int) { ctx.VMULPD(k(kLn2Lo), t[i], q[i]) })  // k ln2Lo
	each(func(i int) { ctx.VSUBPD(q[i], r[i], r[i]) })       // r −= k ln2Lo
	each(func(i int) { ctx.VMULPD(k(kSixteenth), r[i], r[i]) })
	each(func(i int) { p[i] = ctx.YMM() })
	each(func(i int) { ctx.VMULPD(k(kC8), r[i], p[i]) })
	for _, row := range []int{kC7, kC6, kC5, kC4, kC3, kHalf} {
		each(func(i int) { ctx.VADDPD(k(row), p[i], p[i]) })
		each(func(i int) { ctx.VMULPD(r[i], p[i], p[i]) })
	}
	each(func(i int) { ctx.VADDPD(k(kOne), p[i], p[i]) })
	each(func(i int) { ctx.VMULPD(p[i], r[i], p[i]) }) // y = r p
	for range 4 {
		each(func(i int) { ctx.VADDPD(k(kTwo), p[i], q[i]) }) // y + 2
		each(func(i int) { ctx.VMULPD(q[i], p[i], p[i]) })    // y (y + 2)
	}
	each(func(i int) { ctx.VADDPD(k(kOne), p[i], p[i]) })   // m = y + 1
	each(func(i int) { ctx.VADDPD(k(kBias), t[i], t[i]) })  // k + 1023
	each(func(i int) { ctx.VADDPD(k(kMagic), t[i], t[i]) }) // its bits end in the integer k + 1023
	each(func(i int) { ctx.VPSLLQ(Imm(52), t[i], t[i]) })   // 2**k
	each(func(i int) { ctx.VMULPD(t[i], p[i], p[i]) })
	return p
}

// logisticPanel emits logisticPanelAVX2, vmath.LogisticPanel.Sums on four
// nodes per register. Pass 1 forms each node's seven terms with the
// operations of the generic Sums, in its order (each product and sum
// rounded on its own), and stores them in scratch, group by group (seven
// registers of four nodes) in its frame; it returns false, before touching acc, at the
// first group with an exponential argument outside [c[kLow], c[kHigh]].
// Pass 2 adds the terms to the seven sums in node order (scalar adds).
func logisticPanel(ctx *build.Context) {
	ctx.Function("logisticPanelAVX2")
	ctx.SignatureExpr(fmt.Sprintf("func(acc *[%d]float64, nodes, weights *float64, n int, p *[%d]float64, c *[%d][4]float64) bool",
		terms, params, rows))
	ctx.Pragma("noescape")
	ctx.Doc(fmt.Sprintf("logisticPanelAVX2 adds the n nodes' terms of LogisticPanel p to acc (n a multiple of 4, at most %d)", maxNodes),
		"and returns true, or returns false, acc untouched, if an exponential is out of range.")
	acc := ctx.Load(ctx.Param("acc"), ctx.GP64())
	scratch := ctx.GP64()
	ctx.LEAQ(ctx.AllocLocal(8*terms*maxNodes), scratch)
	nodes := ctx.Load(ctx.Param("nodes"), ctx.GP64())
	weights := ctx.Load(ctx.Param("weights"), ctx.GP64())
	n := ctx.Load(ctx.Param("n"), ctx.GP64())
	pp := ctx.Load(ctx.Param("p"), ctx.GP64())
	c := ctx.Load(ctx.Param("c"), ctx.GP64())
	k := func(row int) Mem { return Mem{Base: c, Disp: 32 * row} }
	local := ctx.AllocLocal(32 * params)
	par := func(row int) Mem { return local.Offset(32 * row) }
	for row := range params {
		b := ctx.YMM()
		ctx.VBROADCASTSD(Mem{Base: pp, Disp: 8 * row}, b)
		ctx.VMOVUPD(b, par(row))
	}
	groups(ctx, "terms", "sums", scratch, n, func(i, out reg.Register) {
		panelTerms(ctx, Mem{Base: nodes, Index: i, Scale: 8}, Mem{Base: weights, Index: i, Scale: 8}, out, k, par)
	})
	panelSums(ctx, acc, scratch, n)
	ok := ctx.GP8()
	ctx.MOVB(Imm(1), ok)
	ctx.Store(ok, ctx.ReturnIndex(0))
	ctx.VZEROUPPER()
	ctx.RET()
	ctx.Label("refuse")
	ctx.MOVB(Imm(0), ok)
	ctx.Store(ok, ctx.ReturnIndex(0))
	ctx.VZEROUPPER()
	ctx.RET()
}

// panelTerms emits pass 1 for the four nodes at t (weights at w), storing
// the terms fg, fg u, fg u u, fg l, fg (l l − 3s q), fg d, fg (d d − v) at
// out, out+32, …; it jumps to "refuse" if an exponential is out of range.
func panelTerms(ctx *build.Context, t, w Mem, out reg.Register, k, par func(int) Mem) {
	u, z, x1, x2 := ctx.YMM(), ctx.YMM(), ctx.YMM(), ctx.YMM()
	ctx.VMOVUPD(t, u)
	ctx.VMULPD(par(pH), u, u)     // h t
	ctx.VADDPD(par(pC), u, u)     // u = c + h t
	ctx.VSUBPD(par(pTheta), u, z) // u − θ
	ctx.VMULPD(par(pBeta), z, z)  // z = β (u − θ)
	ctx.VORPD(k(kSign), z, x1)    // −|z|
	inRange(ctx, x1, k)
	ctx.JNE(LabelRef("refuse"))
	dd := ctx.YMM()
	ctx.VSUBPD(par(pMu), u, dd)     // d = u − μ
	ctx.VMULPD(dd, dd, dd)          // d d
	ctx.VMULPD(par(pInv2v), dd, dd) // d d inv2v
	ctx.VMOVUPD(par(pShift), x2)
	ctx.VSUBPD(dd, x2, x2) // shift − d d inv2v
	inRange(ctx, x2, k)
	ctx.JNE(LabelRef("refuse"))
	neg := ctx.YMM()
	ctx.VCMPPD(Imm(avofile.CmpLT), k(kZero), z, neg) // z < 0
	eg := expN(ctx, []reg.VecVirtual{x1, x2}, k)
	e, g := eg[0], eg[1] // e^{−|z|}, g
	one, r, q0 := ctx.YMM(), ctx.YMM(), ctx.YMM()
	ctx.VADDPD(k(kOne), e, q0) // 1 + e
	ctx.VMOVUPD(k(kOne), one)
	ctx.VDIVPD(q0, one, r) // r = 1/(1 + e)
	ctx.VMULPD(r, e, q0)   // e r
	s, q := ctx.YMM(), ctx.YMM()
	ctx.VBLENDVPD(neg, q0, r, s) // s = z < 0 ? e r : r
	ctx.VBLENDVPD(neg, r, q0, q) // q = z < 0 ? r : e r
	fg := ctx.YMM()
	ctx.VMOVUPD(w, fg)
	ctx.VMULPD(par(pH), fg, fg) // h w
	ctx.VMULPD(s, fg, fg)       // · s
	ctx.VMULPD(q, fg, fg)       // · q
	ctx.VMULPD(q, fg, fg)       // · q
	ctx.VMULPD(g, fg, fg)       // · g
	store := func(term int, y reg.VecVirtual) { ctx.VMOVUPD(y, Mem{Base: out, Disp: 32 * term}) }
	store(0, fg)
	fu := ctx.YMM()
	ctx.VMULPD(u, fg, fu) // fg u
	store(1, fu)
	ctx.VMULPD(u, fu, fu) // fg u u
	store(2, fu)
	s3, l := ctx.YMM(), ctx.YMM()
	ctx.VMULPD(k(kThree), s, s3) // 3 s
	ctx.VSUBPD(s3, one, l)       // l = 1 − 3s
	ctx.VMULPD(q, s3, s3)        // 3 s q
	ctx.VMULPD(l, fg, fu)        // fg l
	store(3, fu)
	ctx.VMULPD(l, l, l)  // l l
	ctx.VSUBPD(s3, l, l) // l l − 3 s q
	ctx.VMULPD(l, fg, l) // fg (…)
	store(4, l)
	d := ctx.YMM()
	ctx.VSUBPD(par(pMu), u, d) // d = u − μ
	ctx.VMULPD(d, d, dd)       // d d
	ctx.VMULPD(d, fg, d)       // fg d
	store(5, d)
	ctx.VSUBPD(par(pV), dd, dd) // d d − v
	ctx.VMULPD(dd, fg, dd)      // fg (…)
	store(6, dd)
}

// panelSums emits pass 2: acc[k] += scratch term k of node j, for j = 0 … n−1.
func panelSums(ctx *build.Context, acc, scratch, n reg.Register) {
	var a [terms]reg.VecVirtual
	for term := range a {
		a[term] = ctx.XMM()
		ctx.VMOVSD(Mem{Base: acc, Disp: 8 * term}, a[term])
	}
	groups(ctx, "sum", "stored", scratch, n, func(_, in reg.Register) {
		for lane := range 4 {
			for term := range a {
				ctx.VADDSD(Mem{Base: in, Disp: 32*term + 8*lane}, a[term], a[term])
			}
		}
	})
	for term := range a {
		ctx.VMOVSD(a[term], Mem{Base: acc, Disp: 8 * term})
	}
}

// groups emits a loop over the groups of four nodes, i = 0, 4, … < n, with
// p pointing at the group's terms in scratch (7 × 4 doubles each), then the
// label end.
func groups(ctx *build.Context, loop, end string, scratch, n reg.Register, body func(i, p reg.Register)) {
	i, p := ctx.GP64(), ctx.GP64()
	ctx.XORQ(i, i)
	ctx.MOVQ(scratch, p)
	ctx.Label(loop)
	ctx.CMPQ(i, n)
	ctx.JGE(LabelRef(end))
	body(i, p)
	ctx.ADDQ(Imm(4), i)
	ctx.ADDQ(Imm(32*terms), p)
	ctx.JMP(LabelRef(loop))
	ctx.Label(end)
}
