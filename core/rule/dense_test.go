package rule

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/avofile"
	"github.com/natspike/natspike/internal/kernelenv"
)

var denseForms = []denseForm{densePotentials, denseEuclidean, denseSomatic, denseLinear}

// randomPass returns a pass over n afferents with random state, the same
// for the same seed.
func randomPass(n int, seed uint64) densePass {
	rng := rand.New(rand.NewPCG(seed, 99))
	vec := func(lo, hi float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = lo + (hi-lo)*rng.Float64()
		}
		return v
	}
	d := densePass{w: vec(-2, 2), p: vec(0, 3), s: vec(0, 2), x: vec(0, 1), t: vec(-1, 1),
		a: vec(0.2, 1.5), h: vec(0.01, 0.2), r: vec(5, 60), teacher: true}
	d.ia = make([]float64, n)
	for i, a := range d.a {
		d.ia[i] = 1 / a
	}
	d.c = [6]float64{0.9, 0.95, 1.3, 1e-3 * (rng.Float64() - 0.5), 0.3 * rng.Float64(), rng.Float64() - 0.5}
	return d
}

// clonePass copies every slice of d.
func clonePass(d densePass) densePass {
	c := d
	for _, v := range []*[]float64{&c.w, &c.p, &c.s, &c.x, &c.t, &c.a, &c.ia, &c.h, &c.r} {
		*v = append([]float64(nil), (*v)...)
	}
	return c
}

// naivePass is the pass written out afferent by afferent, in afferent
// order, independently of dense.go: its weights, traces and USPs must be
// bit-identical (they do not depend on the order of the sums), its sums
// equal to rounding.
func naivePass(d *densePass, f denseForm) (sums [6]float64) {
	dm, ds, gain, g, gu, gw := d.c[0], d.c[1], d.c[2], d.c[3], d.c[4], d.c[5]
	for i := range d.w {
		w, ws := d.w[i], d.w[i]
		switch f {
		case densePotentials:
			ws = d.a[i] * w
		case denseEuclidean:
			w += float64(float64(g*d.a[i]) * d.x[i])
			ws = d.a[i] * w
		case denseSomatic:
			w += float64(g * (float64(float64(d.h[i]*d.x[i])-gu) + float64(gw*w)))
			ws = w
		case denseLinear:
			a := d.a[i]
			w += float64(float64(g*(float64(float64(d.h[i]*d.x[i])-gu)+float64(float64(gw*a)*w))) * d.ia[i])
			ws = a * w
		}
		d.w[i] = w
		d.p[i], d.s[i] = d.p[i]*dm, d.s[i]*ds
		d.x[i] = gain * (d.p[i] - d.s[i])
		sums[sumV] += ws * d.x[i]
		sums[sumX] += d.x[i]
		sums[sumT] += d.t[i] * d.x[i]
		sums[sumW] += w
		sums[sumWR] += ws * d.r[i]
		sums[sumW2R] += ws * ws * d.r[i]
	}
	return sums
}

// denseSizes are the lengths the kernels are tested at: every tail.
func denseSizes() []int {
	var ns []int
	for n := 1; n <= 37; n++ {
		ns = append(ns, n)
	}
	return append(ns, 100, 1000, 1001)
}

// usedSums are the sums form f computes.
func usedSums(f denseForm) []int {
	switch f {
	case densePotentials:
		return []int{sumV, sumX, sumT}
	case denseEuclidean:
		return []int{sumV, sumX, sumT, sumW}
	}
	return []int{sumV, sumX, sumT, sumW, sumWR, sumW2R}
}

// TestDenseKernelsAreBitIdentical runs every kernel of this CPU and every
// form, with and without the teacher's sum, over random inputs for 3
// successive bins at every length 1 … 37 (every tail of the 4-wide
// kernel), 100, 1000 and 1001: weights, traces, USPs and the lane sums are
// bit-identical to the generic kernel's, the element-wise state
// bit-identical to a naive afferent-order loop and the sums equal to its
// sums to rounding (≤ 1e-12 of the sum of |terms|).
func TestDenseKernelsAreBitIdentical(t *testing.T) {
	if runtime.GOARCH == "amd64" && len(denseKernels()) < 2 {
		t.Log("this CPU has no AVX2: only the generic kernel is tested")
	}
	for _, k := range denseKernels() {
		for _, f := range denseForms {
			for _, teacher := range []bool{true, false} {
				for _, n := range denseSizes() {
					kernelsAgree(t, k, f, teacher, n)
				}
			}
		}
	}
}

