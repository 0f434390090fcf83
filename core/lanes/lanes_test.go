package lanes

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

const dt = 0.0005

// fig3Config is the Fig 3F setting at size n: half the afferents at 10 Hz,
// half at 50 Hz, a realizable teacher, somatic weights.
func fig3Config(kind rule.Kind, eta, duration float64, n int) learn.Config {
	rates := make([]float64, n)
	w0, wt := make([]float64, n), make([]float64, n)
	for i := range rates {
		rates[i] = 10
		if i >= n/2 {
			rates[i] = 50
		}
		w0[i] = 0.8 * math.Sin(float64(3*i+1)) / float64(n)
		wt[i] = 0.8 * math.Cos(float64(5*i+2)) / float64(n)
	}
	return learn.Config{Transfer: neuron.DefaultSigmoid(), Kernel: neuron.DefaultKernel(),
		Rule: rule.DefaultConfig(kind, eta), Rates: rates, W0: w0,
		Teacher: learn.Teacher{Kind: learn.Realizable, Weights: wt}, Duration: duration,
		RecordEvery: 300, Seed: 7, TestSamples: 5, TestBins: 50}
}

// streams records what each trial's lane drew: inputs (bins × n, 0/1) and
// teacher spikes (bins).
type streams struct {
	inputs, teacher map[uint64][]float64
}

func runRecorded(t *testing.T, cfg learn.Config, trials []uint64) ([]learn.Result, streams) {
	t.Helper()
	n, bins := len(cfg.Rates), cfg.Bins()
	st := streams{inputs: map[uint64][]float64{}, teacher: map[uint64][]float64{}}
	for _, tr := range trials {
		st.inputs[tr], st.teacher[tr] = make([]float64, bins*n), make([]float64, bins)
	}
	obs := func(tr uint64, k int, spikes []int32, y float64) {
		if y >= 0 {
			st.teacher[tr][k] = y
			return
		}
		for _, i := range spikes {
			st.inputs[tr][k*n+int(i)] = 1
		}
	}
	res := make([]learn.Result, len(trials))
	if err := run(context.Background(), cfg, trials, res, obs); err != nil {
		t.Fatal(err)
	}
	return res, st
}

