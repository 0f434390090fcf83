package learn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// runForm runs cfg like Run, in the fused one-pass form (rule.Learner's
// Advance/Stage/Flush) or in the four-pass form (Traces.Step, then the
// teacher and student potentials, then Learner.Update). The default picks
// the fused form wherever Learner.Pipelined allows it; this forces either.
func runForm(t *testing.T, cfg Config, fused bool) Result {
	t.Helper()
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var res Result
	l, err := newLayer(cfg, &res)
	if err != nil {
		t.Fatal(err)
	}
	tr := l.neurons[0]
	if !tr.fused {
		t.Fatal("the configuration is not pipelined: nothing to compare")
	}
	tr.fused = fused
	if err := l.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return res
}

// bitIdentical names the first output of a that differs from b in any bit.
func bitIdentical(a, b Result) string {
	return firstDifference([]namedPair{{"weights", a.Weights, b.Weights}, {"final", a.Final, b.Final}, {"kl", a.KL, b.KL},
		{"rate_error", a.RateError, b.RateError}, {"weight_distance", a.WeightDistance, b.WeightDistance},
		{"voltage", a.Voltage, b.Voltage}, {"rate", a.Rate, b.Rate}})
}

// namedPair is an output of two results.
type namedPair struct {
	name string
	x, y []float64
}

// firstDifference names the first entry, in order, whose two values differ in any bit.
func firstDifference(pairs []namedPair) string {
	for _, f := range pairs {
		if len(f.x) != len(f.y) {
			return fmt.Sprintf("%s: %d vs %d entries", f.name, len(f.x), len(f.y))
		}
		for i := range f.x {
			if math.Float64bits(f.x[i]) != math.Float64bits(f.y[i]) {
				return fmt.Sprintf("%s[%d]: %v vs %v", f.name, i, f.x[i], f.y[i])
			}
		}
	}
	return ""
}

// agreementCase builds one scenario of the table below on fig3Config.
func agreementCase(kind rule.Kind, tf neuron.Transfer, dendritic bool, teacher TeacherKind, protocol, inputs string, cache bool) Config {
	const n, duration = 24, 1.0
	cfg := fig3Config(kind, map[rule.Kind]float64{rule.Euclidean: 2e-4, rule.Natural: 5e-3, rule.Approximate: 5e-3}[kind], duration, n)
	cfg.Transfer = tf
	switch protocol {
	case "authors-lr":
		cfg.Rule.LR = rule.Authors
	case "refresh-7":
		cfg.Rule.Refresh = 7
	case "frozen":
		cfg.Rule.Refresh = rule.Frozen
	case "silent":
		cfg.Rates[0], cfg.Rates[n-1] = 0, 0
	}
	cfg.RecordEvery, cfg.TraceEvery = 7, 3 // 7: records fall inside pool intervals, with an update still staged
	rng := rand.New(rand.NewPCG(11, uint64(kind)))
	bins := cfg.Bins()
	if dendritic {
		alpha := make([]float64, n)
		for i := range alpha {
			alpha[i] = 0.1 + 0.9*rng.Float64()
			cfg.W0[i] /= alpha[i]
		}
		cfg.Param = neuron.Dendritic{Alpha: alpha}
	}
	switch teacher {
	case PoissonTeacher:
		cfg.Teacher = Teacher{Kind: PoissonTeacher, Rate: 20}
	case ReplayTeacher:
		spikes := make([]float64, bins)
		for k := range spikes {
			spikes[k] = float64(bool2int(rng.Float64() < 20*cfg.Kernel.Dt))
		}
		cfg.Teacher = Teacher{Kind: ReplayTeacher, Spikes: spikes}
	}
	switch inputs {
	case "replay":
		cfg.InputSpikes = make([]float64, bins*n)
		for k := range bins {
			for i, r := range cfg.Rates {
				cfg.InputSpikes[k*n+i] = float64(bool2int(rng.Float64() < r*cfg.Kernel.Dt))
			}
		}
	case "pool":
		cfg.InputPool = InputPool{Size: 4, Interval: 0.1}
	}
	if cache {
		cfg.Rule.CoefficientTol = 1e-9
	}
	return cfg
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFusedLoopIsBitIdenticalToFourPassLoop checks the claim of package
// learn's doc (and README's speed-options table): the fused one-pass loop
// gives bit for bit the numbers of the four-pass loop, for every rule,
// the sigmoid and the rectified quadratic (θ far below the potentials, so
// that φ > 0), somatic and dendritic weights, every teacher kind, Poisson,
// replayed and pooled inputs, with and without the coefficient cache, and
// the protocol options (authors' ψ, refresh every 7 bins, frozen
// coefficients, silent afferents). Every
// output is compared: weights, final weights, D_KL, rate error, weight
// distance, V, φ. (The alpha kernel is not pipelined: it always runs the
// four-pass loop.)
func TestFusedLoopIsBitIdenticalToFourPassLoop(t *testing.T) {
	teachers := map[TeacherKind]string{Realizable: "realizable", PoissonTeacher: "poisson", ReplayTeacher: "replay"}
	transfers := map[string]neuron.Transfer{"sigmoid": neuron.DefaultSigmoid(), "quadratic": neuron.RectifiedQuadratic{Scale: 0.25, Theta: -30}}
	var matrix []string
	for _, kind := range benchRules {
		for _, tname := range []string{"sigmoid", "quadratic"} {
			for _, dendritic := range []bool{false, true} {
				for _, teacher := range []TeacherKind{Realizable, PoissonTeacher, ReplayTeacher} {
					row := fmt.Sprintf("%-11v %-9s %-9s %-10s %-10s", kind, tname, map[bool]string{false: "somatic", true: "dendritic"}[dendritic], teachers[teacher], "exact")
					matrix = append(matrix, fusedAgainstFourPass(t, row, func(inputs string, cache bool) Config {
						return agreementCase(kind, transfers[tname], dendritic, teacher, "exact", inputs, cache)
					}))
				}
			}
		}
		for _, protocol := range []string{"authors-lr", "refresh-7", "frozen", "silent"} {
			row := fmt.Sprintf("%-11v %-9s %-9s %-10s %-10s", kind, "sigmoid", "somatic", "realizable", protocol)
			matrix = append(matrix, fusedAgainstFourPass(t, row, func(inputs string, cache bool) Config {
				return agreementCase(kind, transfers["sigmoid"], false, Realizable, protocol, inputs, cache)
			}))
		}
	}
	t.Logf("fused vs four-pass (OK: bit-identical), columns inputs poisson/replay/pool × cache off/on:\n%s",
		strings.Join(matrix, "\n"))
}

// fusedAgainstFourPass runs one row of the table: every input source with
// and without the cache. It returns the row with a cell per column.
func fusedAgainstFourPass(t *testing.T, row string, build func(inputs string, cache bool) Config) string {
	out := row
	for _, inputs := range []string{"poisson", "replay", "pool"} {
		for _, cache := range []bool{false, true} {
			cfg := build(inputs, cache)
			fused, four := runForm(t, cfg, true), runForm(t, cfg, false)
			cell := "OK"
			if diff := bitIdentical(fused, four); diff != "" {
				cell = "FAIL"
				t.Errorf("%s inputs=%s cache=%v: fused and four-pass differ: %s", row, inputs, cache, diff)
			}
			if relativeDeviation(fused.Final, cfg.W0) < 1e-4 {
				t.Errorf("%s inputs=%s cache=%v: weights barely moved, the comparison is vacuous", row, inputs, cache)
			}
			out += fmt.Sprintf("  %-4s", cell)
		}
	}
	return out
}
