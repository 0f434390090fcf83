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
//
// Without a teacher (teacher false) the sum w*·x is not wanted: the
// assembly kernel neither reads t nor touches its lanes, the generic one
// sums over t as given (zeros), and sum T is not to be read.
type densePass struct {
	w, p, s, x, t []float64 // weights, traces P and S, USPs, teacher weights
	a, ia         []float64 // α and 1/α of the linear parametrization
	h, r          []float64 // homosynaptic gains c_ε/r̂ and rates r̂
	c             [6]float64
	acc           [6][4]float64
	teacher       bool // whether the pass sums w*·x
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
	d.generic(f, bulk, n)
}

// genericChunk is the number of afferents the generic kernel's 4 lane
// sweeps share while they stay in the L1 cache.
const genericChunk = 512

// generic runs form f over afferents lo … hi−1 (lo a multiple of 4): lane
// by lane, so that the lane's sums stay in registers, over chunks of
// genericChunk afferents.
func (d *densePass) generic(f denseForm, lo, hi int) {
	for c := lo; c < hi; c += genericChunk {
		e := min(c+genericChunk, hi)
		for l := range 4 {
			switch f {
			case densePotentials:
				d.potentials(l, c+l, e)
			case denseEuclidean:
				d.euclidean(l, c+l, e)
			case denseSomatic:
				d.somatic(l, c+l, e)
			default:
				d.linear(l, c+l, e)
			}
		}
	}
}

