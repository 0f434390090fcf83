// Command asmgen writes the AVX2 kernels of package rule's dense pass
// (dense_amd64.s and its Go declarations dense_stub_amd64.go) with avo.
// Run it through go generate in core/rule; TestGeneratedAssemblyIsCurrent
// fails when the committed files differ from its output.
//
// Every kernel is the generic kernel of dense.go on four afferents per
// 256-bit register: lane l of each sum holds the afferents i ≡ l (mod 4),
// and each product and sum is rounded separately (no FMA), in the generic
// kernel's order, so that the two are bit-identical.
package main

import (
	"slices"
	"strings"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"

	"github.com/natspike/natspike/internal/avofile"
)

// variant is one form of the dense pass (densePass in dense.go), with or
// without the teacher's sum w*·x.
type variant struct {
	form    string // "Potentials", "Euclidean", "Somatic" or "Linear"
	update  string // "", "euclidean", "somatic" or "linear"
	teacher bool
}

// forms are the dense pass's forms; each has a kernel with the teacher's
// sum and one without (NoTeacher), which neither reads t nor touches sum T.
var forms = []variant{{form: "Potentials"}, {form: "Euclidean", update: "euclidean"}, {form: "Somatic", update: "somatic"}, {form: "Linear", update: "linear"}}

func variants() []variant {
	var vs []variant
	for _, teacher := range []bool{true, false} {
		for _, v := range forms {
			v.teacher = teacher
			vs = append(vs, v)
		}
	}
	return vs
}

// name is the kernel's Go name.
func (v variant) name() string {
	if v.teacher {
		return "dense" + v.form + "AVX2"
	}
	return "dense" + v.form + "NoTeacherAVX2"
}

// signature is the kernel's Go signature: the slices of paramNames, then
// n, the constants and the sums.
func (v variant) signature() string {
	return "func(" + strings.Join(paramNames(v), ", ") + " *float64, n int, c *[6]float64, acc *[6][4]float64)"
}

// Indices of the constants c and the sums acc (dense.go).
const (
	cDecayM, cDecayS, cGain, cG, cGammaU, cGammaW = 0, 1, 2, 3, 4, 5
	sumV, sumX, sumT, sumW, sumWR, sumW2R         = 0, 1, 2, 3, 4, 5
)

func main() {
	ctx := build.NewContext()
	for _, v := range variants() {
		kernel(ctx, v)
	}
	avofile.Main(ctx, "core/rule/internal/asmgen", "rule", "dense_amd64.s", "dense_stub_amd64.go")
}

// kernel emits one variant: for i = 0, 4, … < n (n a multiple of 4) the
// weight update of the staged bin, the trace step and the lane sums.
func kernel(ctx *build.Context, v variant) {
	ctx.Function(v.name())
	ctx.Attributes(attr.NOSPLIT)
	ctx.SignatureExpr(v.signature())
	ctx.Pragma("noescape")
	doc := v.name() + " is densePass." + genericName(v) + " for afferents 0 … n−1 (n a multiple of 4), 4 per register"
	if !v.teacher {
		doc += ", without the teacher's sum"
	}
	ctx.Doc(doc + ".")
	ptr := map[string]reg.Register{}
	for _, name := range paramNames(v) {
		ptr[name] = ctx.Load(ctx.Param(name), ctx.GP64())
	}
	n := ctx.Load(ctx.Param("n"), ctx.GP64())
	c := ctx.Load(ctx.Param("c"), ctx.GP64())
	accp := ctx.Load(ctx.Param("acc"), ctx.GP64())
	k := map[int]reg.VecVirtual{}
	for _, i := range constants(v) {
		k[i] = ctx.YMM()
		ctx.VBROADCASTSD(Mem{Base: c, Disp: 8 * i}, k[i])
	}
	acc := map[int]reg.VecVirtual{}
	for _, i := range sums(v) {
		acc[i] = ctx.YMM()
		ctx.VMOVUPD(Mem{Base: accp, Disp: 32 * i}, acc[i])
	}
	i := ctx.GP64()
	ctx.XORQ(i, i)
	ctx.Label("loop")
	ctx.CMPQ(i, n)
	ctx.JGE(LabelRef("done"))
	at := func(name string) Mem { return Mem{Base: ptr[name], Index: i, Scale: 8} }
	body(ctx, v, at, k, acc)
	ctx.ADDQ(Imm(4), i)
	ctx.JMP(LabelRef("loop"))
	ctx.Label("done")
	for _, j := range sums(v) {
		ctx.VMOVUPD(acc[j], Mem{Base: accp, Disp: 32 * j})
	}
	ctx.VZEROUPPER()
	ctx.RET()
}

func genericName(v variant) string {
	if v.update == "" {
		return "potentials"
	}
	return v.update
}

// paramNames are the per-afferent slices of v, in signature order.
func paramNames(v variant) []string {
	var names []string
	switch v.update {
	case "somatic":
		names = []string{"w", "t", "h", "r", "p", "s", "x"}
	case "linear":
		names = []string{"w", "a", "ia", "t", "h", "r", "p", "s", "x"}
	default:
		names = []string{"w", "a", "t", "p", "s", "x"}
	}
	if !v.teacher {
		names = slices.DeleteFunc(names, func(s string) bool { return s == "t" })
	}
	return names
}

