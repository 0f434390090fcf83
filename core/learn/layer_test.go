package learn

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// layerOf stacks m neurons on the afferents of cfg: neuron j starts from
// W0 scaled by 1 + j/4 and has its own teacher (target weights shifted by j
// afferents, a Poisson rate of 20 + 5j Hz, or the spike train delayed by j
// bins).
func layerOf(cfg Config, m int) Config {
	n := len(cfg.Rates)
	l := cfg
	l.Neurons, l.W0 = m, nil
	l.Teacher = Teacher{Kind: cfg.Teacher.Kind}
	for j := range m {
		for i := range n {
			l.W0 = append(l.W0, cfg.W0[i]*(1+float64(j)/4))
		}
		switch cfg.Teacher.Kind {
		case Realizable:
			for i := range n {
				l.Teacher.Weights = append(l.Teacher.Weights, cfg.Teacher.Weights[(i+j)%n])
			}
		case PoissonTeacher:
			l.Teacher.Rates = append(l.Teacher.Rates, cfg.Teacher.Rate+5*float64(j))
		case ReplayTeacher:
			b := len(cfg.Teacher.Spikes)
			for k := range b {
				l.Teacher.Spikes = append(l.Teacher.Spikes, cfg.Teacher.Spikes[(k+b-j)%b])
			}
		}
	}
	return l
}

// row returns neuron j's part of a layer's result (neuron axis first).
func row(res Result, j, m int) Result {
	part := func(xs []float64) []float64 {
		if xs == nil {
			return nil
		}
		size := len(xs) / m
		return xs[j*size : (j+1)*size]
	}
	return Result{Times: res.Times, Weights: part(res.Weights), KL: part(res.KL), RateError: part(res.RateError),
		WeightDistance: part(res.WeightDistance), Final: part(res.Final), Voltage: part(res.Voltage), Rate: part(res.Rate)}
}

func mustRun(t *testing.T, cfg Config) Result {
	t.Helper()
	var res Result
	if err := Run(context.Background(), cfg, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestLayerNeuronEqualsNeuronTrainedAlone: neuron j of a layer of 3 gives
// bit for bit the trial of that neuron alone (its rows of W0 and teacher,
// its teacher stream j), for every rule, somatic and dendritic weights,
// every teacher kind, Poisson, replayed and pooled inputs, dense and
// event-driven; neuron 0 alone is the plain single-neuron configuration
// (teacher stream 0 is counter.NewKey's).
func TestLayerNeuronEqualsNeuronTrainedAlone(t *testing.T) {
	const m = 3
	var matrix []string
	for _, kind := range benchRules {
		for _, dendritic := range []bool{false, true} {
			for _, teacher := range TeacherKinds {
				for _, inputs := range []string{"poisson", "replay", "pool"} {
					for _, events := range []bool{false, true} {
						if events && inputs == "pool" {
							continue // not combinable
						}
						cfg := agreementCase(kind, neuron.DefaultSigmoid(), dendritic, teacher, "exact", inputs, false)
						cfg.EventDriven = events
						layer := layerOf(cfg, m)
						cell := fmt.Sprintf("%v dendritic=%v %v inputs=%s events=%v", kind, dendritic, teacher, inputs, events)
						matrix = append(matrix, cell+" "+compareLayer(t, cell, cfg, layer))
					}
				}
			}
		}
	}
	t.Logf("layer rows vs neurons alone:\n%s", strings.Join(matrix, "\n"))
}

// compareLayer compares every row of layer (built by layerOf from cfg)
// with its neuron alone; row 0 with cfg itself.
func compareLayer(t *testing.T, cell string, cfg, layer Config) string {
	m := layer.Neurons
	res := mustRun(t, layer)
	for j := range m {
		alone := layer.neuronConfig(j)
		if j == 0 {
			alone = cfg
		}
		if diff := bitIdentical(row(res, j, m), mustRun(t, alone)); diff != "" {
			t.Errorf("%s: neuron %d differs from the neuron alone: %s", cell, j, diff)
			return "FAIL"
		}
	}
	if relativeDeviation(row(res, 1, m).Final, layer.W0[len(layer.Rates):2*len(layer.Rates)]) < 1e-4 {
		t.Errorf("%s: weights barely moved, the comparison is vacuous", cell)
	}
	return "OK"
}

// TestLayerTeacherStreamsDiffer: a layer's neurons with equal rows draw
// different teacher spikes (counter.NewNeuronKey), so their weights differ.
func TestLayerTeacherStreamsDiffer(t *testing.T) {
	cfg := fig3Config(rule.Natural, 5e-3, 0.5, 10)
	cfg.Teacher = Teacher{Kind: PoissonTeacher, Rate: 30}
	l := cfg
	l.Neurons, l.W0, l.Teacher.Rates = 2, append(append([]float64(nil), cfg.W0...), cfg.W0...), []float64{30, 30}
	res := mustRun(t, l)
	if bitIdentical(row(res, 0, 2), row(res, 1, 2)) == "" {
		t.Error("two neurons with equal rows learned identically: the teacher streams are shared")
	}
	if diff := bitIdentical(row(res, 0, 2), mustRun(t, cfg)); diff != "" {
		t.Errorf("neuron 0 differs from the single neuron: %s", diff)
	}
}

// TestLayerShapesAndErrors: per-neuron outputs gain a leading neuron axis,
// the record times do not; mismatched shapes name the parameter.
func TestLayerShapesAndErrors(t *testing.T) {
	cfg := layerOf(fig3Config(rule.Euclidean, 1e-4, 0.1, 4), 3)
	res := mustRun(t, cfg)
	if len(res.Weights) != 3*cfg.Records()*4 || len(res.Final) != 12 || len(res.KL) != 3*cfg.Records() || len(res.Times) != cfg.Records() {
		t.Errorf("sizes: weights %d, final %d, kl %d, times %d", len(res.Weights), len(res.Final), len(res.KL), len(res.Times))
	}
	for _, o := range Outputs() {
		if o.Neuron != (!o.Shared && o.Origin != FromRunner) {
			t.Errorf("output %s: neuron %v, shared %v", o.Name, o.Neuron, o.Shared)
		}
	}
	bad := map[string]func(c *Config){
		"weights of a layer must have 3 x 4":                   func(c *Config) { c.W0 = c.W0[:8] },
		"state: the state of a layer has 5 entries, 3 neurons": func(c *Config) { c.State = make([]float64, 5) },
		"teacher target weights of a layer":                    func(c *Config) { c.Teacher.Weights = c.Teacher.Weights[:4] },
		"weights: a layer must have 1 to":                      func(c *Config) { c.Neurons = -1 },
		"teacher rates of a layer must have 3":                 func(c *Config) { c.Teacher = Teacher{Kind: PoissonTeacher, Rates: []float64{1, 2}} },
		"neuron 1: teacher rate must be >= 0 Hz":               func(c *Config) { c.Teacher = Teacher{Kind: PoissonTeacher, Rates: []float64{1, math.NaN(), 2}} },
		"teacher spikes of a layer must hold 3":                func(c *Config) { c.Teacher = Teacher{Kind: ReplayTeacher, Spikes: make([]float64, 301)} },
		"neuron 0: teacher spikes must have at least":          func(c *Config) { c.Teacher = Teacher{Kind: ReplayTeacher, Spikes: make([]float64, 30)} },
	}
	for want, mutate := range bad {
		c := cfg
		mutate(&c)
		var r Result
		if err := Run(context.Background(), c, &r); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error containing %q, got %v", want, err)
		}
	}
}
