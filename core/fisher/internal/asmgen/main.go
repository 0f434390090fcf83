// Command asmgen writes package fisher's AVX2 kernel (inverse_amd64.s and
// its Go declaration inverse_stub_amd64.go) with avo: InverseLanes.Run,
// Cache.InverseInto's arithmetic for four caches per 256-bit register. Run
// it through go generate in core/fisher; TestGeneratedAssemblyIsCurrent
// fails when the committed files differ from its output.
//
// Each lane does InverseInto's operations in its order (the box check,
// the three Taylor quadratics, inverseDet with c1 = 1, regular and
// ratioInverse), each product, sum and quotient rounded on its own
// (VMULPD, VADDPD, VSUBPD, VDIVPD; no FMA), so that it is bit-identical to
// the scalar Go code lane by lane where the Go compiler fuses nothing.
package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/natspike/natspike/internal/avofile"
)

// Rows of a group of four lanes (fisher's inverseGroup, each row four
// lanes): the point and the mirrored Taylor layer in, the results out.
const (
	rMu, rV, rQ, rMu0, rV0, rMuLo, rMuHi, rVLo, rVHi, rTQ = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
	rD                                                    = 10 // d[a][k] at rD + 6a + k
	rGS, rR2, rR3, rG1, rG2, rG4, rOK                     = 28, 29, 30, 31, 32, 33, 34
	groupRows                                             = 35
)

// Rows of the constant table (fisher's inverseConstants).
const (
	kOne, kMax, kSign = 0, 1, 2
	constRows         = 3
)

func main() {
	ctx := build.NewContext()
	inverse(ctx)
	avofile.Main(ctx, "core/fisher/internal/asmgen", "fisher", "inverse_amd64.s", "inverse_stub_amd64.go")
}

// inverse emits inverseAVX2: for each of the n groups at tab, the four
// lanes' InverseInto arithmetic from rows rMu … rD+17 into rows rGS … rOK
// (rOK all ones where the box covers the point and the inverse is regular,
// zero elsewhere). Go assembly writes the destination last: VSUBPD b, a, d
// is d = a − b; VCMPPD p, b, a, d is d = (a p b).
func inverse(ctx *build.Context) {
	ctx.Function("inverseAVX2")
	ctx.Attributes(attr.NOSPLIT)
	ctx.SignatureExpr(fmt.Sprintf("func(tab *[%d]float64, n int, c *[%d][4]float64)", 4*groupRows, constRows))
	ctx.Pragma("noescape")
	ctx.Doc("inverseAVX2 evaluates the n groups of four lanes at tab (InverseLanes.Run).")
	tab := ctx.Load(ctx.Param("tab"), ctx.GP64())
	n := ctx.Load(ctx.Param("n"), ctx.GP64())
	c := ctx.Load(ctx.Param("c"), ctx.GP64())
	k := func(row int) Mem { return Mem{Base: c, Disp: 32 * row} }
	ctx.Label("loop")
	ctx.TESTQ(n, n)
	ctx.JE(LabelRef("done"))
	row := func(r int) Mem { return Mem{Base: tab, Disp: 32 * r} }
	group(ctx, row, k)
	ctx.ADDQ(U32(32*groupRows), tab)
	ctx.DECQ(n)
	ctx.JMP(LabelRef("loop"))
	ctx.Label("done")
	ctx.VZEROUPPER()
	ctx.RET()
}

