package rule

import "github.com/natspike/natspike/internal/kernelenv"

//go:generate go run ./internal/asmgen -dir .

// densePass is one bin of the fused dense loop over the afferents (the
// Advance forms in fused.go): the staged weight update, the trace step
// and the sums, in one of four forms (denseForm). Each form has a generic
// kernel here and, on amd64 CPUs with AVX2, an assembly kernel generated
// by internal/asmgen that does the same on 4 afferents per register.
//
// Both kernels keep every sum in 4 lanes, lane l holding the afferents
// i ≡ l (mod 4), and add the lanes as (l0 + l1) + (l2 + l3) at the end
// (laneSum); every product and sum is rounded separately (no FMA: the
// generic kernel's conversions float64(a*b) forbid the compiler's fusing),
// so the two kernels are bit-identical on any input.
type densePass struct {
	w, p, s, x, t []float64 // weights, traces P and S, USPs, teacher weights
	a, ia         []float64 // α and 1/α of the linear parametrization
	h, r          []float64 // homosynaptic gains c_ε/r̂ and rates r̂
	c             [6]float64
	acc           [6][4]float64
}

// Indices of densePass.c: the trace decays and gain, the update's factor
// (e for Euclidean, η e γ_s for the natural rules) and γ_u, γ_w.
const (
	cDecayM, cDecayS, cGain, cG, cGammaU, cGammaW = 0, 1, 2, 3, 4, 5
)

// Indices of densePass.acc: V, Σx, w*·x, Σw, Σ r̂ f(w), Σ r̂ f(w)².
const (
	sumV, sumX, sumT, sumW, sumWR, sumW2R = 0, 1, 2, 3, 4, 5
)

// denseForm selects the staged update the pass applies.
type denseForm int

const (
	densePotentials denseForm = iota // no staged update: traces and potentials
	denseEuclidean                   // Δw = e α ⊙ x
	denseSomatic                     // natural rules, α = 1
	denseLinear                      // natural rules, dendritic α
)

// denseKernel names an implementation of the pass.
type denseKernel int

const (
	genericDense denseKernel = iota
	avx2Dense
)

func (k denseKernel) String() string { return [...]string{"generic", "avx2"}[k] }

// selectedDense is the kernel Advance uses: the fastest this CPU runs,
// or the generic one when NATSPIKE_KERNEL is "generic".
var selectedDense = selectDense()

func selectDense() denseKernel {
	if kernelenv.ForceGeneric() || !hasAVX2() {
		return genericDense
	}
	return avx2Dense
}

// denseKernels are the kernels this build and CPU can run.
func denseKernels() []denseKernel {
	if hasAVX2() {
		return []denseKernel{avx2Dense, genericDense}
	}
	return []denseKernel{genericDense}
}

// run makes the pass over all len(d.w) afferents with kernel k; the
// assembly kernel takes the multiple of 4 and the generic one the rest,
// continuing the same lanes.
func (d *densePass) run(k denseKernel, f denseForm) {
	n := len(d.w)
	bulk := 0
	if k == avx2Dense {
		bulk = n &^ 3
		d.runAVX2(f, bulk)
	}
	switch f {
	case densePotentials:
		d.potentials(bulk, n)
	case denseEuclidean:
		d.euclidean(bulk, n)
	case denseSomatic:
		d.somatic(bulk, n)
	default:
		d.linear(bulk, n)
	}
}

// mustCover panics unless every slice form f uses has n entries or more.
func (d *densePass) mustCover(f denseForm, n int) {
	ok := len(d.w) >= n && len(d.p) >= n && len(d.s) >= n && len(d.x) >= n && len(d.t) >= n
	if f != denseSomatic {
		ok = ok && len(d.a) >= n
	}
	if f == denseLinear {
		ok = ok && len(d.ia) >= n
	}
	if f == denseSomatic || f == denseLinear {
		ok = ok && len(d.h) >= n && len(d.r) >= n
	}
	if !ok {
		panic("rule: dense pass over more afferents than a slice holds")
	}
}

// total adds the lanes of sum j.
func (d *densePass) total(j int) float64 {
	l := &d.acc[j]
	return (l[0] + l[1]) + (l[2] + l[3])
}

// potentials advances the traces of afferents lo … hi−1 and adds
// α w x, x and w* x to the sums.
func (d *densePass) potentials(lo, hi int) {
	w, a, t, p, s, x := d.w[:hi], d.a[:hi], d.t[:hi], d.p[:hi], d.s[:hi], d.x[:hi]
	for i := lo; i < hi; i++ {
		d.trace(i&3, p, s, x, t, i, a[i]*w[i])
	}
}

