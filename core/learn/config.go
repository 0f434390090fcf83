package learn

import (
	"fmt"
	"math"
	"slices"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// TeacherKind selects where the teacher's spikes come from (Eqns 32–33).
type TeacherKind int

const (
	// Realizable: a teacher neuron with somatic weights w* on the same inputs.
	Realizable TeacherKind = iota
	// PoissonTeacher: spikes at a fixed rate, independent of the inputs.
	PoissonTeacher
	// ReplayTeacher: a supplied 0/1 spike train, one entry per bin.
	ReplayTeacher
)

// Teacher describes the supervising spike train.
type Teacher struct {
	Kind    TeacherKind
	Weights []float64 // somatic target weights w* (Realizable)
	Rate    float64   // Hz (PoissonTeacher)
	Spikes  []float64 // per-bin 0/1 (ReplayTeacher)
	// Rates are a layer's Poisson rates, one per neuron (Hz; PoissonTeacher
	// with Config.Neurons > 0). In a layer, Weights hold Neurons × n target
	// weights and Spikes Neurons equal-length spike trains, neuron-major.
	Rates []float64
}

// Default sizes of the test set used for the objective (user guide, "Objective and test set").
const (
	DefaultTestSamples = 50
	DefaultTestBins    = 500
	// MaxTestSamples and MaxTestBins bound the test set (internal/config states them to Python).
	MaxTestSamples = 1 << 20
	MaxTestBins    = 1 << 24
	// MaxPotential bounds |V| (mV); beyond it a run is reported as diverged.
	MaxPotential = 1e6
)

// Config is one learning trial.
type Config struct {
	Transfer neuron.Transfer
	Kernel   neuron.Kernel
	Rule     rule.Config
	Param    neuron.Parametrization // nil: somatic weights
	Rates    []float64              // afferent rates r_i (Hz)
	W0       []float64              // initial weights in the learned parametrization
	Teacher  Teacher
	Duration float64 // learning time (s), ≥ dt
	// InputSpikes, if not nil, replays a bins × n 0/1 matrix instead of
	// drawing Poisson inputs.
	InputSpikes []float64
	// InputEvents, if not nil, replays spikes stored sparsely: (bin,
	// afferent) pairs sorted by bin, then afferent (input.Events).
	InputEvents []float64
	// Schedule, if it has segments, makes the rates piecewise constant
	// (input.RateSchedule; Rates must equal its first segment): Poisson
	// inputs, the rule's rate-dependent terms and the objective's test set
	// follow the current segment.
	Schedule    input.RateSchedule
	RecordEvery int // bins between records of weights and metrics; ≤ 0: start and end only
	TraceEvery  int // bins between samples of V and φ; ≤ 0: no traces
	TestSamples int // test-set size for the objective (default 50)
	TestBins    int // bins per test sample (default 500)
	Seed, Trial uint64
	// EventDriven runs the rule in its event-driven form (rule.Events): O(1)
	// work per bin plus O(1) per input spike instead of O(n) per bin, equal
	// to the dense evaluation up to rounding. It needs somatic or dendritic
	// weights and tau_m != tau_s.
	EventDriven bool
	// InputPool, if its Size is > 0, replaces the continuous Poisson input
	// by the authors' pool protocol (user guide, "Input protocols"; see InputPool).
	InputPool InputPool
	// RecordSpikes records the student's output spikes (drawn from their
	// own stream, seed.StudentSpikes, so nothing else changes) and the
	// teacher's spikes (outputs spike_bits, teacher_spike_bits).
	RecordSpikes bool
	// KeepState writes the trial's end state into Result.State; State, if
	// not nil, is such a state: the trial then continues from it (state.go).
	KeepState bool
	State     []float64
	// Progress, if not nil, is called from the running goroutine with the
	// number of bins completed since its previous call.
	Progress func(bins int)
	// Neurons, if > 0, makes the trial a layer of that many output neurons
	// on the same afferent spikes (see layer.go): W0 and Teacher hold one
	// row per neuron and every per-neuron output gains a leading neuron
	// axis. 0 is a single neuron.
	Neurons int
	// Neuron is the index of this neuron in a layer; it selects the
	// teacher's random stream (counter.NewNeuronKey). 0 for a single neuron.
	Neuron uint64
}

// InputPool is the authors' input protocol of the Fig 3 family
// (user guide, "Input protocols"), opt-in: Size trains of one Interval per distinct rate are drawn
// once from seed.Stream(Seed, Stream, seed.InputPool), so every trial of a
// run with the same Seed shares the pool. At the start of every interval the
// USP traces are reset to zero and each afferent draws one train of its rate
// group, with replacement, from the trial's input stream (input.Pool; bin 0
// of every train carries no spike, the authors' first-bin quirk). Not
// combinable with EventDriven or InputSpikes.
type InputPool struct {
	Size     int     // trains per rate group, 0 (off) or 1 … MaxPoolSize
	Interval float64 // s per train, a whole number of bins ≥ dt; 0 means DefaultPoolInterval
	Stream   uint64  // selects another pool for the same Seed
}

// Bounds and default of InputPool.
const (
	MaxPoolSize         = 1_000_000
	DefaultPoolInterval = 1.0     // s, as in the authors' code
	maxPoolSpikes       = 1 << 28 // expected spikes stored in a pool (4 bytes each)
)

// Bins returns the number of bins per interval at bin width dt.
func (p InputPool) Bins(dt float64) int { return int(math.Round(p.interval() / dt)) }

func (p InputPool) interval() float64 {
	if p.Interval == 0 {
		return DefaultPoolInterval
	}
	return p.Interval
}

// Bins returns the number of learning bins, round(Duration/dt).
func (c Config) Bins() int { return int(math.Round(c.Duration / c.Kernel.Dt)) }

// recordStride returns the number of bins between records.
func (c Config) recordStride() int {
	if c.RecordEvery <= 0 || c.RecordEvery > c.Bins() {
		return c.Bins()
	}
	return c.RecordEvery
}

// Records returns the number of records: one at t = 0 and one after every
// RecordEvery bins.
func (c Config) Records() int { return c.Bins()/c.recordStride() + 1 }

// Traces returns the number of V and φ samples (0 when TraceEvery ≤ 0).
func (c Config) Traces() int {
	if c.TraceEvery <= 0 {
		return 0
	}
	return (c.Bins()-1)/c.TraceEvery + 1
}

// HasObjective reports whether D_KL and the rate error are defined (not
// for a replayed teacher), and HasTarget whether the weight distance is.
func (c Config) HasObjective() bool { return c.Teacher.Kind != ReplayTeacher }

// HasTarget reports whether target weights exist (realizable teacher).
func (c Config) HasTarget() bool { return c.Teacher.Kind == Realizable }

func (c *Config) setDefaults() {
	if c.TestSamples == 0 {
		c.TestSamples = DefaultTestSamples
	}
	if c.TestBins == 0 {
		c.TestBins = DefaultTestBins
	}
	if c.Param == nil {
		c.Param = neuron.Somatic{}
	}
}

// Validate checks every field and names the offending parameter.
func (c Config) Validate() error {
	if c.Neurons != 0 {
		return c.validateLayer()
	}
	if c.Transfer == nil {
		return fmt.Errorf("transfer function missing")
	}
	for _, err := range []error{c.Transfer.Validate(), c.Kernel.Validate(), c.Rule.Validate(),
		input.ValidateRates(c.Rates, c.Kernel.Dt)} {
		if err != nil {
			return err
		}
	}
	if err := c.validateSpikeProbability(); err != nil {
		return err
	}
	if err := c.validateSizes(); err != nil {
		return err
	}
	if err := checkVector("weights", c.W0, len(c.Rates)); err != nil {
		return err
	}
	if err := c.validateParam(); err != nil {
		return err
	}
	if err := c.validateEventDriven(); err != nil {
		return err
	}
	if err := c.validatePool(); err != nil {
		return err
	}
	if err := c.validateReplayAndSchedule(); err != nil {
		return err
	}
	if err := c.validateState(); err != nil {
		return err
	}
	return c.validateTeacher()
}

// validateSpikeProbability refuses a sigmoid whose maximal rate reaches 1/dt: the student (and a realizable
// teacher) spike in a bin with probability φ(V)·dt, which approaches φ_max·dt at high V, and a probability
// beyond 1 would spike in every bin and make D_KL meaningless. (The rectified quadratic is unbounded; its
// φ·dt is not checked here.)
func (c Config) validateSpikeProbability() error {
	phiMax := 0.0
	switch s := c.Transfer.(type) {
	case neuron.Sigmoid:
		phiMax = s.PhiMax
	case *neuron.Sigmoid:
		phiMax = s.PhiMax
	}
	if !(phiMax*c.Kernel.Dt < 1) {
		return fmt.Errorf("phi_max must be < 1/dt = %v Hz (a bin's spike probability φ(V)·dt approaches "+
			"phi_max·dt, which must stay below 1), got %v", 1/c.Kernel.Dt, phiMax)
	}
	return nil
}

func (c Config) validateSizes() error {
	if !(c.Duration >= c.Kernel.Dt) || math.IsInf(c.Duration, 0) {
		return fmt.Errorf("duration must be finite and >= dt = %v s, got %v", c.Kernel.Dt, c.Duration)
	}
	if c.Bins() > 1<<40 {
		return fmt.Errorf("duration of %v s is %d bins, more than the supported 2^40", c.Duration, c.Bins())
	}
	if c.TestSamples < 0 || c.TestBins < 0 || c.TestSamples > MaxTestSamples || c.TestBins > MaxTestBins {
		return fmt.Errorf("test_samples must be in [1, 2^20] and test_bins in [1, 2^24], got %d and %d", c.TestSamples, c.TestBins)
	}
	if c.InputSpikes != nil && len(c.InputSpikes) < c.Bins()*len(c.Rates) {
		return fmt.Errorf("inputs must have at least %d bins (duration/dt) x %d afferents, got %d values",
			c.Bins(), len(c.Rates), len(c.InputSpikes))
	}
	return nil
}

func (c Config) validateParam() error {
	if d, ok := c.Param.(neuron.Dendritic); ok {
		if len(d.Alpha) != len(c.Rates) {
			return fmt.Errorf("attenuation must have %d entries (one per afferent), got %d", len(c.Rates), len(d.Alpha))
		}
		_, err := neuron.NewDendritic(d.Alpha)
		return err
	}
	return nil
}

func (c Config) validateEventDriven() error {
	if c.EventDriven && (!c.linearWeights() || c.Kernel.Alpha()) {
		return fmt.Errorf("event_driven: %w", rule.ErrNotEventDriven)
	}
	return nil
}

// EventDrivenApplies reports whether the event-driven form can run c:
// somatic or dendritic (linear) weights, tau_m != tau_s and no input pool.
func (c Config) EventDrivenApplies() bool {
	return c.linearWeights() && !c.Kernel.Alpha() && c.InputPool.Size == 0
}

func (c Config) linearWeights() bool {
	switch c.Param.(type) {
	case nil, neuron.Somatic, neuron.Dendritic:
		return true
	}
	return false
}

func (c Config) validatePool() error {
	p, dt := c.InputPool, c.Kernel.Dt
	if p.Size == 0 {
		return nil
	}
	if p.Size < 0 || p.Size > MaxPoolSize {
		return fmt.Errorf("input_pool_size must be 0 (off) or in [1, %d], got %d", MaxPoolSize, p.Size)
	}
	iv, bins := p.interval(), p.Bins(dt)
	if !(iv >= dt) || math.IsInf(iv, 0) || bins > input.MaxPoolBins {
		return fmt.Errorf("input_pool_interval must be finite, >= dt = %v s and at most 2^30 bins, got %v s", dt, iv)
	}
	if math.Abs(iv/dt-float64(bins)) > 1e-9*float64(bins) {
		return fmt.Errorf("input_pool_interval must be a whole number of bins of dt = %v s, got %v s (%.6g bins)", dt, iv, iv/dt)
	}
	if c.EventDriven {
		return fmt.Errorf("input_pool_size and event_driven cannot be combined: the event-driven evaluation does not support the input pool")
	}
	if c.InputSpikes != nil {
		return fmt.Errorf("input_pool_size and inputs cannot be combined: replayed input spikes take the place of the pool")
	}
	return c.validatePoolMemory()
}

// validatePoolMemory bounds the expected number of spikes stored in the pool.
func (c Config) validatePoolMemory() error {
	if spikes := c.PoolSpikes(); spikes > maxPoolSpikes {
		return fmt.Errorf("input_pool_size x input_pool_interval x (sum of the distinct rates) = %.3g expected pool spikes, more than the supported 2^28", spikes)
	}
	return nil
}

// PoolSpikes returns the expected number of spikes the input pool stores
// (4 bytes each): Size trains of Bins−1 bins for every distinct rate; 0
// without a pool.
func (c Config) PoolSpikes() float64 {
	if c.InputPool.Size <= 0 {
		return 0
	}
	sum := 0.0
	for _, r := range slices.Compact(slices.Sorted(slices.Values(c.Rates))) {
		sum += r
	}
	return float64(c.InputPool.Size) * float64(c.InputPool.Bins(c.Kernel.Dt)-1) * c.Kernel.Dt * sum
}

func (c Config) validateTeacher() error {
	t := c.Teacher
	if t.Rates != nil {
		return fmt.Errorf("teacher_rates are for a layer of neurons (neurons > 0); a single neuron's Poisson teacher has one rate")
	}
	switch t.Kind {
	case Realizable:
		return checkVector("teacher weights", t.Weights, len(c.Rates))
	case PoissonTeacher:
		if !(t.Rate >= 0) || t.Rate*c.Kernel.Dt >= 1 {
			return fmt.Errorf("teacher rate must be >= 0 Hz and < 1/dt = %v Hz, got %v", 1/c.Kernel.Dt, t.Rate)
		}
		return nil
	case ReplayTeacher:
		if len(t.Spikes) < c.Bins() {
			return fmt.Errorf("teacher spikes must have at least %d bins (duration/dt), got %d", c.Bins(), len(t.Spikes))
		}
		for i, s := range t.Spikes {
			if s != 0 && s != 1 {
				return fmt.Errorf("teacher spikes[%d] must be 0 or 1, got %v", i, s)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown teacher kind %d", t.Kind)
}

func checkVector(name string, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("%s must have %d entries (one per afferent), got %d", name, n, len(v))
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] must be finite, got %v", name, i, x)
		}
	}
	return nil
}
