package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// Teacher kinds accepted in TrainConfig.Teacher: the names of learn's
// teacher kinds.
var (
	TeacherRealizable = learn.Realizable.String()     // target weights on the same inputs
	TeacherPoisson    = learn.PoissonTeacher.String() // fixed-rate Poisson spikes
	TeacherReplay     = learn.ReplayTeacher.String()  // a supplied spike train
)

// TrainConfig is the control-plane description of one learning trial, in
// the units of the API (s, Hz); the arrays (rates, weights, spike trains)
// travel separately as buffers. Its parameters are described, with their
// defaults, ranges, units and meaning, by Params; a nil pointer is None
// (the feature is off).
type TrainConfig struct {
	Neuron             NeuronConfig `json:"neuron"`
	Rule               string       `json:"rule"`                // euclidean | natural | approximate
	Eta                float64      `json:"eta"`                 // learning rate η
	LRConvention       string       `json:"lr_convention"`       // exact | authors
	CoefficientRefresh Refresh      `json:"coefficient_refresh"` // bins between refreshes, or "frozen"
	CU                 float64      `json:"c_u"`                 // Eqn 114
	CW                 float64      `json:"c_w"`                 // Eqn 114
	SilentRate         float64      `json:"silent_rate"`         // Hz, rate of silent afferents in the rule
	Duration           float64      `json:"duration"`            // s
	RecordEvery        *float64     `json:"record_every"`        // s; nil: start and end only
	TraceEvery         *float64     `json:"trace_every"`         // s; nil: no V, φ traces
	TestSamples        int          `json:"test_samples"`        // objective test set size
	TestBins           int          `json:"test_bins"`           // bins per test sample
	Teacher            string       `json:"teacher"`             // realizable | poisson | replay
	TeacherRate        float64      `json:"teacher_rate"`        // Hz, Poisson teacher
	Seed               uint64       `json:"seed"`                // root seed of the trial streams
	// The evaluation (see evaluation.go): the fast default, or Exact, the
	// dense per-bin quadrature reference; the two overrides below.
	CoefficientTolerance *float64 `json:"coefficient_tolerance"` // nil: automatic
	EventDriven          *bool    `json:"event_driven"`          // nil: automatic
	Exact                bool     `json:"exact"`                 // dense, quadrature in every bin
	// The authors' input pool (opt-in; user guide, "Input protocols"; see learn.InputPool).
	InputPoolSize     *int    `json:"input_pool_size"`     // trains per rate group; nil: off
	InputPoolInterval float64 `json:"input_pool_interval"` // s per train
	InputPoolStream   uint64  `json:"input_pool_stream"`   // which pool for the same seed
	// Neurons > 0 is a layer of that many output neurons (learn.Config.Neurons): the
	// rows of the weights; 0 is a single neuron.
	Neurons      int       `json:"neurons"`
	TeacherRates []float64 `json:"teacher_rates"` // Hz, a layer's Poisson teacher: one rate per neuron
	// Outputs of a continued trial (see learn.Config.RecordSpikes, KeepState).
	RecordSpikes bool `json:"record_spikes"` // record the student's and the teacher's spikes
	KeepState    bool `json:"keep_state"`    // keep the end state for natspike.resume
}

// Refresh is coefficient_refresh: a number of bins ≥ 1, or "frozen"
// (coefficients computed once at t = 0).
type Refresh struct {
	Bins   int
	Frozen bool
}

// frozen is the JSON spelling of Refresh{Frozen: true}.
const frozen = "frozen"

// MarshalJSON writes the number of bins or "frozen".
func (r Refresh) MarshalJSON() ([]byte, error) {
	if r.Frozen {
		return json.Marshal(frozen)
	}
	return json.Marshal(r.Bins)
}

// UnmarshalJSON reads a number of bins or the string "frozen".
func (r *Refresh) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s != frozen {
			return fmt.Errorf("coefficient_refresh must be a number of bins >= 1 or %q, got %q", frozen, s)
		}
		*r = Refresh{Frozen: true}
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("coefficient_refresh must be a number of bins >= 1 or %q, got %s", frozen, b)
	}
	*r = Refresh{Bins: n}
	return nil
}

