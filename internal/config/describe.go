package config

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/core/rule"
)

// ParamType says how a parameter is written.
type ParamType string

// Parameter types.
const (
	Real    ParamType = "real"           // a finite number
	Int     ParamType = "int"            // an integer
	Bool    ParamType = "bool"           // true or false
	Choice  ParamType = "choice"         // one of Choices
	Seconds ParamType = "seconds"        // a time, a whole number of bins of the neuron's dt
	Frozen  ParamType = "bins_or_frozen" // an integer number of bins, or "frozen"
)

// Param describes one parameter of a trial: its name (the keyword of
// natspike.train and the JSON key), type, default, allowed range, unit and
// meaning. Params is the one list; Python builds its checks from it.
type Param struct {
	Name     string    `json:"name"`
	Type     ParamType `json:"type"`
	Default  any       `json:"default"`  // nil: None (Nullable) or no default (Required)
	Required bool      `json:"required"` // no default: the caller must give it
	Nullable bool      `json:"nullable"` // None is allowed and switches the feature off
	// NoneMeans is what None means when not "off" (e.g. "automatic").
	NoneMeans string   `json:"none_means,omitempty"`
	Min       *float64 `json:"min"`      // lower bound of a number, nil: none
	Max       *float64 `json:"max"`      // upper bound of a number, nil: none
	MinOpen   bool     `json:"min_open"` // the bound itself is excluded
	MaxOpen   bool     `json:"max_open"`
	Choices   []string `json:"choices,omitempty"`
	Unit      string   `json:"unit"`
	Doc       string   `json:"doc"`
	// get returns the value in c as a JSON value: float64, int, bool,
	// string, or nil for None.
	get func(c *TrainConfig) any
}

func bound(x float64) *float64 { return &x }

func boolOrNil(p *bool) any {
	if p == nil {
		return nil
	}
	return *p
}