// kernelsAgree runs 3 bins of form f over n afferents with kernel k and
// the generic kernel (see TestDenseKernelsAreBitIdentical).
func kernelsAgree(t *testing.T, k denseKernel, f denseForm, teacher bool, n int) {
	t.Helper()
	got, ref, naive := randomPass(n, uint64(n)), randomPass(n, uint64(n)), randomPass(n, uint64(n))
	got.teacher, ref.teacher = teacher, teacher
	for bin := range 3 {
		got.acc, ref.acc = [6][4]float64{}, [6][4]float64{}
		got.run(k, f)
		ref.run(genericDense, f)
		want := naivePass(&naive, f)
		where := fmt.Sprintf("%v form %d teacher %v n %d bin %d", k, f, teacher, n, bin)
		sameBits(t, where, got, ref)
		sameBits(t, where+" (naive)", got, naive)
		for _, j := range usedSums(f) {
			if j == sumT && !teacher {
				continue // not formed
			}
			if got.acc[j] != ref.acc[j] {
				t.Fatalf("%s: sum %d lanes %v, generic %v", where, j, got.acc[j], ref.acc[j])
			}
			if d := math.Abs(got.total(j) - want[j]); d > 1e-12*(math.Abs(want[j])+1) {
				t.Fatalf("%s: sum %d = %v, afferent order %v", where, j, got.total(j), want[j])
			}
		}
	}
}

// sameBits fails unless a and b hold the same weights, traces and USPs.
func sameBits(t *testing.T, where string, a, b densePass) {
	t.Helper()
	for _, v := range []struct {
		name string
		x, y []float64
	}{{"w", a.w, b.w}, {"p", a.p, b.p}, {"s", a.s, b.s}, {"x", a.x, b.x}} {
		for i := range v.x {
			if math.Float64bits(v.x[i]) != math.Float64bits(v.y[i]) {
				t.Fatalf("%s: %s[%d] = %v, want %v", where, v.name, i, v.x[i], v.y[i])
			}
		}
	}
}

// TestDenseKernelsAgreeOverALongTrial: 4000 bins of Advance/Stage with
// each kernel (n = 37: a tail of 1), for every rule, somatic and
// dendritic: the weights are bit-identical, and they moved.
func TestDenseKernelsAgreeOverALongTrial(t *testing.T) {
	const n, bins = 37, 4000
	_, _, rates := stream(n, 1, 41)
	alpha := dendriticScales(n, 42)
	for _, kind := range []Kind{Euclidean, Natural, Approximate} {
		for _, p := range []neuron.Parametrization{nil, neuron.Dendritic{Alpha: alpha}} {
			var w [][]float64
			for _, k := range denseKernels() {
				w = append(w, longTrial(t, k, kind, p, rates, bins))
			}
			w0 := randomWeights(n, 43, 1)
			change := 0.0
			for i := range w0 {
				change = math.Max(change, math.Abs(w[0][i]-w0[i]))
			}
			if change < 1e-3 {
				t.Fatalf("%v %v: weights moved by %.3g only", kind, p, change)
			}
			for _, wk := range w[1:] {
				for i := range wk {
					if math.Float64bits(wk[i]) != math.Float64bits(w[0][i]) {
						t.Fatalf("%v %v: w[%d] = %v generic, %v %v", kind, p, i, wk[i], w[0][i], denseKernels()[0])
					}
				}
			}
		}
	}
}

// longTrial runs bins of the fused pipeline with kernel k and returns the
// final weights.
func longTrial(t *testing.T, k denseKernel, kind Kind, p neuron.Parametrization, rates []float64, bins int) []float64 {
	t.Helper()
	defer func(old denseKernel) { selectedDense = old }(selectedDense)
	selectedDense = k
	n := len(rates)
	l := mustLearner(t, DefaultConfig(kind, 0.05), p, rates)
	w, target := randomWeights(n, 43, 1), randomWeights(n, 44, 1)
	tr := input.NewTraces(neuron.DefaultKernel(), n)
	rng := rand.New(rand.NewPCG(45, 0))
	var spikes []int
	for b := range bins {
		spikes = poissonBin(spikes[:0], rates, rng)
		pot, err := l.Advance(w, tr, spikes, target)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Stage(w, pot, float64(rng.IntN(40)/39)); err != nil {
			t.Fatalf("bin %d: %v", b, err)
		}
	}
	if err := l.Flush(w, tr.X); err != nil {
		t.Fatal(err)
	}
	return w
}

// dendriticScales returns n random dendritic scales α in [0.6, 0.6 + 0.4/n).
func dendriticScales(n int, seed uint64) []float64 {
	alpha := randomWeights(n, seed, 0.4)
	for i := range alpha {
		alpha[i] = 0.6 + math.Abs(alpha[i])
	}
	return alpha
}

// poissonBin appends to spikes the afferents that spike in a 1-ms bin at
// the given rates (Hz).
func poissonBin(spikes []int, rates []float64, rng *rand.Rand) []int {
	for i, r := range rates {
		if rng.Float64() < r*1e-3 {
			spikes = append(spikes, i)
		}
	}
	return spikes
}

