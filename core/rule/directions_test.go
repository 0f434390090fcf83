package rule

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
)

// TestDirectionsAreTheUpdatesWithoutTheErrorFactor checks, for every rule,
// that Directions times η e is the sum of Decompose's parts, that the
// Euclidean direction is x and that the natural direction is G⁻¹x with the
// closed-form inverse Fisher matrix (Eqns 12, 100–105).
func TestDirectionsAreTheUpdatesWithoutTheErrorFactor(t *testing.T) {
	const n, m = 6, 5
	xs, _, rates := stream(n, 400, 3)
	w := randomWeights(n, 4, 0.5)
	samples := make([]float64, 0, m*n)
	for s := 0; s < m; s++ {
		samples = append(samples, xs[100+50*s]...)
	}
	k := neuron.DefaultKernel()
	tr := neuron.DefaultSigmoid()
	for _, kind := range Kinds() {
		cfg := DefaultConfig(kind, 1e-3)
		l, err := New(cfg, tr, k, nil, rates)
		if err != nil {
			t.Fatal(err)
		}
		dst, steps := make([]float64, m*n), make([]Step, m)
		if err := l.Directions(dst, w, samples, steps); err != nil {
			t.Fatal(err)
		}
		if l.Bin() != 0 {
			t.Errorf("%v: Directions advanced the learner", kind)
		}
		for s := 0; s < m; s++ {
			x, d := samples[s*n:(s+1)*n], dst[s*n:(s+1)*n]
			c := Components{Hom: make([]float64, n), HetU: make([]float64, n), HetW: make([]float64, n)}
			fresh, _ := New(cfg, tr, k, nil, rates)
			st, err := fresh.Decompose(&c, w, x, 1)
			if err != nil {
				t.Fatal(err)
			}
			if got := steps[s]; math.Abs(got.V-st.V) > 1e-12*math.Abs(st.V) || got.GammaS != st.GammaS ||
				math.Abs(got.GammaU-st.GammaU) > 1e-12*math.Abs(st.GammaU) || math.Abs(got.GammaW-st.GammaW) > 1e-12*math.Abs(st.GammaW)+1e-300 {
				t.Errorf("%v sample %d: Directions step %+v, Decompose step %+v", kind, s, got, st)
			}
			e := cfg.Eta * st.Error
			for i := range d {
				sum := c.Hom[i] + c.HetU[i] + c.HetW[i]
				if math.Abs(e*d[i]-sum) > 1e-12*math.Abs(sum) {
					t.Errorf("%v sample %d: η e × direction[%d] = %v, Decompose %v", kind, s, i, e*d[i], sum)
				}
			}
			checkClosedForm(t, kind, tr, k, w, x, d, rates)
		}
	}
}

func checkClosedForm(t *testing.T, kind Kind, tr neuron.Transfer, k neuron.Kernel, w, x, d, rates []float64) {
	t.Helper()
	var want []float64
	switch kind {
	case Euclidean:
		want = x
	case Natural:
		eng, _ := fisher.NewEngine(tr)
		mu, variance, q := fisher.InputStatistics(k, w, rates)
		co, err := eng.Coefficients(mu, variance, q, k.Eps0)
		if err != nil {
			t.Fatal(err)
		}
		inv := mat.NewSymDense(len(w), nil)
		fisher.InverseMatrix(inv, co, k, w, rates)
		var v mat.VecDense
		v.MulVec(inv, mat.NewVecDense(len(x), x))
		want = v.RawVector().Data
	default:
		return
	}
	for i := range d {
		if math.Abs(d[i]-want[i]) > 1e-9*(math.Abs(want[i])+1e-3*mat.Norm(mat.NewVecDense(len(want), want), 2)) {
			t.Errorf("%v direction[%d] = %v, closed form %v", kind, i, d[i], want[i])
		}
	}
}
