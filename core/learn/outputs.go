package learn

import (
	"fmt"
	"slices"
	"sync"

	"github.com/natspike/natspike/core/rule"
)

// Dim names an axis of an output. The names are those of the xarray
// export: records are indexed by "time", trace samples by "trace_time",
// afferents by "synapse"; a layer of neurons (Config.Neurons > 0) adds a
// leading "neuron" to every per-neuron output (Output.Neuron), and a run of
// many trials adds a leading "trial" before it.
type Dim string

// The axes of trial outputs.
const (
	DimRecords   Dim = "time"       // Config.Records()
	DimTraces    Dim = "trace_time" // Config.Traces()
	DimAfferents Dim = "synapse"    // len(Config.Rates)
	DimTrials    Dim = "trial"      // trials of a run (leading axis)
	DimNeurons   Dim = "neuron"     // Config.Neurons of a layer (after trial)
	// DimSpikeWords indexes a spike train packed 32 bins to a value (see
	// SpikeWords): bit b of word j is bin 32 j + b.
	DimSpikeWords Dim = "spike_word"
	// DimStateWords indexes a trial's end state (StateWords), which
	// Config.State accepts to continue the trial.
	DimStateWords Dim = "state_word"
)

// Origin says who fills an output.
type Origin string

// Origins of outputs.
const (
	FromTrial  Origin = "trial" // written by Run
	FromInput  Origin = "input" // a copy of the call's input buffer Input
	FromRunner Origin = "run"   // written by a runner of many trials (not by Run)
)

// TeacherKinds lists every teacher kind, in the order of the constants.
var TeacherKinds = []TeacherKind{Realizable, PoissonTeacher, ReplayTeacher}

// String returns the teacher kind's name in the configuration ("realizable",
// "poisson", "replay").
func (k TeacherKind) String() string {
	switch k {
	case Realizable:
		return "realizable"
	case PoissonTeacher:
		return "poisson"
	case ReplayTeacher:
		return "replay"
	}
	return fmt.Sprintf("TeacherKind(%d)", int(k))
}