// scalarRun runs trial tr in learn.Run (its default pipelined dense loop)
// with the same configuration: it draws the same input and teacher
// streams (learn's package doc, "Random streams").
func scalarRun(t *testing.T, cfg learn.Config, tr uint64) learn.Result {
	t.Helper()
	cfg.Trial = tr
	var res learn.Result
	if err := learn.Run(context.Background(), cfg, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// maxDeviation returns max |a − b| over the records relative to the
// largest weight change of the reference, max |b_j − b_0|.
func maxDeviation(a, b []float64, n int) (dev, change float64) {
	for j := range b {
		dev = math.Max(dev, math.Abs(a[j]-b[j]))
		change = math.Max(change, math.Abs(b[j]-b[j%n]))
	}
	return dev / change, change
}

// bernoulliTrain returns bins × n independent 0/1 entries, 1 with
// probability p.
func bernoulliTrain(bins, n int, p float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	s := make([]float64, bins*n)
	for i := range s {
		if rng.Float64() < p {
			s[i] = 1
		}
	}
	return s
}

type scenario struct {
	name string
	cfg  learn.Config
}

func scenarios() []scenario {
	var out []scenario
	add := func(name string, cfg learn.Config) { out = append(out, scenario{name, cfg}) }
	add("euclidean", fig3Config(rule.Euclidean, 2e-3, 1.5, 20))
	add("natural", fig3Config(rule.Natural, 2e-2, 1.5, 20))
	add("approximate", fig3Config(rule.Approximate, 2e-2, 1.5, 20))
	c := fig3Config(rule.Natural, 2e-2, 1.5, 20)
	c.Rule.CoefficientTol = 1e-9
	add("natural+cache", c)
	c = fig3Config(rule.Approximate, 2e-2, 1.5, 20)
	c.Rule.CoefficientTol, c.Rule.Refresh = 1e-9, 7
	add("approximate+cache+refresh7", c)
	c = fig3Config(rule.Natural, 2e-2/0.3, 1.5, 20)
	c.Rule.LR, c.Rule.Refresh = rule.Authors, rule.Frozen
	c.Rates[3] = 0 // a silent afferent uses the rule's silent rate
	add("natural+authors+frozen+silent", c)
	c = fig3Config(rule.Euclidean, 2e-3, 1.5, 20)
	c.RecordEvery, c.TraceEvery = 0, 7
	add("euclidean+traces", c)
	c = fig3Config(rule.Natural, 2e-2, 1.5, 20)
	c.Rule.CoefficientTol = 1e-9
	c.Teacher = learn.Teacher{Kind: learn.PoissonTeacher, Rate: 20}
	add("natural+poisson-teacher", c)
	c = fig3Config(rule.Approximate, 2e-2, 1.5, 20)
	c.Teacher = learn.Teacher{Kind: learn.ReplayTeacher, Spikes: bernoulliTrain(c.Bins(), 1, 0.01, 3)}
	add("approximate+replayed-teacher", c)
	c = fig3Config(rule.Natural, 2e-2, 1.5, 20)
	c.InputSpikes = bernoulliTrain(c.Bins(), len(c.Rates), 0.01, 4)
	add("natural+replayed-inputs", c)
	return out
}

// TestAgreesWithScalarEngine runs each trial in learn.Run with the same
// configuration and seed (the engines share their input and teacher
// streams), in the dense and in the event-driven form: weight records and
// final weights must agree within 1e-12 of the weight change, V and φ
// within 1e-12 relative. They differ by rounding only. Dense: the same
// numbers and operations, but learn.Run's dense pass sums over the
// afferents in 4 interleaved partial sums (rule.LaneDot), the lanes engine
// in afferent order. Event-driven: the operations of rule.Events, but φ
// and φ'/φ through the lanes' own exponential (expNonPositive), not
// math.Exp.
func TestAgreesWithScalarEngine(t *testing.T) {
	for _, events := range []bool{false, true} {
		for _, sc := range scenarios() {
			sc.cfg.EventDriven = events
			t.Run(fmt.Sprintf("%s/events=%v", sc.name, events), func(t *testing.T) { agreesWithScalar(t, sc) })
		}
	}
}

// agreesWithScalar runs sc's trials in both engines and compares them.
func agreesWithScalar(t *testing.T, sc scenario) {
	trials := []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 11} // a full batch and a partial one
	res := make([]learn.Result, len(trials))
	if err := Run(context.Background(), sc.cfg, trials, res); err != nil {
		t.Fatal(err)
	}
	n := len(sc.cfg.Rates)
	worst := 0.0
	defer func() { t.Logf("largest deviation %.3g of the weight change", worst) }()
	// The event-driven form performs rule.Events' operations in its order;
	// where the compiler fuses no multiply-add (amd64 below GOAMD64=v3) the
	// bits agree.
	amd64 := os.Getenv("GOAMD64")
	exact := sc.cfg.EventDriven && runtime.GOARCH == "amd64" && (amd64 == "" || amd64 == "v1" || amd64 == "v2")
	for j, tr := range trials {
		ref := scalarRun(t, sc.cfg, tr)
		dev, change := maxDeviation(res[j].Weights, ref.Weights, n)
		fin := 0.0
		for i, w := range ref.Final {
			fin = math.Max(fin, math.Abs(res[j].Final[i]-w)/change)
		}
		worst = math.Max(worst, math.Max(dev, fin))
		if !(dev <= 1e-12) || !(fin <= 1e-12) || change == 0 {
			t.Fatalf("trial %d: records deviate by %.3g, final by %.3g of the weight change %.3g", tr, dev, fin, change)
		}
		if exact && (dev != 0 || fin != 0) {
			t.Fatalf("trial %d: records deviate by %.3g, final by %.3g of the weight change; want bit-identical", tr, dev, fin)
		}
		for i := range ref.Voltage {
			if !roundingClose(res[j].Voltage[i], ref.Voltage[i]) || !roundingClose(res[j].Rate[i], ref.Rate[i]) ||
				exact && (res[j].Voltage[i] != ref.Voltage[i] || res[j].Rate[i] != ref.Rate[i]) {
				t.Fatalf("trial %d: trace %d: V %v φ %v, scalar %v %v", tr, i, res[j].Voltage[i], res[j].Rate[i], ref.Voltage[i], ref.Rate[i])
			}
		}
	}
}

// roundingClose reports whether got is within 1e-12 relative of want.
func roundingClose(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

// TestIndependentOfBatch: a trial gives the same numbers alone, in
// another lane and next to other trials.
func TestIndependentOfBatch(t *testing.T) {
	for _, events := range []bool{false, true} {
		t.Run(fmt.Sprintf("events=%v", events), func(t *testing.T) { independentOfBatch(t, events) })
	}
}

func independentOfBatch(t *testing.T, events bool) {
	cfg := fig3Config(rule.Natural, 2e-2, 0.5, 12)
	cfg.Rule.CoefficientTol = 1e-9
	cfg.EventDriven = events
	all := []uint64{9, 3, 5, 1, 2, 4, 6, 7, 8, 10}
	res := make([]learn.Result, len(all))
	if err := Run(context.Background(), cfg, all, res); err != nil {
		t.Fatal(err)
	}
	for _, batch := range [][]uint64{{5}, {1, 5}, {5, 9, 3}} {
		alone := make([]learn.Result, len(batch))
		if err := Run(context.Background(), cfg, batch, alone); err != nil {
			t.Fatal(err)
		}
		for j, tr := range batch {
			ref := res[indexOf(all, tr)]
			for i := range ref.Weights {
				if alone[j].Weights[i] != ref.Weights[i] {
					t.Fatalf("trial %d in batch %v: weight %d = %v, in the full batch %v", tr, batch, i, alone[j].Weights[i], ref.Weights[i])
				}
			}
			if alone[j].KL[1] != ref.KL[1] {
				t.Fatalf("trial %d in batch %v: KL differs", tr, batch)
			}
		}
	}
}

func indexOf(s []uint64, v uint64) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestObjectiveMatchesScalarTestSet: the lanes engine draws the test set
// from the trial's test-set stream like learn.Run, so at t = 0 (same W0,
// same teacher) D_KL, the rate error and the weight distance are equal.
func TestObjectiveMatchesScalarTestSet(t *testing.T) {
	for _, teacher := range []learn.Teacher{{}, {Kind: learn.PoissonTeacher, Rate: 15}, {Kind: learn.ReplayTeacher}} {
		cfg := fig3Config(rule.Approximate, 1e-2, 0.2, 10)
		if teacher.Kind != learn.Realizable {
			cfg.Teacher = teacher
			cfg.Teacher.Spikes = make([]float64, cfg.Bins())
		}
		cfg.Trial = 4
		res := make([]learn.Result, 1)
		if err := Run(context.Background(), cfg, []uint64{4}, res); err != nil {
			t.Fatal(err)
		}
		var ref learn.Result
		if err := learn.Run(context.Background(), cfg, &ref); err != nil {
			t.Fatal(err)
		}
		if (res[0].KL == nil) != (ref.KL == nil) || (res[0].WeightDistance == nil) != (ref.WeightDistance == nil) {
			t.Fatalf("teacher kind %d: outputs present differ from learn.Run's", teacher.Kind)
		}
		if ref.KL != nil && (res[0].KL[0] != ref.KL[0] || res[0].RateError[0] != ref.RateError[0]) {
			t.Fatalf("teacher kind %d, t = 0: KL %v, rate error %v; scalar %v %v", teacher.Kind, res[0].KL[0], res[0].RateError[0], ref.KL[0], ref.RateError[0])
		}
		if ref.WeightDistance != nil && res[0].WeightDistance[0] != ref.WeightDistance[0] {
			t.Fatalf("t = 0: distance %v, scalar %v", res[0].WeightDistance[0], ref.WeightDistance[0])
		}
	}
}

func TestRejectsUnsupported(t *testing.T) {
	base := fig3Config(rule.Natural, 1e-2, 0.1, 4)
	for name, mutate := range map[string]func(*learn.Config){
		"dendritic":    func(c *learn.Config) { c.Param = neuron.Dendritic{Alpha: []float64{1, 1, 1, 1}} },
		"input pool":   func(c *learn.Config) { c.InputPool.Size = 3 },
		"alpha kernel": func(c *learn.Config) { c.Kernel.TauS = c.Kernel.TauM },
	} {
		c := base
		mutate(&c)
		err := Run(context.Background(), c, []uint64{0}, make([]learn.Result, 1))
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: error %v, want ErrUnsupported", name, err)
		}
	}
	bad := base
	bad.Rule.Eta = -1
	if err := Run(context.Background(), bad, []uint64{0}, make([]learn.Result, 1)); err == nil {
		t.Error("eta = -1 accepted")
	}
	bad = base
	bad.InputSpikes = make([]float64, bad.Bins()*4)
	bad.InputSpikes[5] = 2
	if err := Run(context.Background(), bad, []uint64{0}, make([]learn.Result, 1)); err == nil || !strings.Contains(err.Error(), "input spikes") {
		t.Errorf("input spike 2 accepted: %v", err)
	}
}

func TestDivergenceNamesTrial(t *testing.T) {
	euclidean := fig3Config(rule.Euclidean, 1e6, 1, 10)
	events := euclidean
	events.EventDriven = true
	natural := fig3Config(rule.Natural, 1e3, 1, 10) // the weight factor 1 + g γ_w leaves (0.5, 2)
	natural.EventDriven = true
	for _, cfg := range []learn.Config{euclidean, events, natural} {
		err := Run(context.Background(), cfg, []uint64{0, 3}, make([]learn.Result, 2))
		if !errors.Is(err, learn.ErrDiverged) || !(strings.Contains(err.Error(), "trial 0 ") || strings.Contains(err.Error(), "trial 3 ")) {
			t.Fatalf("%v, events %v: error %v, want ErrDiverged naming the trial", cfg.Rule.Kind, cfg.EventDriven, err)
		}
		var ref learn.Result
		cfg.Trial = 0
		if refErr := learn.Run(context.Background(), cfg, &ref); refErr == nil {
			t.Fatalf("%v, events %v: learn.Run did not diverge", cfg.Rule.Kind, cfg.EventDriven)
		}
		t.Log(err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := fig3Config(rule.Euclidean, 1e-3, 1, 10)
	if err := Run(ctx, cfg, []uint64{0}, make([]learn.Result, 1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// plainSigmoid hides the sigmoid's type, so that the engine cannot use
// φ_max to skip φ(V*).
type plainSigmoid struct{ neuron.Sigmoid }

// TestTeacherShortcutIsExact: skipping φ(V*) when the teacher's uniform is
// above φ_max dt changes no spike.
func TestTeacherShortcutIsExact(t *testing.T) {
	cfg := fig3Config(rule.Euclidean, 2e-3, 2, 20)
	for i := range cfg.Teacher.Weights {
		cfg.Teacher.Weights[i] *= 40 // a teacher near φ_max, where the shortcut matters least
	}
	trials := []uint64{0, 1, 2}
	fast, st := runRecorded(t, cfg, trials)
	cfg.Transfer = plainSigmoid{neuron.DefaultSigmoid()}
	slow, ref := runRecorded(t, cfg, trials)
	spikes := 0.0
	for _, tr := range trials {
		for k, y := range ref.teacher[tr] {
			spikes += y
			if st.teacher[tr][k] != y {
				t.Fatalf("trial %d bin %d: teacher spike %v with the shortcut, %v without", tr, k, st.teacher[tr][k], y)
			}
		}
	}
	for j := range trials {
		if fast[j].Final[0] != slow[j].Final[0] {
			t.Fatalf("trial %d: final weights differ", j)
		}
	}
	t.Logf("%v teacher spikes in %d bins", spikes, 3*cfg.Bins())
}

func TestProgressCountsTrialBins(t *testing.T) {
	cfg := fig3Config(rule.Euclidean, 1e-3, 0.7, 5)
	total := 0
	cfg.Progress = func(bins int) { total += bins }
	if err := Run(context.Background(), cfg, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, make([]learn.Result, 10)); err != nil {
		t.Fatal(err)
	}
	if want := 10 * cfg.Bins(); total != want {
		t.Fatalf("progress reported %d trial-bins, want %d", total, want)
	}
}

// TestTeacherSpikeProbabilityAboveOneIsRefused: as in the scalar engine, a
// teacher whose φ*·dt exceeds 1 on the test set (rectified quadratic of
// scale 1/4 with θ = −100 mV: φ*·dt > 1 wherever V* > −10.6 mV) is refused
// before the first bin, not reported as a divergence; θ = −30 mV runs.
func TestTeacherSpikeProbabilityAboveOneIsRefused(t *testing.T) {
	with := func(theta float64) learn.Config {
		c := fig3Config(rule.Natural, 1e-3, 0.1, 4)
		c.Transfer = neuron.RectifiedQuadratic{Scale: 0.25, Theta: theta}
		return c
	}
	err := Run(context.Background(), with(-100), []uint64{0, 1}, make([]learn.Result, 2))
	if err == nil || errors.Is(err, learn.ErrDiverged) || !strings.Contains(err.Error(), "teacher: its spike probability phi*·dt reaches") {
		t.Errorf("theta -100: got %v", err)
	}
	if err := Run(context.Background(), with(-30), []uint64{0, 1}, make([]learn.Result, 2)); err != nil {
		t.Errorf("theta -30: %v", err)
	}
}
