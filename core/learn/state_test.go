package learn

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

func runOrFail(t *testing.T, cfg Config) Result {
	t.Helper()
	var res Result
	if err := Run(context.Background(), cfg, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// Recording spikes draws from a stream of its own: every other number is
// bit-identical with and without it.
func TestRecordSpikesChangesNoOtherNumber(t *testing.T) {
	for _, events := range []bool{false, true} {
		cfg := fig3Config(rule.Natural, 2e-3, 2, 20)
		cfg.TraceEvery, cfg.EventDriven = 3, events
		plain := runOrFail(t, cfg)
		cfg.RecordSpikes = true
		rec := runOrFail(t, cfg)
		for name, pair := range map[string][2][]float64{"weights": {plain.Weights, rec.Weights}, "kl": {plain.KL, rec.KL},
			"voltage": {plain.Voltage, rec.Voltage}, "final": {plain.Final, rec.Final}} {
			if !slices.Equal(pair[0], pair[1]) {
				t.Errorf("event_driven=%v: %s changed when spikes were recorded", events, name)
			}
		}
		if len(rec.SpikeBits) != SpikeWords(cfg.Bins()) || plain.SpikeBits != nil {
			t.Errorf("spike_bits: %d words, want %d (and none without recording)", len(rec.SpikeBits), SpikeWords(cfg.Bins()))
		}
	}
}

// The student's spike count is Poisson-binomial with Σ p_k, p_k = φ(V_k) dt;
// with every bin's φ traced, the count lies within 5 σ of Σ φ dt.
func TestStudentSpikeCountMatchesRate(t *testing.T) {
	cfg := fig3Config(rule.Natural, 2e-3, 200, 20)
	cfg.TraceEvery, cfg.RecordSpikes = 1, true
	res := runOrFail(t, cfg)
	mean, variance := 0.0, 0.0
	for _, phi := range res.Rate {
		p := phi * cfg.Kernel.Dt
		mean, variance = mean+p, variance+p*(1-p)
	}
	count := float64(len(unpackBits(res.SpikeBits)))
	if math.Abs(count-mean) > 5*math.Sqrt(variance) || mean < 1000 {
		t.Errorf("student spikes %v, expected %.1f ± %.1f (5 sigma)", count, mean, 5*math.Sqrt(variance))
	}
}

// A replayed teacher's recorded spikes are exactly the given ones.
func TestRecordedTeacherSpikesAreTheReplayedOnes(t *testing.T) {
	cfg := fig3Config(rule.Natural, 2e-3, 1, 10)
	bins := cfg.Bins()
	cfg.Teacher = Teacher{Kind: ReplayTeacher, Spikes: make([]float64, bins)}
	var want []int
	for k := 3; k < bins; k += 37 {
		cfg.Teacher.Spikes[k] = 1
		want = append(want, k)
	}
	cfg.RecordSpikes = true
	if got := unpackBits(runOrFail(t, cfg).TeacherSpikeBits); !slices.Equal(got, want) {
		t.Errorf("teacher spikes %v, want %v", got, want)
	}
}

type splitCase struct {
	name   string
	cfg    func() Config
	first  float64 // s of the first part
	record bool
}

func splitCases() []splitCase {
	base := func(kind rule.Kind, eta float64) func() Config {
		return func() Config {
			c := fig3Config(kind, eta, 1, 12)
			c.RecordEvery, c.TraceEvery = 200, 7
			return c
		}
	}
	with := func(f func() Config, mod func(*Config)) func() Config {
		return func() Config { c := f(); mod(&c); return c }
	}
	var cases []splitCase
	for _, k := range []struct {
		kind rule.Kind
		eta  float64
	}{{rule.Euclidean, 1.5e-6}, {rule.Natural, 2e-3}, {rule.Approximate, 1.5e-3}} {
		b := base(k.kind, k.eta)
		alpha := make([]float64, 12)
		for i := range alpha {
			alpha[i] = 0.3 + 0.05*float64(i)
		}
		cases = append(cases,
			splitCase{k.kind.String() + "/somatic", b, 0.5, true},
			splitCase{k.kind.String() + "/dendritic", with(b, func(c *Config) { c.Param = neuron.Dendritic{Alpha: alpha} }), 0.5, false},
			splitCase{k.kind.String() + "/events", with(b, func(c *Config) { c.EventDriven = true }), 0.5, true},
			splitCase{k.kind.String() + "/default, split off the record grid", with(b, func(c *Config) { *c = defaultEvaluation(*c) }), 0.4495, true},
			splitCase{k.kind.String() + "/default/dendritic, split off the record grid", with(b, func(c *Config) {
				*c = defaultEvaluation(*c)
				c.Param = neuron.Dendritic{Alpha: alpha}
			}), 0.4495, false},
			splitCase{k.kind.String() + "/cache", with(b, func(c *Config) { c.Rule.CoefficientTol = 1e-9 }), 0.5, false},
			splitCase{k.kind.String() + "/poisson-teacher", with(b, func(c *Config) { c.Teacher = Teacher{Kind: PoissonTeacher, Rate: 20} }), 0.5, true},
		)
	}
	cases = append(cases, splitCase{"natural/events+cache+dendritic", with(base(rule.Natural, 2e-3), func(c *Config) {
		c.EventDriven, c.Rule.CoefficientTol, c.Param = true, 1e-9, neuron.Dendritic{Alpha: []float64{0.5, 0.6, 0.7, 0.8, 0.9, 1, 0.5, 0.6, 0.7, 0.8, 0.9, 1}}
	}), 0.5, true}, splitCase{"natural/frozen, split off the record grid", with(base(rule.Natural, 2e-3), func(c *Config) {
		c.Rule.Refresh = rule.Frozen
	}), 0.4495, true}, splitCase{"natural/silent and slow afferents (pending spikes beyond the wheel)",
		with(base(rule.Natural, 2e-3), func(c *Config) {
			c.Rates = append([]float64(nil), c.Rates...)
			c.Rates[0], c.Rates[1], c.Rates[2] = 0, 0.05, 0.2
		}), 0.5, true}, splitCase{"natural/replayed inputs", with(base(rule.Natural, 2e-3), func(c *Config) {
		c.InputSpikes = make([]float64, c.Bins()*len(c.Rates))
		for j := range c.InputSpikes {
			if math.Mod(float64(j)*0.6180339887, 1) < 0.02 {
				c.InputSpikes[j] = 1
			}
		}
	}), 0.5, true})
	return cases
}

// splitRuns runs the 1-s trial of configuration cfg() whole (one) and in
// two parts through its state (a, then b), and fails unless b ends with
// one's final weights and state; it returns the first part's configuration.
func splitRuns(t *testing.T, c splitCase, cfg func() Config) (first Config, one, a, b Result) {
	t.Helper()
	whole := cfg()
	whole.KeepState, whole.RecordSpikes = true, c.record
	one = runOrFail(t, whole)
	first, second := cfg(), cfg()
	first.Duration, first.KeepState = c.first, true
	a = runOrFail(t, first)
	second.Duration, second.State, second.KeepState, second.RecordSpikes = 1-c.first, a.State, true, c.record
	if whole.InputSpikes != nil {
		second.InputSpikes = whole.InputSpikes[first.Bins()*len(whole.Rates):]
	}
	b = runOrFail(t, second)
	if !slices.Equal(b.Final, one.Final) || !slices.Equal(b.State, one.State) {
		t.Fatalf("final weights or state differ: %v vs %v", b.Final[:3], one.Final[:3])
	}
	return first, one, a, b
}

// A trial of 1 s split into two parts through its state equals the 1-s
// trial bit for bit: weights at every record, metrics, traces, spikes and
// the state the parts end with.
func TestContinuedTrialEqualsOneTrial(t *testing.T) {
	for _, c := range splitCases() {
		t.Run(c.name, func(t *testing.T) {
			first, one, a, b := splitRuns(t, c, c.cfg)
			n, ka := len(first.Rates), first.Bins()/first.RecordEvery
			if !slices.Equal(a.Weights, one.Weights[:len(a.Weights)]) {
				t.Errorf("records of the first part differ")
			}
			onGrid := first.Bins()%first.RecordEvery == 0
			if onGrid && (!slices.Equal(append(a.Weights[:ka*n:ka*n], b.Weights...), one.Weights) ||
				!slices.Equal(append(a.KL[:ka:ka], b.KL...), one.KL) || !slices.Equal(append(a.Times[:ka:ka], b.Times...), one.Times)) {
				t.Errorf("records differ")
			}
			if first.Bins()%first.TraceEvery == 0 && !slices.Equal(append(a.Voltage, b.Voltage...), one.Voltage) {
				t.Errorf("traces differ")
			}
			if c.record {
				got := unpackBits(b.SpikeBits)
				for i := range got {
					got[i] += first.Bins()
				}
				var tail []int
				for _, k := range unpackBits(one.SpikeBits) {
					if k >= first.Bins() {
						tail = append(tail, k)
					}
				}
				if !slices.Equal(got, tail) || len(tail) == 0 {
					t.Errorf("student spikes of the second part differ: %v vs %v", got, tail)
				}
			}
		})
	}
}

func TestStateFromAnotherConfigurationIsRefused(t *testing.T) {
	cfg := fig3Config(rule.Natural, 2e-3, 0.1, 6)
	cfg.KeepState = true
	st := runOrFail(t, cfg).State
	for name, mod := range map[string]func(*Config){
		"eta":  func(c *Config) { c.Rule.Eta = 1e-3 },
		"seed": func(c *Config) { c.Seed++ },
		"rate": func(c *Config) { c.Rates = append([]float64(nil), c.Rates...); c.Rates[0] = 11 },
	} {
		c := fig3Config(rule.Natural, 2e-3, 0.1, 6)
		mod(&c)
		c.State = st
		if err := Run(context.Background(), c, &Result{}); !errors.Is(err, ErrState) {
			t.Errorf("%s: error %v, want ErrState", name, err)
		}
	}
	c := fig3Config(rule.Natural, 2e-3, 0.1, 7)
	c.State = st
	if err := Run(context.Background(), c, &Result{}); !errors.Is(err, ErrState) {
		t.Errorf("other n: error %v, want ErrState", err)
	}
	damaged := slices.Clone(st)
	damaged[len(damaged)/2]++
	c = fig3Config(rule.Natural, 2e-3, 0.1, 6)
	c.State = damaged
	if err := Run(context.Background(), c, &Result{}); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged: error %v, want ErrState", err)
	}
	bad := slices.Clone(st)
	bad[0] = 1
	c = fig3Config(rule.Natural, 2e-3, 0.1, 6)
	c.State = bad
	if err := Run(context.Background(), c, &Result{}); !errors.Is(err, ErrState) {
		t.Errorf("corrupt: error %v, want ErrState", err)
	}
}

func TestKeepStateIsRefusedWithARateSchedule(t *testing.T) {
	c := fig3Config(rule.Natural, 2e-3, 0.1, 4)
	c.KeepState = true
	c.Schedule = input.RateSchedule{Starts: []int{0, 100}, Rates: append(slices.Clone(c.Rates), 20, 20, 20, 20)}
	if err := Run(context.Background(), c, &Result{}); err == nil || !strings.Contains(err.Error(), "rate schedule") {
		t.Errorf("error %v, want one naming the rate schedule", err)
	}
}

// An event-driven state whose checksum matches but whose lazy state is
// impossible (an epoch beyond its maximum, a non-finite running sum) is
// refused with ErrState, not continued.
func TestImpossibleEventDrivenStateIsRefused(t *testing.T) {
	cfg := defaultEvaluation(fig3Config(rule.Natural, 2e-3, 0.1, 6))
	cfg.KeepState = true
	st := runOrFail(t, cfg).State
	for name, word := range map[string]struct {
		at int
		x  float64
	}{"epoch": {eventAt, 1 << 20}, "sum": {eventAt + rule.EventScalarWords - 1, math.NaN()}} {
		forged := slices.Clone(st)
		forged[word.at] = word.x
		forged[len(forged)-1] = math.Float64frombits(checksum(forged))
		c := defaultEvaluation(fig3Config(rule.Natural, 2e-3, 0.1, 6))
		c.State = forged
		if err := Run(context.Background(), c, &Result{}); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "event-driven state") {
			t.Errorf("%s: error %v, want ErrState on the event-driven state", name, err)
		}
	}
}