func (r Refresh) rule() int {
	if r.Frozen {
		return rule.Frozen
	}
	return r.Bins
}

// DefaultTrain returns the defaults: the paper's neuron, the natural rule,
// exact score factor, coefficients every bin, c_u = 0.95, c_w = 0.05.
func DefaultTrain() TrainConfig {
	return TrainConfig{Neuron: DefaultNeuron(), Rule: rule.Natural.String(), LRConvention: "exact",
		CoefficientRefresh: Refresh{Bins: 1}, CU: rule.DefaultCU, CW: rule.DefaultCW, SilentRate: rule.DefaultSilentRate,
		TestSamples: learn.DefaultTestSamples, TestBins: learn.DefaultTestBins, Teacher: TeacherRealizable,
		InputPoolInterval: learn.DefaultPoolInterval}
}

// ParseTrain decodes a JSON object over DefaultTrain.
func ParseTrain(data []byte) (TrainConfig, error) {
	c := DefaultTrain()
	if err := decodeStrict(data, &c); err != nil {
		return TrainConfig{}, fmt.Errorf("train: %w", err)
	}
	return c, nil
}

// Arrays are the data-plane inputs of a trial. Nil means absent.
type Arrays struct {
	Rates, W0, TeacherWeights, TeacherSpikes, InputSpikes, Attenuation []float64
	// InputEvents: sparse replayed spikes, (bin, afferent) pairs
	// (input.Events); ScheduleStarts, ScheduleRates: a rate schedule's
	// segment start bins (k) and rates (k × n) (input.RateSchedule).
	InputEvents, ScheduleStarts, ScheduleRates []float64
	// ResumeState is the end state of an earlier part (learn.Config.State).
	ResumeState []float64
}

// Learn builds and validates the core trial configuration.
func (c TrainConfig) Learn(a Arrays, trial uint64) (learn.Config, error) {
	lc, err := c.plan()
	if err != nil {
		return lc, err
	}
	lc.Rates, lc.W0, lc.InputSpikes, lc.Trial = a.Rates, a.W0, a.InputSpikes, trial
	lc.Teacher.Weights, lc.Teacher.Spikes, lc.State = a.TeacherWeights, a.TeacherSpikes, a.ResumeState
	if a.Attenuation != nil {
		lc.Param = neuron.Dendritic{Alpha: a.Attenuation}
	}
	lc.InputEvents = a.InputEvents
	if lc.Schedule, err = a.schedule(); err != nil {
		return lc, err
	}
	return lc, lc.Validate()
}

func (a Arrays) schedule() (input.RateSchedule, error) {
	if a.ScheduleStarts == nil && a.ScheduleRates == nil {
		return input.RateSchedule{}, nil
	}
	starts, err := input.ScheduleStarts(a.ScheduleStarts)
	if err != nil || len(starts) == 0 {
		return input.RateSchedule{}, errors.Join(err, errors.New("rates (rate schedule) needs schedule_starts and schedule_rates with at least one segment"))
	}
	return input.RateSchedule{Starts: starts, Rates: a.ScheduleRates}, nil
}

// plan validates every scalar parameter and returns the core configuration
// without its arrays: times converted from seconds to bins.
func (c TrainConfig) plan() (learn.Config, error) {
	t, k, err := c.Neuron.Build()
	if err != nil {
		return learn.Config{}, err
	}
	if err := c.checkParams(); err != nil {
		return learn.Config{}, err
	}
	if err := c.checkEvaluation(); err != nil {
		return learn.Config{}, err
	}
	rc, err := c.ruleConfig()
	if err != nil {
		return learn.Config{}, err
	}
	kind, err := c.teacherKind()
	if err != nil {
		return learn.Config{}, err
	}
	lc := learn.Config{Transfer: t, Kernel: k, Rule: rc, Teacher: learn.Teacher{Kind: kind, Rate: c.TeacherRate, Rates: c.TeacherRates},
		Duration: c.Duration, TestSamples: c.TestSamples, TestBins: c.TestBins, Seed: c.Seed,
		Neurons: c.Neurons, RecordSpikes: c.RecordSpikes, KeepState: c.KeepState}
	if c.Neurons < 0 || c.Neurons > learn.MaxNeurons {
		return lc, fmt.Errorf("weights: a layer must have 1 to %d neurons (rows), got %d", learn.MaxNeurons, c.Neurons)
	}
	if lc.RecordEvery, err = optionalBins("record_every", c.RecordEvery, k.Dt); err != nil {
		return lc, err
	}
	if lc.TraceEvery, err = optionalBins("trace_every", c.TraceEvery, k.Dt); err != nil {
		return lc, err
	}
	if _, err := WholeBins("duration", c.Duration, k.Dt); err != nil {
		return lc, err
	}
	if lc.InputPool, err = c.inputPool(k.Dt); err != nil {
		return lc, err
	}
	lc.EventDriven = c.eventDriven(lc)
	return lc, nil
}