func constants(v variant) []int {
	switch v.update {
	case "":
		return []int{cDecayM, cDecayS, cGain}
	case "euclidean":
		return []int{cDecayM, cDecayS, cGain, cG}
	}
	return []int{cDecayM, cDecayS, cGain, cG, cGammaU, cGammaW}
}

func sums(v variant) []int {
	var js []int
	switch v.update {
	case "":
		js = []int{sumV, sumX, sumT}
	case "euclidean":
		js = []int{sumV, sumX, sumT, sumW}
	default:
		js = []int{sumV, sumX, sumT, sumW, sumWR, sumW2R}
	}
	if !v.teacher {
		js = slices.DeleteFunc(js, func(j int) bool { return j == sumT })
	}
	return js
}

// body emits one group of four afferents. Go assembly writes the
// destination last: VSUBPD b, a, d is d = a − b.
func body(ctx *build.Context, v variant, at func(string) Mem, k, acc map[int]reg.VecVirtual) {
	w, t1, t2 := ctx.YMM(), ctx.YMM(), ctx.YMM()
	var ws reg.VecVirtual // the somatic weight f(w) = α w that multiplies x
	switch v.update {
	case "":
		ws = ctx.YMM()
		ctx.VMOVUPD(at("a"), ws)
		ctx.VMULPD(at("w"), ws, ws) // α w
	case "euclidean":
		ws = ctx.YMM()
		ctx.VMOVUPD(at("a"), ws)
		ctx.VMULPD(ws, k[cG], t1)   // e α
		ctx.VMULPD(at("x"), t1, t1) // (e α) x
		ctx.VADDPD(at("w"), t1, w)  // w + (e α) x
		ctx.VMOVUPD(w, at("w"))
		ctx.VADDPD(w, acc[sumW], acc[sumW])
		ctx.VMULPD(w, ws, ws) // α w
	case "somatic":
		ctx.VMOVUPD(at("w"), w)
		ctx.VMOVUPD(at("x"), t1)
		ctx.VMULPD(at("h"), t1, t1)    // h x
		ctx.VSUBPD(k[cGammaU], t1, t1) // h x − γu
		ctx.VMULPD(w, k[cGammaW], t2)  // γw w
		ctx.VADDPD(t2, t1, t1)         // (h x − γu) + γw w
		ctx.VMULPD(k[cG], t1, t1)      // g (…)
		ctx.VADDPD(t1, w, w)           // w + g (…)
		ctx.VMOVUPD(w, at("w"))
		weightSums(ctx, at, acc, w, w, t1)
		ws = w
	case "linear":
		ws = ctx.YMM()
		ctx.VMOVUPD(at("w"), w)
		ctx.VMOVUPD(at("a"), ws)
		ctx.VMOVUPD(at("x"), t1)
		ctx.VMULPD(at("h"), t1, t1)    // h x
		ctx.VSUBPD(k[cGammaU], t1, t1) // h x − γu
		ctx.VMULPD(ws, k[cGammaW], t2) // γw α
		ctx.VMULPD(w, t2, t2)          // (γw α) w
		ctx.VADDPD(t2, t1, t1)         // (h x − γu) + (γw α) w
		ctx.VMULPD(k[cG], t1, t1)      // g (…)
		ctx.VMULPD(at("ia"), t1, t1)   // (g (…)) α⁻¹
		ctx.VADDPD(t1, w, w)           // w + …
		ctx.VMOVUPD(w, at("w"))
		ctx.VMULPD(w, ws, ws) // α w
		weightSums(ctx, at, acc, w, ws, t1)
	}
	// The trace step: p·dm, s·ds, x = gain (p − s), then the potentials.
	ctx.VMULPD(at("p"), k[cDecayM], t1)
	ctx.VMOVUPD(t1, at("p"))
	ctx.VMULPD(at("s"), k[cDecayS], t2)
	ctx.VMOVUPD(t2, at("s"))
	ctx.VSUBPD(t2, t1, t1)
	ctx.VMULPD(t1, k[cGain], t1)
	ctx.VMOVUPD(t1, at("x"))
	ctx.VMULPD(t1, ws, ws) // f(w) x
	ctx.VADDPD(ws, acc[sumV], acc[sumV])
	ctx.VADDPD(t1, acc[sumX], acc[sumX])
	if v.teacher {
		ctx.VMULPD(at("t"), t1, t1) // w* x
		ctx.VADDPD(t1, acc[sumT], acc[sumT])
	}
}

// weightSums adds w to Σw, ws·r̂ to Σ r̂w and (ws·ws)·r̂ to Σ r̂w², using tmp.
func weightSums(ctx *build.Context, at func(string) Mem, acc map[int]reg.VecVirtual, w, ws, tmp reg.VecVirtual) {
	ctx.VADDPD(w, acc[sumW], acc[sumW])
	ctx.VMULPD(at("r"), ws, tmp)
	ctx.VADDPD(tmp, acc[sumWR], acc[sumWR])
	ctx.VMULPD(ws, ws, tmp)
	ctx.VMULPD(at("r"), tmp, tmp)
	ctx.VADDPD(tmp, acc[sumW2R], acc[sumW2R])
}