// The Euclidean rule's epoch factors are exactly M = 1 and B = +0 (its
// event-driven paths rely on them): a state with other ones is refused.
func TestEuclideanEpochFactorsOtherThanOneAndZeroAreRefused(t *testing.T) {
	cfg := defaultEvaluation(fig3Config(rule.Euclidean, 1.5e-6, 0.1, 6))
	cfg.KeepState = true
	st := runOrFail(t, cfg).State
	if m, b := st[eventAt+3], st[eventAt+4]; m != 1 || b != 0 || math.Signbit(b) {
		t.Fatalf("Euclidean epoch factors M = %g, B = %g, want 1 and +0", m, b)
	}
	for name, word := range map[string]struct {
		at int
		x  float64
	}{"M": {eventAt + 3, 1 + 0x1p-52}, "B": {eventAt + 4, 1e-300}, "B = -0": {eventAt + 4, math.Copysign(0, -1)}} {
		forged := slices.Clone(st)
		forged[word.at] = word.x
		forged[len(forged)-1] = math.Float64frombits(checksum(forged))
		c := cfg
		c.State = forged
		if err := Run(context.Background(), c, &Result{}); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "Euclidean") {
			t.Errorf("%s: error %v, want ErrState naming the Euclidean rule's epoch factors", name, err)
		}
	}
}