// MarshalText encodes a teacher kind by its name (String).
func (k TeacherKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Bin is what an output may observe of bin k after its update.
type Bin struct {
	Step    rule.Step // the rule's scalars of the bin (V, φ, γ's, …)
	Teacher float64   // the teacher's spike (0 or 1)
	Student float64   // the student's spike (0 or 1), drawn only with RecordSpikes
	Config  *Config   // the trial
}

// Output describes one quantity a trial produces: the name it has in
// Python's Result, the results store and the xarray export, its unit, its
// meaning, its shape and when it exists. Outputs is the one list of them;
// everything across the C ABI and in Python is built from it.
type Output struct {
	Name string `json:"name"`
	Unit string `json:"unit"` // "" for dimensionless
	Doc  string `json:"doc"`
	Dims []Dim  `json:"dims"` // shape of one trial's array (empty: a scalar per trial)
	// Shared marks an output that is the same for every trial of a run
	// (the record times): many-trial runs keep one copy, without a trial axis.
	Shared bool `json:"shared"`
	// Neuron marks a per-neuron output: a layer (Config.Neurons > 0) gives
	// it a leading neuron axis, not listed in Dims (a single neuron has none).
	Neuron bool `json:"neuron"`
	// Teachers lists the teacher kinds for which the output exists.
	Teachers []TeacherKind `json:"teachers"`
	// Traced outputs exist only when traces are sampled (TraceEvery > 0).
	Traced bool `json:"traced"`
	// Spiking outputs exist only with Config.RecordSpikes, Stateful ones
	// only with Config.KeepState.
	Spiking  bool   `json:"spiking"`
	Stateful bool   `json:"stateful"`
	Origin   Origin `json:"origin"`
	// Input names the input buffer copied by FromInput outputs.
	Input string `json:"input,omitempty"`
	// Slot returns the Result field Run writes (FromTrial outputs).
	Slot func(*Result) *[]float64 `json:"-"`
	// Observe, if set, is called by Run after every bin k with dst the
	// output's buffer of one trial; outputs without Observe are written by
	// the trial loop itself (records, final weights).
	Observe func(dst []float64, k int, b Bin) `json:"-"`
}

// Exists reports whether the output is produced for configuration c.
func (o Output) Exists(c Config) bool {
	return slices.Contains(o.Teachers, c.Teacher.Kind) && (!o.Traced || c.Traces() > 0) &&
		(!o.Spiking || c.RecordSpikes) && (!o.Stateful || c.KeepState)
}

// Shape returns the shape of one trial's array for configuration c.
func (o Output) Shape(c Config) []int { return o.ShapeOf(c, len(c.Rates)) }

// ShapeOf returns the shape of one trial's array for configuration c with n
// afferents (c.Rates may then be nil).
func (o Output) ShapeOf(c Config, n int) []int {
	shape := []int{}
	if c.Neurons > 0 && o.Neuron {
		shape = append(shape, c.Neurons)
	}
	for _, d := range o.Dims {
		switch d {
		case DimRecords:
			shape = append(shape, c.Records())
		case DimTraces:
			shape = append(shape, c.Traces())
		case DimAfferents:
			shape = append(shape, n)
		case DimSpikeWords:
			shape = append(shape, SpikeWords(c.Bins()))
		case DimStateWords:
			shape = append(shape, StateWords(n))
		default:
			panic(fmt.Sprintf("learn: output %s: axis %q has no size per trial", o.Name, d))
		}
	}
	return shape
}

// Size returns the number of entries of one trial's array.
func (o Output) Size(c Config) int {
	size := 1
	for _, s := range o.Shape(c) {
		size *= s
	}
	return size
}

// trace returns an Observe function that samples x every TraceEvery bins.
func trace(x func(Bin) float64) func([]float64, int, Bin) {
	return func(dst []float64, k int, b Bin) {
		if every := b.Config.TraceEvery; k%every == 0 {
			dst[k/every] = x(b)
		}
	}
}

var (
	all       = TeacherKinds
	objective = []TeacherKind{Realizable, PoissonTeacher}
	target    = []TeacherKind{Realizable}
)

var (
	outputsMu sync.RWMutex
	outputs   = []Output{
		{Name: "times", Unit: "s", Doc: "Record times: 0, record_every, 2 record_every, ... (start and end only without record_every).",
			Dims: []Dim{DimRecords}, Shared: true, Teachers: all, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.Times }},
		{Name: "weights", Doc: "Weights in the learned parametrization (dendritic when an attenuation is given) at each record time.",
			Dims: []Dim{DimRecords, DimAfferents}, Neuron: true, Teachers: all, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.Weights }},
		{Name: "kl", Doc: "Mean Bernoulli D_KL per bin between teacher and student on the trial's test set (includes the factor dt); not for a replayed teacher.",
			Dims: []Dim{DimRecords}, Neuron: true, Teachers: objective, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.KL }},
		{Name: "rate_error", Unit: "Hz", Doc: "RMS difference between student and teacher rates on the test set; not for a replayed teacher.",
			Dims: []Dim{DimRecords}, Neuron: true, Teachers: objective, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.RateError }},
		{Name: "weight_distance", Doc: "Euclidean distance between the somatic weights and the teacher's target weights; only for a realizable teacher.",
			Dims: []Dim{DimRecords}, Neuron: true, Teachers: target, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.WeightDistance }},
		{Name: "final_weights", Doc: "Weights in the learned parametrization after the last bin.",
			Dims: []Dim{DimAfferents}, Neuron: true, Teachers: all, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.Final }},
		{Name: "voltage", Unit: "mV", Doc: "Somatic potential V every trace_every seconds, if requested.",
			Dims: []Dim{DimTraces}, Neuron: true, Teachers: all, Traced: true, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.Voltage },
			Observe: trace(func(b Bin) float64 { return b.Step.V })},
		{Name: "rate", Unit: "Hz", Doc: "Student rate phi(V) every trace_every seconds, if requested.",
			Dims: []Dim{DimTraces}, Neuron: true, Teachers: all, Traced: true, Origin: FromTrial, Slot: func(r *Result) *[]float64 { return &r.Rate },
			Observe: trace(func(b Bin) float64 { return b.Step.Phi })},
		{Name: "spike_bits", Doc: "The student's output spikes (Poisson, drawn from phi(V) dt per bin), packed 32 bins " +
			"to a value (bit b of entry j: bin 32 j + b); natspike.Result.spikes gives the times. With record_spikes.",
			Dims: []Dim{DimSpikeWords}, Neuron: true, Teachers: all, Spiking: true, Origin: FromTrial,
			Slot: func(r *Result) *[]float64 { return &r.SpikeBits }, Observe: packBit(func(b Bin) float64 { return b.Student })},
		{Name: "teacher_spike_bits", Doc: "The teacher's spikes that drove the rule, packed like spike_bits; " +
			"natspike.Result.teacher_spikes gives the times. With record_spikes.",
			Dims: []Dim{DimSpikeWords}, Neuron: true, Teachers: all, Spiking: true, Origin: FromTrial,
			Slot: func(r *Result) *[]float64 { return &r.TeacherSpikeBits }, Observe: packBit(func(b Bin) float64 { return b.Teacher })},
		{Name: "state", Doc: "Opaque end state of the trial (weights, traces, staged update, random streams, coefficient " +
			"cache) from which natspike.resume continues it bit for bit. With keep_state.",
			Dims: []Dim{DimStateWords}, Neuron: true, Teachers: all, Stateful: true, Origin: FromTrial,
			Slot: func(r *Result) *[]float64 { return &r.State }},
		{Name: "initial_weights", Doc: "The initial weights actually used.",
			Dims: []Dim{DimAfferents}, Neuron: true, Teachers: all, Origin: FromInput, Input: "w0"},
		{Name: "target_weights", Doc: "The teacher's somatic target weights actually used; only for a realizable teacher.",
			Dims: []Dim{DimAfferents}, Neuron: true, Teachers: target, Origin: FromInput, Input: "teacher_weights"},
		{Name: "completed", Doc: "For many trials: which trials finished (all, unless interrupted).",
			Teachers: all, Origin: FromRunner},
	}
)