// group emits one group's lanes (rows at row, constants at k).
func group(ctx *build.Context, row, k func(int) Mem) {
	mu, v, q := load(ctx, row(rMu)), load(ctx, row(rV)), load(ctx, row(rQ))
	ok, m := ctx.YMM(), ctx.YMM()
	ctx.VCMPPD(Imm(avofile.CmpGE), row(rMuLo), mu, ok) // covers: mu ≥ muLo && mu ≤ muHi && v ≥ vLo && v ≤ vHi && q = t.q
	for _, c := range []struct {
		pred int
		r    int
		x    reg.VecVirtual
	}{{avofile.CmpLE, rMuHi, mu}, {avofile.CmpGE, rVLo, v}, {avofile.CmpLE, rVHi, v}, {avofile.CmpEQ, rTQ, q}} {
		ctx.VCMPPD(Imm(uint64(c.pred)), row(c.r), c.x, m)
		ctx.VANDPD(m, ok, ok)
	}
	dm, dv := ctx.YMM(), ctx.YMM()
	ctx.VSUBPD(row(rMu0), mu, dm)
	ctx.VSUBPD(row(rV0), v, dv)
	var f [3]reg.VecVirtual
	for a := range f {
		f[a] = quadratic(ctx, func(i int) Mem { return row(rD + 6*a + i) }, dm, dv)
	}
	gs, r2, r3 := f[0], f[1], f[2]
	detC, t := ctx.YMM(), ctx.YMM()
	ctx.VMULPD(r2, r2, t)
	ctx.VSUBPD(t, r3, detC) // detC = r3 − r2 r2
	detM := ctx.YMM()
	ctx.VMULPD(v, q, detM)
	ctx.VMULPD(mu, mu, t)
	ctx.VSUBPD(t, detM, detM) // detM = q v − mu mu
	s := ctx.YMM()
	ctx.VADDPD(mu, mu, s) // 2 mu
	ctx.VMULPD(r2, s, s)
	ctx.VADDPD(s, q, s) // q + 2 mu r2
	ctx.VMULPD(r3, v, t)
	ctx.VADDPD(t, s, s) // … + v r3
	det := ctx.YMM()
	ctx.VADDPD(k(kOne), s, det) // 1 + …
	ctx.VMULPD(detC, detM, t)
	ctx.VADDPD(t, det, det)                           // … + detM detC
	ctx.VCMPPD(Imm(avofile.CmpGT), zero(ctx), det, m) // regular: det > 0 and finite
	ctx.VANDPD(m, ok, ok)
	ctx.VCMPPD(Imm(avofile.CmpLE), k(kMax), det, m)
	ctx.VANDPD(m, ok, ok)
	g1, g2, g4 := ctx.YMM(), ctx.YMM(), ctx.YMM()
	ctx.VMULPD(v, detC, g1)
	ctx.VADDPD(k(kOne), g1, g1) // 1 + detC v
	ctx.VMULPD(mu, detC, g2)
	ctx.VSUBPD(g2, r2, g2) // r2 − detC mu
	ctx.VMULPD(q, detC, g4)
	ctx.VADDPD(g4, r3, g4) // r3 + detC q
	for _, g := range []reg.VecVirtual{g1, g2, g4} {
		ctx.VXORPD(k(kSign), g, g) // negated, then divided by det
		ctx.VDIVPD(det, g, g)
	}
	for _, out := range []struct {
		r int
		x reg.VecVirtual
	}{{rGS, gs}, {rR2, r2}, {rR3, r3}, {rG1, g1}, {rG2, g2}, {rG4, g4}, {rOK, ok}} {
		ctx.VMOVUPD(out.x, row(out.r))
	}
}

// quadratic emits d[0] + dm(d[1] + dm d[3] + dv d[4]) + dv(d[2] + dv d[5])
// (fisher's quadratic, in Go's order of evaluation) with d[i] at d(i).
func quadratic(ctx *build.Context, d func(int) Mem, dm, dv reg.VecVirtual) reg.VecVirtual {
	a, b := ctx.YMM(), ctx.YMM()
	ctx.VMULPD(d(3), dm, a)
	ctx.VADDPD(d(1), a, a) // d1 + dm d3
	ctx.VMULPD(d(4), dv, b)
	ctx.VADDPD(b, a, a) // … + dv d4
	ctx.VMULPD(dm, a, a)
	ctx.VADDPD(d(0), a, a) // d0 + dm(…)
	ctx.VMULPD(d(5), dv, b)
	ctx.VADDPD(d(2), b, b) // d2 + dv d5
	ctx.VMULPD(dv, b, b)
	ctx.VADDPD(b, a, a) // … + dv(…)
	return a
}

func load(ctx *build.Context, m Mem) reg.VecVirtual {
	x := ctx.YMM()
	ctx.VMOVUPD(m, x)
	return x
}

func zero(ctx *build.Context) reg.VecVirtual {
	z := ctx.YMM()
	ctx.VXORPD(z, z, z)
	return z
}
