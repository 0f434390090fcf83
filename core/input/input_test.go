package input

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/neuron"
)

func TestPoissonSpikeCountsAreBernoulliPerBin(t *testing.T) {
	dt := 0.0005
	rates := []float64{0, 5, 50, 400}
	src, err := NewPoisson(rates, dt, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	const bins = 400000
	counts := make([]float64, len(rates))
	var spikes []int
	for b := 0; b < bins; b++ {
		spikes, _ = src.Next(spikes)
		for _, i := range spikes {
			counts[i]++
		}
	}
	for i, r := range rates {
		p := r * dt
		sd := math.Sqrt(bins * p * (1 - p))
		if d := math.Abs(counts[i] - bins*p); d > 4*sd+1e-9 {
			t.Errorf("afferent %d: %v spikes, want %v ± %v", i, counts[i], bins*p, 4*sd)
		}
	}
}

func TestTracesSampleKernelExactly(t *testing.T) {
	for _, k := range []neuron.Kernel{neuron.DefaultKernel(), {Eps0: 2, TauM: 0.01, TauS: 0.01, Dt: 0.0005}, {Eps0: 1, TauM: 0.01, TauS: 0.02, Dt: 0.001}} {
		spikeBins := map[int]bool{0: true, 3: true, 40: true}
		tr := NewTraces(k, 1)
		for b := 0; b < 200; b++ {
			var s []int
			if spikeBins[b] {
				s = []int{0}
			}
			tr.Step(s)
			want := 0.0
			for sb := range spikeBins {
				want += k.Eval(float64(b-sb) * k.Dt)
			}
			if d := math.Abs(tr.X[0] - want); d > 1e-12*math.Max(1, want) {
				t.Fatalf("kernel %+v bin %d: x = %v, convolution %v", k, b, tr.X[0], want)
			}
		}
	}
}

func TestUSPStationaryMomentsC1(t *testing.T) {
	k := neuron.DefaultKernel()
	rates := []float64{10, 50}
	src, _ := NewPoisson(rates, k.Dt, rand.New(rand.NewPCG(7, 8)))
	tr := NewTraces(k, 2)
	var spikes []int
	var sum, sq [2]float64
	const burn, bins = 2000, 4000000
	for b := 0; b < burn+bins; b++ {
		spikes, _ = src.Next(spikes)
		tr.Step(spikes)
		if b >= burn {
			for i, x := range tr.X {
				sum[i] += x
				sq[i] += x * x
			}
		}
	}
	for i, r := range rates {
		mean := sum[i] / bins
		v := sq[i]/bins - mean*mean
		wantV := r * (1 - r*k.Dt) / k.CEps()
		if math.Abs(mean/r-1) > 0.01 {
			t.Errorf("rate %v: mean USP %v, want %v ±1%%", r, mean, r)
		}
		if math.Abs(v/wantV-1) > 0.03 {
			t.Errorf("rate %v: USP variance %v, want %v ±3%%", r, v, wantV)
		}
	}
}

func TestReplayPlaysBackAndValidates(t *testing.T) {
	r, err := NewReplay([]float64{1, 0, 0, 1, 1, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]int
	for b := 0; b < 3; b++ {
		s, err := r.Next(nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if len(got[0]) != 1 || got[0][0] != 0 || got[1][0] != 1 || len(got[2]) != 2 {
		t.Errorf("replay %v", got)
	}
	if _, err := r.Next(nil); err == nil || !strings.Contains(err.Error(), "exhausted") {
		t.Errorf("want exhausted error, got %v", err)
	}
	if _, err := NewReplay([]float64{0, 2}, 2); err == nil || !strings.Contains(err.Error(), "0 or 1") {
		t.Errorf("want value error, got %v", err)
	}
	if _, err := NewReplay([]float64{0, 1, 0}, 2); err == nil {
		t.Error("want shape error")
	}
}

func TestValidateRatesNamesTheOffendingAfferent(t *testing.T) {
	for _, c := range []struct {
		rates []float64
		want  string
	}{{[]float64{1, -1}, "rates[1]"}, {[]float64{math.NaN()}, "rates[0]"}, {[]float64{5, 2000}, "rates[1]*dt"}, {nil, "n >= 1"}, {[]float64{10, 5e-324}, "rates[1] = 5e-324 Hz is subnormal"}} {
		if err := ValidateRates(c.rates, 0.0005); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want mention of %q", c.rates, err, c.want)
		}
	}
}

func TestSampleUSPsStartFromZero(t *testing.T) {
	k := neuron.DefaultKernel()
	dst := make([]float64, 3*2)
	if err := SampleUSPs(dst, k, []float64{0, 50}, 500, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 3; s++ {
		if dst[2*s] != 0 {
			t.Errorf("silent afferent has USP %v", dst[2*s])
		}
	}
}
