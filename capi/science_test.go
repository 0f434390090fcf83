package capi

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/config"
)

func TestCoefficientsIntoMatchesTheEngineOnEveryRow(t *testing.T) {
	n := 3*coefficientBlock + 5 // several blocks on several workers
	mu, v, q := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range mu {
		mu[i], v[i], q[i] = -10+25*float64(i)/float64(n), 5+float64(i%7), 78
	}
	out := make([]float64, n*len(CoefficientColumns))
	var done int64
	if err := coefficientsInto(context.Background(), defaultEngine(t), mu, v, q, 0, out, Progress{&done}); err != nil {
		t.Fatal(err)
	}
	e, _ := fisher.NewEngine(neuron.DefaultSigmoid())
	for _, i := range []int{0, 70, n - 1} {
		c, _ := e.Coefficients(mu[i], v[i], q[i], 1)
		row := out[i*11 : i*11+11]
		if row[0] != c.GammaS || row[1] != c.G1 || row[5] != c.C1 || row[10] != c.I3 {
			t.Errorf("row %d = %v, want %+v", i, row, c)
		}
	}
	if done != int64(n) {
		t.Errorf("progress %d, want %d", done, n)
	}
}

func TestCoefficientsIntoErrorsNameParameterAndIndex(t *testing.T) {
	one := []float64{1}
	out := make([]float64, 11)
	for _, c := range []struct {
		mu, v, q []float64
		want     string
	}{
		{[]float64{math.NaN()}, one, one, "mean[0] must be finite"},
		{one, []float64{0}, one, "var[0] must be > 0"},
		{one, one, []float64{-1}, "q[0] must be > 0"},
		{[]float64{100}, one, one, "at index 0"}, // μ² > qσ²: rejected by package fisher
	} {
		err := coefficientsInto(context.Background(), defaultEngine(t), c.mu, c.v, c.q, 0, out, Progress{})
		if err == nil || !strings.Contains(err.Error(), c.want) || statusOf(err) != StatusInvalid {
			t.Errorf("got %v, want an invalid-argument error containing %q", err, c.want)
		}
	}
}

func TestFisherIntoIsSymmetricAndInverts(t *testing.T) {
	w, r := []float64{0.02, -0.01, 0.03}, []float64{10, 50, 20}
	g, gi := make([]float64, 9), make([]float64, 9)
	if err := fisherInto(config.DefaultNeuron(), w, r, g, false); err != nil {
		t.Fatal(err)
	}
	if err := fisherInto(config.DefaultNeuron(), w, r, gi, true); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for j := range 3 {
			if g[i*3+j] != g[j*3+i] {
				t.Errorf("G not symmetric at (%d, %d)", i, j)
			}
			s := 0.0
			for k := range 3 {
				s += gi[i*3+k] * g[k*3+j]
			}
			if want := float64(btoi(i == j)); math.Abs(s-want) > 1e-10 {
				t.Errorf("(G⁻¹G)[%d,%d] = %v", i, j, s)
			}
		}
	}
	if err := fisherInto(config.DefaultNeuron(), w, []float64{10, 0, 1}, gi, true); err == nil ||
		!strings.Contains(err.Error(), "rates[1] must be > 0") {
		t.Errorf("zero rate for the inverse: %v", err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
