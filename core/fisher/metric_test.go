package fisher

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/neuron"
)

// TestEuclideanNormAndAngleByHand checks g == nil against hand computation.
func TestEuclideanNormAndAngleByHand(t *testing.T) {
	if got := Norm(nil, []float64{3, 4}); got != 5 {
		t.Errorf("Norm((3,4)) = %v, want 5", got)
	}
	for _, c := range []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 0}, []float64{1, 1}, math.Pi / 4},
		{[]float64{1, 0}, []float64{0, 2}, math.Pi / 2},
		{[]float64{1, 2}, []float64{-2, -4}, math.Pi},
		{[]float64{1, 0, 0}, []float64{1, math.Sqrt(3), 0}, math.Pi / 3},
	} {
		if got := Angle(nil, c.a, c.b); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("Angle(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if got := Angle(nil, []float64{0, 0}, []float64{1, 0}); !math.IsNaN(got) {
		t.Errorf("Angle with a zero vector = %v, want NaN", got)
	}
	// Tiny angles are resolved (arccos would lose them in rounding).
	if got := Angle(nil, []float64{1, 0}, []float64{1, 1e-10}); math.Abs(got-1e-10) > 1e-20 {
		t.Errorf("Angle of 1e-10 rad = %v", got)
	}
}

// TestFisherAngleIsScaleInvariantAndMatchesDefinition uses the Fisher
// metric of Eqn 81 for n = 50.
func TestFisherAngleIsScaleInvariantAndMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	e, _ := NewEngine(neuron.DefaultSigmoid())
	s := newFisherSetup(t, rng, e, neuron.DefaultKernel(), 50, 1)
	var g mat.SymDense
	Matrix(&g, s.c, s.k, s.ws, s.rates)
	a, b := make([]float64, 50), make([]float64, 50)
	for i := range a {
		a[i], b[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	va, vb := mat.NewVecDense(50, a), mat.NewVecDense(50, b)
	aga, bgb, agb := mat.Inner(va, &g, va), mat.Inner(vb, &g, vb), mat.Inner(va, &g, vb)
	if got := Norm(&g, a); relErr(got, math.Sqrt(aga)) > 1e-14 {
		t.Errorf("Norm = %v, want √(aᵀGa) = %v", got, math.Sqrt(aga))
	}
	want := math.Acos(agb / math.Sqrt(aga*bgb))
	got := Angle(&g, a, b)
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("Angle = %v, arccos definition %v", got, want)
	}
	a3, bh := make([]float64, 50), make([]float64, 50)
	for i := range a {
		a3[i], bh[i] = 3*a[i], 0.5*b[i]
	}
	if d := math.Abs(Angle(&g, a3, bh) - got); d > 1e-12 {
		t.Errorf("angle changes by %v under positive scaling", d)
	}
	if got := Angle(&g, a, a); got != 0 {
		t.Errorf("Angle(a, a) = %v, want 0", got)
	}
	if got := Angle(&g, a, a3); got > 1e-7 {
		t.Errorf("Angle(a, 3a) = %v, want ≈ 0", got)
	}
	if d := math.Abs(Angle(&g, a, b) - Angle(&g, b, a)); d > 1e-15 {
		t.Errorf("angle not symmetric: %v", d)
	}
	if d := math.Abs(Angle(&g, a, bh) + Angle(&g, a, negate(bh)) - math.Pi); d > 1e-12 {
		t.Errorf("angle(a, b) + angle(a, −b) − π = %v", d)
	}
}

func negate(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = -v
	}
	return y
}