// mustCover panics unless every slice form f uses has n entries or more.
func (d *densePass) mustCover(f denseForm, n int) {
	ok := len(d.w) >= n && len(d.p) >= n && len(d.s) >= n && len(d.x) >= n && (!d.teacher || len(d.t) >= n)
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

// The lane kernels below run lane l over the afferents from, from+4, …
// below to, continuing the lane's sums.

// potentials advances the traces and sums α w x, x and w* x.
func (d *densePass) potentials(l, from, to int) {
	w, a, t, p, s, x := d.w[:to], d.a[:to], d.t[:to], d.p[:to], d.s[:to], d.x[:to]
	dm, ds, gain := d.c[cDecayM], d.c[cDecayS], d.c[cGain]
	v, sx, vt := d.acc[sumV][l], d.acc[sumX][l], d.acc[sumT][l]
	for i := from; i < to; i += 4 {
		xi := traceStep(p, s, x, i, dm, ds, gain)
		v, sx, vt = addPotentials(v, sx, vt, a[i]*w[i], xi, t[i])
	}
	d.acc[sumV][l], d.acc[sumX][l], d.acc[sumT][l] = v, sx, vt
}

// traceStep decays the traces of afferent i and returns its new USP.
func traceStep(p, s, x []float64, i int, dm, ds, gain float64) float64 {
	pi, si := p[i]*dm, s[i]*ds
	xi := float64(gain * (pi - si)) // rounded before the sums add it (no FMA)
	p[i], s[i], x[i] = pi, si, xi
	return xi
}

// addPotentials adds f(w) x, x and w* x of one afferent to V, Σx and V*.
func addPotentials(v, sx, vt, ws, x, t float64) (float64, float64, float64) {
	return v + float64(ws*x), sx + x, vt + float64(t*x)
}

// addWeightSums adds w, f(w) r̂ and f(w)² r̂ of one afferent to Σw,
// Σ r̂ f(w) and Σ r̂ f(w)².
func addWeightSums(sw, wr, w2r, w, ws, r float64) (float64, float64, float64) {
	return sw + w, wr + float64(ws*r), w2r + float64(float64(ws*ws)*r)
}

// euclidean applies w += (e α) x, then the trace step, adding w to Σw.
func (d *densePass) euclidean(l, from, to int) {
	w, a, t, p, s, x := d.w[:to], d.a[:to], d.t[:to], d.p[:to], d.s[:to], d.x[:to]
	dm, ds, gain, e := d.c[cDecayM], d.c[cDecayS], d.c[cGain], d.c[cG]
	v, sx, vt, sw := d.acc[sumV][l], d.acc[sumX][l], d.acc[sumT][l], d.acc[sumW][l]
	for i := from; i < to; i += 4 {
		ai := a[i]
		wi := w[i] + float64(float64(e*ai)*x[i])
		w[i] = wi
		sw += wi
		xi := traceStep(p, s, x, i, dm, ds, gain)
		v, sx, vt = addPotentials(v, sx, vt, ai*wi, xi, t[i])
	}
	d.acc[sumV][l], d.acc[sumX][l], d.acc[sumT][l], d.acc[sumW][l] = v, sx, vt, sw
}

// somatic applies w += g ((h x − γ_u) + γ_w w) (the natural rules with
// α = 1), then the trace step.
func (d *densePass) somatic(l, from, to int) {
	w, t, h, r, p, s, x := d.w[:to], d.t[:to], d.h[:to], d.r[:to], d.p[:to], d.s[:to], d.x[:to]
	dm, ds, gain, g, gu, gw := d.c[cDecayM], d.c[cDecayS], d.c[cGain], d.c[cG], d.c[cGammaU], d.c[cGammaW]
	v, sx, vt, sw, wr, w2r := d.lane(l)
	for i := from; i < to; i += 4 {
		wi := w[i] + float64(g*(float64(float64(h[i]*x[i])-gu)+float64(gw*w[i])))
		w[i] = wi
		sw, wr, w2r = addWeightSums(sw, wr, w2r, wi, wi, r[i])
		xi := traceStep(p, s, x, i, dm, ds, gain)
		v, sx, vt = addPotentials(v, sx, vt, wi, xi, t[i])
	}
	d.setLane(l, v, sx, vt, sw, wr, w2r)
}

// linear applies w += (g ((h x − γ_u) + (γ_w α) w)) α⁻¹ (the natural
// rules, dendritic weights), then the trace step.
func (d *densePass) linear(l, from, to int) {
	w, a, ia, t, h, r := d.w[:to], d.a[:to], d.ia[:to], d.t[:to], d.h[:to], d.r[:to]
	p, s, x := d.p[:to], d.s[:to], d.x[:to]
	dm, ds, gain, g, gu, gw := d.c[cDecayM], d.c[cDecayS], d.c[cGain], d.c[cG], d.c[cGammaU], d.c[cGammaW]
	v, sx, vt, sw, wr, w2r := d.lane(l)
	for i := from; i < to; i += 4 {
		ai := a[i]
		wi := w[i] + float64(float64(g*(float64(float64(h[i]*x[i])-gu)+float64(float64(gw*ai)*w[i])))*ia[i])
		w[i] = wi
		ws := ai * wi
		sw, wr, w2r = addWeightSums(sw, wr, w2r, wi, ws, r[i])
		xi := traceStep(p, s, x, i, dm, ds, gain)
		v, sx, vt = addPotentials(v, sx, vt, ws, xi, t[i])
	}
	d.setLane(l, v, sx, vt, sw, wr, w2r)
}

// lane returns the 6 sums of lane l.
func (d *densePass) lane(l int) (v, sx, vt, sw, wr, w2r float64) {
	a := &d.acc
	return a[sumV][l], a[sumX][l], a[sumT][l], a[sumW][l], a[sumWR][l], a[sumW2R][l]
}

// setLane stores the 6 sums of lane l.
func (d *densePass) setLane(l int, v, sx, vt, sw, wr, w2r float64) {
	a := &d.acc
	a[sumV][l], a[sumX][l], a[sumT][l], a[sumW][l], a[sumWR][l], a[sumW2R][l] = v, sx, vt, sw, wr, w2r
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
	b = b[:len(a)]
	bulk := len(a) &^ 3
	var s0, s1, s2, s3 float64
	for i := 0; i < bulk; i += 4 { // the four lanes' chains side by side
		a, b := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += float64(a[0] * b[0])
		s1 += float64(a[1] * b[1])
		s2 += float64(a[2] * b[2])
		s3 += float64(a[3] * b[3])
	}
	s := laneSum{s0, s1, s2, s3}
	for i := bulk; i < len(a); i++ {
		s.Add(i, float64(a[i]*b[i]))
	}
	return s.Total()
}
