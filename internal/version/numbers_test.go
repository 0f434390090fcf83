package version_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/internal/config"
	"github.com/natspike/natspike/internal/kernelenv"
	"github.com/natspike/natspike/internal/version"
)

// canonicalN is the number of afferents of every canonical trial.
const canonicalN = 12

// canonical is one trial of the golden set, named for the failure message.
type canonical struct {
	name string
	cfg  learn.Config
}

// canonicalTrials is the fixed set of trials whose outputs pin
// version.Numbers: every rule in the default and the exact evaluation,
// somatic and dendritic weights, the realizable, Poisson and replayed
// teachers, the authors' learning-rate convention, coefficient refresh
// every k bins and frozen, a rate schedule, the input pool, replayed
// inputs, a layer of neurons and recorded spikes. Changing this set changes
// NumbersHash without a change of the engine: record the new hash then.
func canonicalTrials() []canonical {
	var out []canonical
	for _, kind := range rule.Kinds() {
		for _, exact := range []bool{false, true} {
			out = append(out, canonical{fmt.Sprintf("%v/somatic/exact=%v", kind, exact), evaluation(base(kind), exact)})
			c := base(kind)
			c.Param = neuron.Dendritic{Alpha: attenuations()}
			out = append(out, canonical{fmt.Sprintf("%v/dendritic/exact=%v", kind, exact), evaluation(c, exact)})
		}
	}
	for _, exact := range []bool{false, true} {
		out = append(out, canonical{fmt.Sprintf("natural/poisson/exact=%v", exact), evaluation(poisson(base(rule.Natural)), exact)})
	}
	return append(out, variants()...)
}

// variants are the features beyond rule, evaluation and parametrization, in
// the default evaluation.
func variants() []canonical {
	authors := base(rule.Approximate)
	authors.Rule.LR = rule.Authors
	refresh, frozen := base(rule.Natural), base(rule.Natural)
	refresh.Rule.Refresh, frozen.Rule.Refresh = 7, rule.Frozen
	schedule := base(rule.Natural)
	schedule.Schedule = input.RateSchedule{Starts: []int{0, 900}, Rates: append(rates(), reversed(rates())...)}
	pool := base(rule.Euclidean)
	pool.InputPool = learn.InputPool{Size: 3, Interval: 0.25, Stream: 1}
	spikes := base(rule.Natural)
	spikes.RecordSpikes = true
	return []canonical{
		{"approximate/authors", evaluation(authors, false)},
		{"natural/refresh=7", evaluation(refresh, false)},
		{"natural/frozen", evaluation(frozen, false)},
		{"natural/schedule", evaluation(schedule, false)},
		{"euclidean/pool", evaluation(pool, false)},
		{"natural/replay", evaluation(replay(base(rule.Natural)), false)},
		{"natural/layer/realizable", evaluation(layer(base(rule.Natural)), false)},
		{"natural/layer/poisson", evaluation(poissonLayer(base(rule.Natural)), false)},
		{"natural/record_spikes", evaluation(spikes, false)},
	}
}

// base is a 1-s trial (2000 bins) of rule kind with a realizable teacher,
// records every 200 bins and traces every 100.
func base(kind rule.Kind) learn.Config {
	w0, target := make([]float64, canonicalN), make([]float64, canonicalN)
	for i := range w0 {
		w0[i] = 0.08 * math.Sin(float64(i+1))
		target[i] = 0.1 * math.Cos(float64(2*i+1))
	}
	return learn.Config{
		Transfer: neuron.DefaultSigmoid(), Kernel: neuron.DefaultKernel(), Rule: rule.DefaultConfig(kind, 2e-3),
		Rates: rates(), W0: w0, Teacher: learn.Teacher{Kind: learn.Realizable, Weights: target},
		Duration: 1, RecordEvery: 200, TraceEvery: 100, TestSamples: 4, TestBins: 60, Seed: 20221, Trial: 3,
	}
}

// evaluation sets the default evaluation (event-driven where it applies,
// the coefficient cache at its default tolerance) or the exact one.
func evaluation(c learn.Config, exact bool) learn.Config {
	if !exact {
		c.EventDriven = c.EventDrivenApplies()
		c.Rule.CoefficientTol = config.DefaultCoefficientTolerance
	}
	return c
}

func rates() []float64 {
	r := make([]float64, canonicalN)
	for i := range r {
		r[i] = []float64{10, 50, 25}[i%3]
	}
	return r
}

func reversed(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[len(x)-1-i] = v
	}
	return out
}

func attenuations() []float64 {
	a := make([]float64, canonicalN)
	for i := range a {
		a[i] = 1 - 0.06*float64(i)
	}
	return a
}