// trace is the trace step of afferent i (lane l) and the potential sums,
// with ws = f(w) of the new weight.
func (d *densePass) trace(l int, p, s, x, t []float64, i int, ws float64) {
	pi, si := p[i]*d.c[cDecayM], s[i]*d.c[cDecayS]
	xi := d.c[cGain] * (pi - si)
	p[i], s[i], x[i] = pi, si, xi
	d.acc[sumV][l] += float64(ws * xi)
	d.acc[sumX][l] += xi
	d.acc[sumT][l] += float64(t[i] * xi)
}

// euclidean applies w += (e α) x to afferents lo … hi−1, then their trace
// step, adding w to Σw.
func (d *densePass) euclidean(lo, hi int) {
	w, a, t, p, s, x := d.w[:hi], d.a[:hi], d.t[:hi], d.p[:hi], d.s[:hi], d.x[:hi]
	e := d.c[cG]
	for i := lo; i < hi; i++ {
		ai := a[i]
		wi := w[i] + float64(float64(e*ai)*x[i])
		w[i] = wi
		d.acc[sumW][i&3] += wi
		d.trace(i&3, p, s, x, t, i, ai*wi)
	}
}

// somatic applies w += g ((h x − γ_u) + γ_w w) to afferents lo … hi−1
// (the natural rules with α = 1), then their trace step.
func (d *densePass) somatic(lo, hi int) {
	w, t, h, r, p, s, x := d.w[:hi], d.t[:hi], d.h[:hi], d.r[:hi], d.p[:hi], d.s[:hi], d.x[:hi]
	g, gu, gw := d.c[cG], d.c[cGammaU], d.c[cGammaW]
	for i := lo; i < hi; i++ {
		wi := w[i] + float64(g*(float64(float64(h[i]*x[i])-gu)+float64(gw*w[i])))
		w[i] = wi
		d.weightSums(i&3, wi, wi, r[i])
		d.trace(i&3, p, s, x, t, i, wi)
	}
}

// linear applies w += (g ((h x − γ_u) + (γ_w α) w)) α⁻¹ to afferents
// lo … hi−1 (the natural rules, dendritic weights), then their trace step.
func (d *densePass) linear(lo, hi int) {
	w, a, ia, t, h, r := d.w[:hi], d.a[:hi], d.ia[:hi], d.t[:hi], d.h[:hi], d.r[:hi]
	p, s, x := d.p[:hi], d.s[:hi], d.x[:hi]
	g, gu, gw := d.c[cG], d.c[cGammaU], d.c[cGammaW]
	for i := lo; i < hi; i++ {
		ai := a[i]
		wi := w[i] + float64(float64(g*(float64(float64(h[i]*x[i])-gu)+float64(float64(gw*ai)*w[i])))*ia[i])
		w[i] = wi
		ws := ai * wi
		d.weightSums(i&3, wi, ws, r[i])
		d.trace(i&3, p, s, x, t, i, ws)
	}
}

// weightSums adds w to Σw, ws r̂ to Σ r̂ f(w) and (ws ws) r̂ to Σ r̂ f(w)².
func (d *densePass) weightSums(l int, w, ws, r float64) {
	d.acc[sumW][l] += w
	d.acc[sumWR][l] += float64(ws * r)
	d.acc[sumW2R][l] += float64(float64(ws*ws) * r)
}

// laneSum is a sum kept in the dense pass's lanes, for the loops outside
// it that must give its numbers bit for bit (Update's four-pass form):
// add the terms with their afferent index, read it with Total.
type laneSum [4]float64

// Add adds v, the term of afferent i.
func (s *laneSum) Add(i int, v float64) { s[i&3] += v }

// Total is the sum, with the lanes added as the dense pass adds them.
func (s *laneSum) Total() float64 { return (s[0] + s[1]) + (s[2] + s[3]) }

// LaneDot returns Σ a_i b_i summed in the dense pass's lane order, so that
// a four-pass loop computes the teacher's potential w*·x bit for bit as
// the fused pass does.
func LaneDot(a, b []float64) float64 {
	var s laneSum
	b = b[:len(a)]
	for i, ai := range a {
		s.Add(i, float64(ai*b[i]))
	}
	return s.Total()
}