// TestFormatTwoStateIsRefused: a state written before the counter-based
// streams (format 2: PCG words and pending spikes, 10 + n words longer) is
// refused naming its format, not as a mere length mismatch.
func TestFormatTwoStateIsRefused(t *testing.T) {
	const n = 6
	old := make([]float64, StateWords(n)+10+n)
	old[0], old[1] = math.Float64frombits(stateMagic), 2
	c := fig3Config(rule.Natural, 2e-3, 0.1, n)
	c.State = old
	err := Run(context.Background(), c, &Result{})
	if !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "format 2") || !strings.Contains(err.Error(), "counter-based") {
		t.Errorf("format-2 state: error %v, want ErrState naming format 2 and the change of streams", err)
	}
	c.State = slices.Clone(old[:StateWords(n)])
	c.State[1] = 7
	if err := Run(context.Background(), c, &Result{}); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), "format 7") {
		t.Errorf("format-7 state: error %v, want ErrState naming format 7", err)
	}
}

// A layer of 3 neurons split into two parts through its state (one state
// per neuron, continued at one bin) equals the whole run bit for bit, for
// every split case: final weights, end state, records and each neuron's
// recorded spikes of the second part.
func TestContinuedLayerEqualsOneLayer(t *testing.T) {
	const m = 3
	for _, c := range splitCases() {
		t.Run(c.name, func(t *testing.T) {
			first, one, _, b := splitRuns(t, c, func() Config { return layerOf(c.cfg(), m) })
			if first.Bins()%first.RecordEvery == 0 && !slices.Equal(b.KL, lastRecords(one.KL, m, len(b.KL)/m)) {
				t.Errorf("records of the second part differ")
			}
			if !c.record {
				return
			}
			wa, wb := len(one.SpikeBits)/m, len(b.SpikeBits)/m
			for j := range m {
				var tail []int
				for _, k := range unpackBits(one.SpikeBits[j*wa : (j+1)*wa]) {
					if k >= first.Bins() {
						tail = append(tail, k-first.Bins())
					}
				}
				if got := unpackBits(b.SpikeBits[j*wb : (j+1)*wb]); !slices.Equal(got, tail) || len(tail) == 0 {
					t.Errorf("neuron %d: student spikes of the second part differ: %v vs %v", j, got, tail)
				}
			}
		})
	}
}

