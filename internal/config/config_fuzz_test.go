package config

import (
	"math"
	"reflect"
	"testing"
)

// Fuzz targets for the JSON control plane: any bytes must decode to a
// validated configuration or an error, never a panic, and what decodes
// must round-trip and build.

func FuzzParseNeuron(f *testing.F) {
	for _, s := range []string{"", "{}", `{"beta":0.5}`, `{"transfer":"rectified_quadratic","scale":2,"theta":-3}`,
		`{"tau_m":0.0004}`, `{"dt":1e-300,"tau_s":1e300}`, `{"eps0":1e308}`, `{"phi_max":"x"}`, `[1,2]`, `null`,
		`{"dt":0.001} {}`, `{"tau_x":1}`, `{"theta":1e999}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseNeuron(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseNeuron accepted %q but Validate says %v", data, err)
		}
		again, err := ParseNeuron([]byte(c.JSON()))
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip of %q: %+v, %v (want %+v)", data, again, err, c)
		}
		_, k, err := c.Build()
		if err != nil || !(k.Dt > 0) || math.IsNaN(k.CEps()) {
			t.Fatalf("valid neuron %+v builds to kernel %+v, %v", c, k, err)
		}
	})
}

func FuzzParseTrain(f *testing.F) {
	for _, s := range []string{"{}", `{"rule":"natural","eta":0.001,"duration":0.01}`,
		`{"rule":"approximate","eta":1,"duration":1,"coefficient_refresh":-1,"teacher":"poisson","teacher_rate":20}`,
		`{"rule":"euclidean","eta":-1}`, `{"rule":"x"}`, `{"seed":-1}`, `{"seed":18446744073709551615}`,
		`{"teacher":"replay","duration":0.001}`, `{"test_samples":-5}`, `{"duration":0.01,"eta":1,"input_pool_size":3,"input_pool_interval":0.002}`, `{"neuron":{"dt":2}}`, `{`} {
		f.Add([]byte(s), 2, 10.0, 0.01, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, n int, rate, w float64, dendritic bool) {
		c, err := ParseTrain(data)
		if err != nil {
			return
		}
		n = max(min(n, 16), 0)
		a := Arrays{Rates: fill(n, rate), W0: fill(n, w), TeacherWeights: fill(n, -w), TeacherSpikes: fill(4, 1)}
		if dendritic {
			a.Attenuation = fill(n, 0.5)
		}
		lc, err := c.Learn(a, 3)
		if err == nil && (lc.Bins() < 1 || len(lc.Rates) != n) {
			t.Fatalf("Learn accepted %q with %d bins and %d rates", data, lc.Bins(), len(lc.Rates))
		}
	})
}

func fill(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}