func poisson(c learn.Config) learn.Config {
	c.Teacher = learn.Teacher{Kind: learn.PoissonTeacher, Rate: 30}
	return c
}

// replay replays fixed input spikes and a fixed teacher spike train.
func replay(c learn.Config) learn.Config {
	bins := c.Bins()
	in, teacher := make([]float64, bins*canonicalN), make([]float64, bins)
	for k := range bins {
		for i := range canonicalN {
			if (k*7+i*13)%97 < int(c.Rates[i]/10) {
				in[k*canonicalN+i] = 1
			}
		}
		if (k*11)%53 == 0 {
			teacher[k] = 1
		}
	}
	c.InputSpikes, c.Teacher = in, learn.Teacher{Kind: learn.ReplayTeacher, Spikes: teacher}
	return c
}

// layer makes c a layer of two neurons, the second with negated weights.
func layer(c learn.Config) learn.Config {
	c.Neurons = 2
	c.W0 = append(append([]float64(nil), c.W0...), negated(c.W0)...)
	c.Teacher.Weights = append(append([]float64(nil), c.Teacher.Weights...), negated(c.Teacher.Weights)...)
	return c
}

func poissonLayer(c learn.Config) learn.Config {
	c = layer(c)
	c.Teacher = learn.Teacher{Kind: learn.PoissonTeacher, Rates: []float64{20, 40}}
	return c
}

func negated(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = -v
	}
	return out
}

// outputs are a result's float outputs by name, in a fixed order.
func outputs(r *learn.Result) []struct {
	name string
	x    []float64
} {
	return []struct {
		name string
		x    []float64
	}{{"times", r.Times}, {"weights", r.Weights}, {"kl", r.KL}, {"rate_error", r.RateError},
		{"weight_distance", r.WeightDistance}, {"final", r.Final}, {"voltage", r.Voltage}, {"rate", r.Rate},
		{"spike_bits", r.SpikeBits}, {"teacher_spike_bits", r.TeacherSpikeBits}}
}

// numbersHash runs every canonical trial and hashes the bits of every
// output float, with the trial's and each output's name and length.
func numbersHash(t *testing.T) string {
	h := sha256.New()
	var word [8]byte
	for _, c := range canonicalTrials() {
		var res learn.Result
		if err := learn.Run(context.Background(), c.cfg, &res); err != nil {
			t.Fatalf("canonical trial %s: %v", c.name, err)
		}
		fmt.Fprintf(h, "trial %s\n", c.name)
		for _, o := range outputs(&res) {
			fmt.Fprintf(h, "%s %d\n", o.name, len(o.x))
			for _, v := range o.x {
				binary.LittleEndian.PutUint64(word[:], math.Float64bits(v))
				h.Write(word[:])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestNumbersVersionPinsTheEngine fails when the canonical trials' outputs
// differ from those recorded for version.Numbers.
func TestNumbersVersionPinsTheEngine(t *testing.T) {
	if fusesMultiplyAdd {
		t.Skip("this build may fuse x*y+z into FMA (GOARCH other than amd64/386, or GOAMD64=v3+), which " +
			"rounds differently; the hash is recorded for the default amd64 build (GOAMD64=v1)")
	}
	if got := numbersHash(t); got != version.NumbersHash {
		t.Fatalf("the engine's numbers changed: the canonical trials hash to\n\t%s\nbut internal/version records "+
			"NumbersHash\n\t%s\nfor Numbers = %d. If the change of numbers is intended (streams, operation order, "+
			"defaults, a fix), increment Numbers in internal/version/numbers.go and set NumbersHash to the hash "+
			"this test prints, in the same commit (results stores made before are then recomputed, not reused). "+
			"If it is not intended, the change is not bit-identical: find out why.", got, version.NumbersHash,
			version.Numbers)
	}
}

// TestNumbersVersionHoldsWhateverTheKernel runs the golden test again in
// processes with the generic kernels (NATSPIKE_KERNEL=generic: the pure-Go
// kernels give the bits of the SIMD ones) and with the CPU's FMA switched
// off for the Go runtime and standard library (GODEBUG=cpu.fma=off, as on
// a CPU without FMA): the hash is the same. Both are chosen once, at
// start-up, hence the subprocesses.
func TestNumbersVersionHoldsWhateverTheKernel(t *testing.T) {
	if fusesMultiplyAdd || kernelenv.ForceGeneric() || strings.Contains(os.Getenv("GODEBUG"), "cpu.") {
		t.Skip("runs from the default process only")
	}
	for _, env := range []string{kernelenv.Variable + "=generic", "GODEBUG=cpu.fma=off"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNumbersVersionPinsTheEngine$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), env)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestNumbersVersionPinsTheEngine") {
			t.Errorf("with %s: %v\n%s", env, err, out)
		}
	}
}