// lastRecords returns the last k records of each of the m neurons' rows of
// a per-neuron record output xs.
func lastRecords(xs []float64, m, k int) []float64 {
	rows := len(xs) / m
	var out []float64
	for j := range m {
		out = append(out, xs[(j+1)*rows-k:(j+1)*rows]...)
	}
	return out
}

// A layer's state continues only as the whole layer it came from: with two
// neurons' states swapped, neuron 0 finds neuron 1's digest (each neuron's
// streams are its own); with one neuron's state from a later bin, the
// neurons would continue at different bins.
func TestLayerStateOfOtherNeuronsIsRefused(t *testing.T) {
	cfg := layerOf(defaultEvaluation(fig3Config(rule.Natural, 2e-3, 0.1, 6)), 2)
	cfg.KeepState = true
	a := runOrFail(t, cfg)
	w := StateWords(6)
	swapped := append(append([]float64(nil), a.State[w:]...), a.State[:w]...)
	later := cfg
	later.State = a.State
	b := runOrFail(t, later)
	mixed := append(append([]float64(nil), a.State[:w]...), b.State[w:]...)
	for want, st := range map[string][]float64{
		"neuron 0: state: the state belongs to another configuration":     swapped,
		"neuron 1 of the state continues at bin 400, neuron 0 at bin 200": mixed,
	} {
		c := cfg
		c.State = st
		var r Result
		if err := Run(context.Background(), c, &r); !errors.Is(err, ErrState) || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q, got %v", want, err)
		}
	}
}
