package capi

import (
	"math"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/config"
)

func TestTransferIntoMatchesClosedForms(t *testing.T) {
	v := []float64{-40, 0, 7.7, 10, 12.5, 60}
	out := make([]float64, len(v))
	sig := config.DefaultNeuron()
	rq := sig
	rq.Transfer, rq.Params = config.RectifiedQuadratic, nil // nil: the family's defaults
	for _, tc := range []struct {
		c        config.NeuronConfig
		quantity string
		want     func(float64) float64
	}{
		{sig, "phi", func(x float64) float64 { return 100 / (1 + math.Exp(-0.3*(x-10))) }},
		{sig, "score_factor", func(x float64) float64 { return 0.3 / (1 + math.Exp(0.3*(x-10))) }},
		{rq, "phi", func(x float64) float64 { return 0.25 * math.Pow(math.Max(x-10, 0), 2) }},
		{rq, "dphi", func(x float64) float64 { return 0.5 * math.Max(x-10, 0) }},
		{rq, "fisher_density", func(x float64) float64 { return map[bool]float64{true: 1}[x > 10] }},
	} {
		if err := transferInto(tc.c, tc.quantity, v, out); err != nil {
			t.Fatal(err)
		}
		for i, x := range v {
			if w := tc.want(x); math.Abs(out[i]-w) > 1e-13*math.Max(1, math.Abs(w)) {
				t.Errorf("%s %s(%v) = %v, want %v", tc.c.Transfer, tc.quantity, x, out[i], w)
			}
		}
	}
	if err := transferInto(sig, "entropy", v, out); err == nil || !strings.Contains(err.Error(), "quantity must be") {
		t.Errorf("unknown quantity: %v", err)
	}
	if err := transferInto(sig, "phi", []float64{math.NaN()}, out[:1]); err == nil || !strings.Contains(err.Error(), "v[0]") {
		t.Errorf("NaN potential: %v", err)
	}
}

// TestUSPTracesAreKernelSums checks the filtered traces against the sum of
// kernel values ε((b − j) dt) over the spikes j < b (Eqn 28, closed form),
// for the two-exponential and the alpha kernel.
func TestUSPTracesAreKernelSums(t *testing.T) {
	const bins, n = 300, 3
	spikes := make([]float64, bins*n)
	for _, s := range [][2]int{{0, 0}, {5, 0}, {5, 1}, {40, 2}, {41, 2}, {200, 1}, {299, 0}} {
		spikes[s[0]*n+s[1]] = 1
	}
	for _, tauS := range []float64{0.003, 0.010} {
		c := config.DefaultNeuron()
		c.TauS = tauS
		out := make([]float64, bins*n)
		if err := uspTraces(c, spikes, n, out); err != nil {
			t.Fatal(err)
		}
		k := neuron.Kernel{Eps0: c.Eps0, TauM: c.TauM, TauS: c.TauS, Dt: c.Dt}
		for b := 0; b < bins; b++ {
			for i := 0; i < n; i++ {
				want := 0.0
				for j := 0; j < b; j++ {
					want += spikes[j*n+i] * k.Eval(float64(b-j)*k.Dt)
				}
				if got := out[b*n+i]; math.Abs(got-want) > 1e-11*math.Max(1, want) {
					t.Fatalf("tau_s = %v: x[%d, %d] = %v, kernel sum %v", tauS, b, i, got, want)
				}
			}
		}
	}
	if err := uspTraces(config.DefaultNeuron(), []float64{0, 2}, 2, make([]float64, 2)); err == nil {
		t.Error("a spike count of 2 was accepted")
	}
}

func TestUpdateDirectionsRefusesBadRules(t *testing.T) {
	c := config.DefaultNeuron()
	w, r, x := []float64{0.01, 0.02}, []float64{10, 50}, []float64{1, 2}
	out := make([]float64, 2)
	for js, want := range map[string]string{
		`{"rule":"hebbian"}`:             `rule must be one of "euclidean", "natural", "approximate"`,
		`{"rule":"natural","c_x":1}`:     "unknown field",
		`{"rule":"approximate","c_u":1}`: "",
	} {
		err := updateDirections(c, js, w, r, x, out, nil)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: %v, want %q", js, err, want)
		}
	}
	if err := updateDirections(c, `{"rule":"natural"}`, w, []float64{10, 0}, x, out, nil); err == nil || !strings.Contains(err.Error(), "rates") {
		t.Errorf("zero rate: %v", err)
	}
}

func TestVoltageStatisticsAreTheGaussianMoments(t *testing.T) {
	w := []float64{0.1, -0.2, 0.3, 0.05, 0, 1}
	r := []float64{10, 50, 5, 20, 0, 3}
	out := make([]float64, 6)
	if err := voltageStatistics(config.DefaultNeuron(), w, r, 3, out); err != nil {
		t.Fatal(err)
	}
	const cEps = 0.026 // 2 (τ_m + τ_s)/ε0², Eqn 31
	for row, want := range [][3]float64{
		{0.1*10 - 0.2*50 + 0.3*5, (0.01*10 + 0.04*50 + 0.09*5) / cEps, cEps * 65},
		{0.05*20 + 1*3, (0.0025*20 + 1*3) / cEps, cEps * 23},
	} {
		for j := range want {
			if got := out[3*row+j]; math.Abs(got-want[j]) > 1e-13*math.Abs(want[j]) {
				t.Errorf("row %d column %d = %v, want %v", row, j, got, want[j])
			}
		}
	}
}