// Outputs returns every output a trial can produce, in a fixed order.
func Outputs() []Output {
	outputsMu.RLock()
	defer outputsMu.RUnlock()
	return slices.Clone(outputs)
}

// RegisterOutput adds a FromTrial output recorded through o.Observe into
// Result.Extra[o.Name]; it is the one step needed to record a further
// per-bin quantity, which then reaches the C ABI, Python's Result, the
// results store and the xarray export by name. It returns an error if the
// name is taken or the description is incomplete; registering the same
// output name twice is an error.
func RegisterOutput(o Output) error {
	if o.Name == "" || o.Observe == nil || len(o.Teachers) == 0 {
		return fmt.Errorf("learn: output %q needs a name, Observe and at least one teacher kind", o.Name)
	}
	outputsMu.Lock()
	defer outputsMu.Unlock()
	for _, p := range outputs {
		if p.Name == o.Name {
			return fmt.Errorf("learn: output %q is already registered", o.Name)
		}
	}
	name := o.Name
	o.Origin, o.Neuron = FromTrial, !o.Shared
	o.Slot = func(r *Result) *[]float64 {
		if r.Extra == nil {
			r.Extra = map[string]*[]float64{}
		}
		if r.Extra[name] == nil {
			r.Extra[name] = new([]float64)
		}
		return r.Extra[name]
	}
	outputs = append(outputs, o)
	return nil
}

// Present returns the outputs that Run writes for configuration c.
func (c Config) Present() []Output {
	var out []Output
	for _, o := range Outputs() {
		if o.Origin == FromTrial && o.Exists(c) {
			out = append(out, o)
		}
	}
	return out
}
