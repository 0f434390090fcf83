package config

import (
	"fmt"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// Teacher kinds accepted in TrainConfig.Teacher.
const (
	TeacherRealizable = "realizable" // target weights on the same inputs
	TeacherPoisson    = "poisson"    // fixed-rate Poisson spikes
	TeacherReplay     = "replay"     // a supplied spike train
)

// TrainConfig is the control-plane description of one learning trial; the
// arrays (rates, weights, spike trains) travel separately as buffers.
type TrainConfig struct {
	Neuron             NeuronConfig `json:"neuron"`
	Rule               string       `json:"rule"`                // euclidean | natural | approximate
	Eta                float64      `json:"eta"`                 // learning rate η
	LRConvention       string       `json:"lr_convention"`       // exact | authors
	CoefficientRefresh int          `json:"coefficient_refresh"` // bins between refreshes, or -1 (frozen)
	CU                 float64      `json:"c_u"`                 // Eqn 114
	CW                 float64      `json:"c_w"`                 // Eqn 114
	SilentRate         float64      `json:"silent_rate"`         // Hz, rate of silent afferents in the rule
	Duration           float64      `json:"duration"`            // s
	RecordEvery        int          `json:"record_every"`        // bins; <= 0: start and end only
	TraceEvery         int          `json:"trace_every"`         // bins; <= 0: no V, φ traces
	TestSamples        int          `json:"test_samples"`        // objective test set size
	TestBins           int          `json:"test_bins"`           // bins per test sample
	Teacher            string       `json:"teacher"`             // realizable | poisson | replay
	TeacherRate        float64      `json:"teacher_rate"`        // Hz, Poisson teacher
	Seed               uint64       `json:"seed"`                // root seed of the trial streams
	// Speed options (opt-in; see rule.Config.CoefficientTol, learn.Config.EventDriven).
	CoefficientTolerance float64 `json:"coefficient_tolerance"` // 0: exact quadrature
	EventDriven          bool    `json:"event_driven"`          // event-driven evaluation
	// The authors' input pool (opt-in; user guide, "Input protocols"; see learn.InputPool).
	InputPoolSize     int     `json:"input_pool_size"`     // trains per rate group; 0: off
	InputPoolInterval float64 `json:"input_pool_interval"` // s per train
	InputPoolStream   uint64  `json:"input_pool_stream"`   // which pool for the same seed
}

// DefaultTrain returns the defaults: the paper's neuron, the natural rule,
// exact score factor, coefficients every bin, c_u = 0.95, c_w = 0.05.
func DefaultTrain() TrainConfig {
	return TrainConfig{Neuron: DefaultNeuron(), Rule: "natural", LRConvention: "exact", CoefficientRefresh: 1,
		CU: rule.DefaultCU, CW: rule.DefaultCW, SilentRate: rule.DefaultSilentRate,
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
}

// Learn builds and validates the core trial configuration.
func (c TrainConfig) Learn(a Arrays, trial uint64) (learn.Config, error) {
	t, k, err := c.Neuron.Build()
	if err != nil {
		return learn.Config{}, err
	}
	rc, err := c.ruleConfig()
	if err != nil {
		return learn.Config{}, err
	}
	teacher, err := c.teacher(a)
	if err != nil {
		return learn.Config{}, err
	}
	lc := learn.Config{Transfer: t, Kernel: k, Rule: rc, Rates: a.Rates, W0: a.W0, Teacher: teacher,
		Duration: c.Duration, InputSpikes: a.InputSpikes, RecordEvery: c.RecordEvery, TraceEvery: c.TraceEvery,
		TestSamples: c.TestSamples, TestBins: c.TestBins, Seed: c.Seed, Trial: trial, EventDriven: c.EventDriven,
		InputPool: learn.InputPool{Size: c.InputPoolSize, Interval: c.InputPoolInterval, Stream: c.InputPoolStream}}
	if a.Attenuation != nil {
		lc.Param = neuron.Dendritic{Alpha: a.Attenuation}
	}
	if c.TestSamples < 1 || c.TestBins < 1 {
		return lc, fmt.Errorf("test_samples and test_bins must be >= 1, got %d and %d", c.TestSamples, c.TestBins)
	}
	return lc, lc.Validate()
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
	rc := rule.Config{Kind: kind, Eta: c.Eta, LR: lr, Refresh: c.CoefficientRefresh, CU: c.CU, CW: c.CW, SilentRate: c.SilentRate,
		CoefficientTol: c.CoefficientTolerance}
	return rc, rc.Validate()
}

func (c TrainConfig) teacher(a Arrays) (learn.Teacher, error) {
	switch c.Teacher {
	case TeacherRealizable:
		return learn.Teacher{Kind: learn.Realizable, Weights: a.TeacherWeights}, nil
	case TeacherPoisson:
		return learn.Teacher{Kind: learn.PoissonTeacher, Rate: c.TeacherRate}, nil
	case TeacherReplay:
		return learn.Teacher{Kind: learn.ReplayTeacher, Spikes: a.TeacherSpikes}, nil
	}
	return learn.Teacher{}, fmt.Errorf("teacher must be %q, %q or %q, got %q", TeacherRealizable, TeacherPoisson, TeacherReplay, c.Teacher)
}
