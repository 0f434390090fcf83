// Command asmgen writes the AVX2 kernel of package vmath's ExpSlice
// (exp_amd64.s and its Go declaration exp_stub_amd64.go) with avo. Run it
// through go generate in internal/vmath; TestGeneratedAssemblyIsCurrent
// fails when the committed files differ from its output.
//
// The kernel is vmath.Exp on four arguments per 256-bit register: the same
// operations in the same order, each product and sum rounded on its own
// (VMULPD, VADDPD, VSUBPD; no FMA), so that it is bit-identical to Exp lane
// by lane. It handles only groups whose four arguments lie in the range
// where Exp's result is a normal number reached by its common path, and
// stops before the first group that has an argument outside it (NaN
// included); ExpSlice gives that group to Exp.
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
	rows                                       = 17
)

// Comparison predicates of VCMPPD (ordered, non-signalling: false for NaN).
const (
	cmpLE = 0x12
	cmpGE = 0x1d
)

func main() {
	ctx := build.NewContext()
	kernel(ctx)
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
	ctx.VCMPPD(Imm(cmpGE), k(kLow), v, lo)  // v ≥ low
	ctx.VCMPPD(Imm(cmpLE), k(kHigh), v, hi) // v ≤ high
	ctx.VANDPD(hi, lo, lo)
	ctx.VMOVMSKPD(lo, mask)
	ctx.CMPL(mask, Imm(0xf))
}

// exp4 emits Exp's common path on the four lanes of v and returns the
// register holding the results. Go assembly writes the destination last:
// VSUBPD b, a, d is d = a − b.
func exp4(ctx *build.Context, v reg.VecVirtual, k func(int) Mem) reg.VecVirtual {
	t, r, q := ctx.YMM(), ctx.YMM(), ctx.YMM()
	ctx.VMULPD(k(kLog2e), v, t) // x log2e
	ctx.VADDPD(k(kMagic), t, t) // + magic
	ctx.VSUBPD(k(kMagic), t, t) // − magic: t = k, rounded to nearest even
	ctx.VMULPD(k(kLn2Hi), t, q) // k ln2Hi
	ctx.VSUBPD(q, v, r)         // r = x − k ln2Hi
	ctx.VMULPD(k(kLn2Lo), t, q) // k ln2Lo
	ctx.VSUBPD(q, r, r)         // r −= k ln2Lo
	ctx.VMULPD(k(kSixteenth), r, r)
	p := ctx.YMM()
	ctx.VMULPD(k(kC8), r, p)
	for _, row := range []int{kC7, kC6, kC5, kC4, kC3, kHalf} {
		ctx.VADDPD(k(row), p, p)
		ctx.VMULPD(r, p, p)
	}
	ctx.VADDPD(k(kOne), p, p)
	ctx.VMULPD(p, r, p) // y = r p
	for range 4 {
		ctx.VADDPD(k(kTwo), p, q) // y + 2
		ctx.VMULPD(q, p, p)       // y (y + 2)
	}
	ctx.VADDPD(k(kOne), p, p)   // m = y + 1
	ctx.VADDPD(k(kBias), t, t)  // k + 1023
	ctx.VADDPD(k(kMagic), t, t) // its bits end in the integer k + 1023
	ctx.VPSLLQ(Imm(52), t, t)   // 2**k
	ctx.VMULPD(t, p, p)
	return p
}