func floatOrNil(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// Params lists the scalar parameters of a trial, in the order of
// natspike.train's keywords. Bounds that depend on other parameters (times
// against the neuron's dt, the teacher rate against 1/dt) are checked with
// the trial and named in the same way.
var Params = []Param{
	{Name: "rule", Type: Choice, Required: true, Choices: rule.Names(),
		Doc: "Plasticity rule: Euclidean gradient (Eqn 10), natural gradient (Eqns 13, 17, 38) or its approximation (Eqn 114).",
		get: func(c *TrainConfig) any { return c.Rule }},
	{Name: "duration", Type: Seconds, Required: true, Unit: "s", Doc: "Learning time, a whole number of bins of the neuron's dt.",
		get: func(c *TrainConfig) any { return c.Duration }},
	{Name: "eta", Type: Real, Required: true, Min: bound(0), MinOpen: true, Doc: "Learning rate η.",
		get: func(c *TrainConfig) any { return c.Eta }},
	{Name: "record_every", Type: Seconds, Nullable: true, Unit: "s",
		Doc: "Time between records of weights and metrics (None: only at the start and the end).",
		get: func(c *TrainConfig) any { return floatOrNil(c.RecordEvery) }},
	{Name: "lr_convention", Type: Choice, Choices: []string{"exact", "authors"},
		Doc: `Score factor: "exact" uses phi'/phi (Eqn 10), "authors" (1 - sigma(V)) = (phi'/phi)/beta as in the authors' code.`,
		get: func(c *TrainConfig) any { return c.LRConvention }},
	{Name: "coefficient_refresh", Type: Frozen, Min: bound(1), Unit: "bins",
		Doc: `Bins between recomputations of the Fisher coefficients (natural and approximate rules), or "frozen" (once at t = 0).`,
		get: func(c *TrainConfig) any {
			if c.CoefficientRefresh.Frozen {
				return frozen
			}
			return c.CoefficientRefresh.Bins
		}},
	{Name: "c_u", Type: Real, Min: bound(0), Doc: "Constant c_u of the approximate rule (Eqn 114); other rules refuse a value but the default.",
		get: func(c *TrainConfig) any { return c.CU }},
	{Name: "c_w", Type: Real, Min: bound(0), Doc: "Constant c_w of the approximate rule (Eqn 114); other rules refuse a value but the default.",
		get: func(c *TrainConfig) any { return c.CW }},
	{Name: "silent_rate", Type: Real, Min: bound(0), MinOpen: true, Unit: "Hz",
		Doc: "Rate standing in for r = 0 inside the rule.", get: func(c *TrainConfig) any { return c.SilentRate }},
	{Name: "trace_every", Type: Seconds, Nullable: true, Unit: "s", Doc: "Time between samples of V and phi(V) (None: no traces).",
		get: func(c *TrainConfig) any { return floatOrNil(c.TraceEvery) }},
	{Name: "test_samples", Type: Int, Min: bound(1), Max: bound(learn.MaxTestSamples),
		Doc: "USP vectors in the test set of D_KL and the rate error.", get: func(c *TrainConfig) any { return c.TestSamples }},
	{Name: "test_bins", Type: Int, Min: bound(1), Max: bound(learn.MaxTestBins), Unit: "bins",
		Doc: "Bins of the fresh input train whose last USP vector is one test sample.", get: func(c *TrainConfig) any { return c.TestBins }},
	{Name: "exact", Type: Bool,
		Doc: "Evaluate by the reference: the dense loop with the Fisher coefficients by quadrature at every refresh (default False: the fast evaluation, within 1e-8 of the weight change of it).",
		get: func(c *TrainConfig) any { return c.Exact }},
	{Name: "event_driven", Type: Bool, Nullable: true, NoneMeans: "automatic",
		Doc: "Run the rule in its event-driven form (O(1) work per bin plus O(1) per input spike); None: wherever it applies (tau_m != tau_s, no input pool) unless exact.",
		get: func(c *TrainConfig) any { return boolOrNil(c.EventDriven) }},
	{Name: "coefficient_tolerance", Type: Real, Nullable: true, NoneMeans: "automatic", Min: bound(0), Max: bound(1), MaxOpen: true,
		Doc: fmt.Sprintf("Relative error bound of the Chebyshev-interpolated Fisher coefficients, 0 or in [1e-14, 1) (0: quadrature); None: %g unless exact.",
			DefaultCoefficientTolerance),
		get: func(c *TrainConfig) any { return floatOrNil(c.CoefficientTolerance) }},
	{Name: "input_pool_size", Type: Int, Nullable: true, Min: bound(1), Max: bound(learn.MaxPoolSize),
		Doc: "Trains per distinct rate of the authors' input pool (None: continuous Poisson input).",
		get: func(c *TrainConfig) any {
			if c.InputPoolSize == nil {
				return nil
			}
			return *c.InputPoolSize
		}},
	{Name: "input_pool_interval", Type: Seconds, Unit: "s", Doc: "Length of one pool train; needs input_pool_size.",
		get: func(c *TrainConfig) any { return c.InputPoolInterval }},
	{Name: "input_pool_stream", Type: Int, Min: bound(0), Max: bound(math.Exp2(64)), MaxOpen: true,
		Doc: "Selects another input pool for the same seed; needs input_pool_size.",
		get: func(c *TrainConfig) any { return float64(c.InputPoolStream) }},
	{Name: "record_spikes", Type: Bool, Doc: "Record the student's output spikes and the teacher's spikes (Result.spikes, teacher_spikes).",
		get: func(c *TrainConfig) any { return c.RecordSpikes }},
	{Name: "keep_state", Type: Bool, Doc: "Keep the trial's end state in the result, so that natspike.resume can continue it.",
		get: func(c *TrainConfig) any { return c.KeepState }},
}

func init() {
	d := DefaultTrain()
	for i := range Params {
		if !Params[i].Required {
			Params[i].Default = Params[i].get(&d)
		}
	}
	for i := range Params {
		if Params[i].Name == "input_pool_stream" {
			Params[i].Default = 0 // the uint64 as an integer
		}
	}
}

// checkParams checks every numeric parameter against its range in Params.
func (c TrainConfig) checkParams() error {
	for _, p := range Params {
		if err := p.check(p.get(&c)); err != nil {
			return err
		}
	}
	return nil
}

func (p Param) check(v any) error {
	var x float64
	switch v := v.(type) {
	case float64:
		x = v
	case int:
		x = float64(v)
	case string:
		if p.Type == Choice && !contains(p.Choices, v) {
			return fmt.Errorf("%s must be one of %s, got %q", p.Name, quoted(p.Choices), v)
		}
		return nil
	default:
		return nil
	}
	if math.IsNaN(x) || math.IsInf(x, 0) || (p.Min != nil && (x < *p.Min || p.MinOpen && x == *p.Min)) ||
		(p.Max != nil && (x > *p.Max || p.MaxOpen && x == *p.Max)) {
		return fmt.Errorf("%s must be %s, got %v", p.Name, p.Range(), v)
	}
	return nil
}

// Range describes the allowed values in words, e.g. "None (off) or in [1, 1000000]".
func (p Param) Range() string {
	var s string
	switch {
	case p.Min != nil && p.Max != nil:
		s = fmt.Sprintf("in %s%s, %s%s", map[bool]string{false: "[", true: "("}[p.MinOpen], num(*p.Min),
			num(*p.Max), map[bool]string{false: "]", true: ")"}[p.MaxOpen])
	case p.Min != nil:
		s = map[bool]string{false: ">= ", true: "> "}[p.MinOpen] + num(*p.Min)
	case p.Max != nil:
		s = map[bool]string{false: "<= ", true: "< "}[p.MaxOpen] + num(*p.Max)
	default:
		s = "finite"
	}
	if p.Type == Frozen {
		s += ` or "frozen"`
	}
	if p.Nullable {
		s = "None (" + cmp.Or(p.NoneMeans, "off") + ") or " + s
	}
	return s
}

func num(x float64) string {
	if x == math.Exp2(64) {
		return "2**64"
	}
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func quoted(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// Plan is what a run will produce: its sizes and the outputs that exist,
// with their shapes (trials > 0 adds a leading trial axis to every output
// that is not shared).
type Plan struct {
	Bins    int           `json:"bins"`
	Records int           `json:"records"`
	Traces  int           `json:"traces"`
	Outputs []PlannedSlot `json:"outputs"`
}

// PlannedSlot is one output of a plan.
type PlannedSlot struct {
	Name   string       `json:"name"`
	Shape  []int        `json:"shape"`
	Origin learn.Origin `json:"origin"`
	Input  string       `json:"input,omitempty"`
}

// Plan validates every scalar parameter and returns the plan of a run of
// trials trials (0: a single trial by natspike.train) of n afferents.
func (c TrainConfig) Plan(n, trials int) (Plan, error) {
	lc, err := c.plan()
	if err != nil {
		return Plan{}, err
	}
	if lc.Bins() > MaxBins {
		return Plan{}, fmt.Errorf("duration of %v s is %d bins, more than the supported 2^40", c.Duration, lc.Bins())
	}
	p := Plan{Bins: lc.Bins(), Records: lc.Records(), Traces: lc.Traces()}
	for _, o := range learn.Outputs() {
		if !o.Exists(lc) || o.Origin == learn.FromRunner && trials == 0 {
			continue
		}
		shape := o.ShapeOf(lc, n)
		if trials > 0 && !o.Shared {
			shape = append([]int{trials}, shape...)
		}
		p.Outputs = append(p.Outputs, PlannedSlot{Name: o.Name, Shape: shape, Origin: o.Origin, Input: o.Input})
	}
	return p, nil
}

// Description is everything Python needs to know about a run, as JSON.
type Description struct {
	Params  []Param        `json:"params"`
	Outputs []learn.Output `json:"outputs"`
	Dims    []learn.Dim    `json:"dims"`
	// Teachers are the teacher kinds, as TrainConfig.Teacher spells them.
	Teachers []learn.TeacherKind `json:"teachers"`
	MaxBins  int                 `json:"max_bins"`
	// CoefficientTolerance is the cache's bound in the default evaluation.
	CoefficientTolerance float64 `json:"default_coefficient_tolerance"`
	// Transfers are the transfer-function families of package neuron with
	// their parameters, Kernel the parameters of the PSP kernel (Eqn 28).
	Transfers []TransferDescription `json:"transfers"`
	Kernel    []Param               `json:"kernel"`
	// SharedKeys are the parameters in which configurations sharing their
	// trials may differ (SharedKeys).
	SharedKeys []string `json:"shared_keys"`
}

// TransferDescription is one transfer-function family as Python sees it.
type TransferDescription struct {
	Name     string  `json:"name"`
	Equation string  `json:"equation"`
	Params   []Param `json:"params"`
}

// Describe returns the description of a trial's parameters and outputs.
func Describe() Description {
	return Description{Params: Params, Outputs: learn.Outputs(), Teachers: learn.TeacherKinds, MaxBins: MaxBins,
		CoefficientTolerance: DefaultCoefficientTolerance, Dims: []learn.Dim{learn.DimTrials, learn.DimNeurons, learn.DimRecords, learn.DimTraces, learn.DimAfferents,
			learn.DimSpikeWords, learn.DimStateWords},
		Transfers: describeTransfers(), Kernel: kernelParams(), SharedKeys: SharedKeys}
}

func describeTransfers() []TransferDescription {
	var out []TransferDescription
	for _, f := range neuron.TransferFamilies() {
		td := TransferDescription{Name: f.Name, Equation: f.Equation}
		for _, p := range f.Parameters {
			td.Params = append(td.Params, realParam(p.Name, p.Default, p.Positive, p.Unit, p.Meaning))
		}
		out = append(out, td)
	}
	return out
}

// kernelParams describes the kernel's parameters; neuron.Kernel.Validate
// enforces them (and dt < min(tau_m, tau_s)).
func kernelParams() []Param {
	k := neuron.DefaultKernel()
	return []Param{
		realParam("tau_m", k.TauM, true, "s", "membrane time constant (Eqn 28)"),
		realParam("tau_s", k.TauS, true, "s", "synaptic time constant (Eqn 28)"),
		realParam("dt", k.Dt, true, "s", "simulation time step, < min(tau_m, tau_s)"),
		realParam("eps0", k.Eps0, true, "mV·s", "PSP kernel prefactor (with 1 a PSP has unit area)"),
	}
}

func realParam(name string, def float64, positive bool, unit, doc string) Param {
	p := Param{Name: name, Type: Real, Default: def, Unit: unit, Doc: doc}
	if positive {
		p.Min, p.MinOpen = bound(0), true
	}
	return p
}

// JSON returns d as a JSON object.
func (d Description) JSON() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // every field is a plain value
	}
	return string(b)
}