// TestForcedGenericDenseKernel: NATSPIKE_KERNEL=generic selects the
// generic kernel; otherwise the fastest this CPU has.
func TestForcedGenericDenseKernel(t *testing.T) {
	t.Setenv(kernelenv.Variable, "")
	if got, want := selectDense(), denseKernels()[0]; got != want {
		t.Fatalf("selected %v, want %v", got, want)
	}
	t.Setenv(kernelenv.Variable, "generic")
	if got := selectDense(); got != genericDense {
		t.Fatalf("NATSPIKE_KERNEL=generic selected %v", got)
	}
}

// TestGeneratedAssemblyIsCurrent regenerates dense_amd64.s and its stubs
// with internal/asmgen and compares them with the committed files.
func TestGeneratedAssemblyIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	avofile.CheckCurrent(t, "./internal/asmgen", "dense_amd64.s", "dense_stub_amd64.go")
}

// TestAdvanceWithoutTeacher: Advance without teacher weights gives the
// same weights, traces and potentials bit for bit as with them, for every
// kernel, rule and parametrization, and LaneDot(teacher, tr.X) after it
// is the Teacher potential of the pass that formed w*·x.
func TestAdvanceWithoutTeacher(t *testing.T) {
	const n, bins = 39, 300
	_, _, rates := stream(n, 1, 51)
	alpha := dendriticScales(n, 52)
	for _, k := range denseKernels() {
		for _, kind := range []Kind{Euclidean, Natural, Approximate} {
			for _, p := range []neuron.Parametrization{nil, neuron.Dendritic{Alpha: alpha}} {
				advanceWithoutTeacher(t, k, kind, p, rates, bins)
			}
		}
	}
}

func advanceWithoutTeacher(t *testing.T, k denseKernel, kind Kind, p neuron.Parametrization, rates []float64, bins int) {
	t.Helper()
	defer func(old denseKernel) { selectedDense = old }(selectedDense)
	selectedDense = k
	n := len(rates)
	with, without := mustLearner(t, DefaultConfig(kind, 0.05), p, rates), mustLearner(t, DefaultConfig(kind, 0.05), p, rates)
	w1, w2, target := randomWeights(n, 53, 1), randomWeights(n, 53, 1), randomWeights(n, 54, 1)
	tr1, tr2 := input.NewTraces(neuron.DefaultKernel(), n), input.NewTraces(neuron.DefaultKernel(), n)
	rng := rand.New(rand.NewPCG(55, 0))
	var spikes []int
	for b := range bins {
		spikes = poissonBin(spikes[:0], rates, rng)
		pot1, err1 := with.Advance(w1, tr1, spikes, target)
		pot2, err2 := without.Advance(w2, tr2, spikes, nil)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		where := fmt.Sprintf("%v %v %v bin %d", k, kind, p, b)
		if pot2.Teacher != 0 || math.Float64bits(LaneDot(target, tr2.X)) != math.Float64bits(pot1.Teacher) {
			t.Fatalf("%s: Teacher %v without, LaneDot %v, with %v", where, pot2.Teacher, LaneDot(target, tr2.X), pot1.Teacher)
		}
		pot2.Teacher = pot1.Teacher
		if pot1 != pot2 {
			t.Fatalf("%s: potentials %+v with teacher, %+v without", where, pot1, pot2)
		}
		y := float64(rng.IntN(40) / 39)
		if _, err := with.Stage(w1, pot1, y); err != nil {
			t.Fatal(err)
		}
		if _, err := without.Stage(w2, pot2, y); err != nil {
			t.Fatal(err)
		}
		sameBits(t, where, densePass{w: w1, p: tr1.P, s: tr1.S, x: tr1.X}, densePass{w: w2, p: tr2.P, s: tr2.S, x: tr2.X})
	}
}

// TestLaneDotAddsInTheLanesOfThePass: for every length 0 … 41, LaneDot is
// bit for bit the sum of a_i b_i added afferent by afferent into the lane
// i mod 4, the lanes added as (l0 + l1) + (l2 + l3), and it equals the
// afferent-order dot product to rounding.
func TestLaneDotAddsInTheLanesOfThePass(t *testing.T) {
	for n := range 42 {
		d := randomPass(n, uint64(n)+7)
		var lanes [4]float64
		plain := 0.0
		for i := range n {
			lanes[i%4] += d.t[i] * d.x[i]
			plain += d.t[i] * d.x[i]
		}
		want := (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
		got := LaneDot(d.t, d.x)
		if math.Float64bits(got) != math.Float64bits(want) || math.Abs(got-plain) > 1e-13*float64(n+1) {
			t.Fatalf("n = %d: LaneDot %v, lanes %v, afferent order %v", n, got, want, plain)
		}
	}
}