func (c TrainConfig) inputPool(dt float64) (learn.InputPool, error) {
	if c.InputPoolSize == nil {
		if c.InputPoolInterval != learn.DefaultPoolInterval || c.InputPoolStream != 0 {
			return learn.InputPool{}, fmt.Errorf("input_pool_interval and input_pool_stream need input_pool_size (the pool is off)")
		}
		return learn.InputPool{}, nil
	}
	if _, err := WholeBins("input_pool_interval", c.InputPoolInterval, dt); err != nil {
		return learn.InputPool{}, err
	}
	return learn.InputPool{Size: *c.InputPoolSize, Interval: c.InputPoolInterval, Stream: c.InputPoolStream}, nil
}

// MaxBins is the largest number of bins a time may span (2^40).
const MaxBins = 1 << 40

// WholeBins converts a time in seconds to bins of dt, refusing a time that
// is not finite, shorter than dt, longer than MaxBins bins, or not a whole
// number of bins (to 1e-9 relative): it never rounds silently.
func WholeBins(name string, seconds, dt float64) (int, error) {
	bins := math.Round(seconds / dt)
	if !(seconds >= dt*(1-1e-9)) || math.IsInf(seconds, 0) || bins > MaxBins {
		return 0, fmt.Errorf("%s must be finite, >= dt = %v s and at most 2^40 bins, got %v s", name, dt, seconds)
	}
	if math.Abs(seconds/dt-bins) > 1e-9*bins {
		return 0, fmt.Errorf("%s must be a whole number of bins of dt = %v s, got %v s (%.6g bins)", name, dt, seconds, seconds/dt)
	}
	return int(bins), nil
}

func optionalBins(name string, seconds *float64, dt float64) (int, error) {
	if seconds == nil {
		return 0, nil
	}
	return WholeBins(name, *seconds, dt)
}

func (c TrainConfig) ruleConfig() (rule.Config, error) {
	kind, err := rule.ParseKind(c.Rule)
	if err != nil {
		return rule.Config{}, err
	}
	lr, err := rule.ParseLRConvention(c.LRConvention)
	if err != nil {
		return rule.Config{}, err
	}
	if kind != rule.Approximate && (c.CU != rule.DefaultCU || c.CW != rule.DefaultCW) {
		return rule.Config{}, fmt.Errorf("c_u and c_w are constants of the approximate rule only; rule %q would ignore "+
			"c_u=%v, c_w=%v (leave them at %v, %v)", c.Rule, c.CU, c.CW, rule.DefaultCU, rule.DefaultCW)
	}
	rc := rule.Config{Kind: kind, Eta: c.Eta, LR: lr, Refresh: c.CoefficientRefresh.rule(), CU: c.CU, CW: c.CW,
		SilentRate: c.SilentRate, CoefficientTol: c.coefficientTolerance()}
	return rc, rc.Validate()
}

func (c TrainConfig) teacherKind() (learn.TeacherKind, error) {
	for _, k := range learn.TeacherKinds {
		if c.Teacher == k.String() {
			return k, nil
		}
	}
	return 0, fmt.Errorf("teacher must be %q, %q or %q, got %q", TeacherRealizable, TeacherPoisson, TeacherReplay, c.Teacher)
}
