package rule

import (
	"fmt"
	"strings"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
)

// Kind selects a plasticity rule.
type Kind int

// The rules of the paper.
const (
	Euclidean   Kind = iota // Eqn 10 (chain rule Eqn 44 for other parametrizations)
	Natural                 // Eqns 13, 17, 38
	Approximate             // Eqn 114
	numKinds                // number of rules; every Kind below it has an entry in rules
)

// properties is everything that distinguishes one rule from another. Every
// place that behaves differently per rule reads it from the rules table, so
// adding a rule means adding a Kind and its row (TestEveryKindHasARow fails
// for a Kind without one).
type properties struct {
	name     string
	equation string // where the paper defines it
	// natural rules precondition the error by the inverse Fisher matrix:
	// Δw = η e γ_s f'(w)⁻¹ ⊙ (c_ε x/r̂ − γ_u + γ_w f(w)) (Eqns 13, 17, 114).
	// Otherwise the update is the Euclidean Δw = η e f'(w) ⊙ x (Eqns 10, 44).
	natural bool
	// fisher says which Fisher coefficients and heterosynaptic factors a
	// natural rule uses (Learner.recompute, Learner.heterosynaptic).
	fisher fisherNeeds
}

// fisherNeeds is what a rule takes from the Fisher matrix. The Learner
// switches on it (a plain branch per bin, no indirect call).
type fisherNeeds int

const (
	// noFisher: the Euclidean rule.
	noFisher fisherNeeds = iota
	// fullInverse: γ_s and g1–g4 (Eqns 101–107), γ_u and γ_w of Eqns 108, 109.
	fullInverse
	// globalScaleOnly: γ_s = 1/c1 only, γ_u ≈ c_ε c_u and γ_w ≈ c_w V (Eqn 114).
	globalScaleOnly
)

// rules holds one row per Kind.
var rules = [numKinds]properties{
	Euclidean:   {name: "euclidean", equation: "Eqn 10", fisher: noFisher},
	Natural:     {name: "natural", equation: "Eqns 13, 17, 38", natural: true, fisher: fullInverse},
	Approximate: {name: "approximate", equation: "Eqn 114", natural: true, fisher: globalScaleOnly},
}

// Kinds returns every rule, in Kind order.
func Kinds() []Kind {
	out := make([]Kind, numKinds)
	for k := range out {
		out[k] = Kind(k)
	}
	return out
}

// Names returns the rules' names, in Kind order.
func Names() []string {
	out := make([]string, numKinds)
	for k := range out {
		out[k] = rules[k].name
	}
	return out
}

// ParseKind maps a rule name ("euclidean", "natural", "approximate") to its Kind.
func ParseKind(name string) (Kind, error) {
	for k, p := range rules {
		if p.name == name {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("rule must be one of %s, got %q", quoted(Names()), name)
}

// Valid reports whether k is one of the rules.
func (k Kind) Valid() bool { return k >= 0 && k < numKinds }

// String returns the rule's name.
func (k Kind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return rules[k].name
}

// Natural reports whether the rule preconditions its update by the
// (approximate) inverse Fisher matrix, as the natural and approximate rules do.
func (k Kind) Natural() bool { return k.properties().natural }

// properties returns k's row; an unknown Kind is a programmer error (Config.Validate rejects it).
func (k Kind) properties() *properties {
	if !k.Valid() {
		panic(fmt.Sprintf("rule: unknown Kind %d", int(k)))
	}
	return &rules[k]
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// LRConvention selects the score factor that multiplies the error.
type LRConvention int

const (
	// Exact uses φ'/φ (Eqn 10), β(1 − σ) for the sigmoid.
	Exact LRConvention = iota
	// Authors uses (1 − σ) = (φ'/φ)/β, the convention of the authors' Fig 3,
	// 9 and 12 code (user guide, "Learning-rate conventions"), so that the paper's η values reproduce
	// the paper's curves. Only defined for the sigmoid.
	Authors
)

// ParseLRConvention maps "exact" and "authors" to an LRConvention.
func ParseLRConvention(name string) (LRConvention, error) {
	switch name {
	case "exact", "":
		return Exact, nil
	case "authors":
		return Authors, nil
	}
	return 0, fmt.Errorf("lr_convention must be \"exact\" or \"authors\", got %q", name)
}

// Defaults of the approximate rule (Eqn 114) and of silent afferents (user guide, "Inputs").
const (
	DefaultCU         = 0.95
	DefaultCW         = 0.05
	DefaultSilentRate = 1e-4
)

// Config is a rule with its constants.
type Config struct {
	Kind Kind
	Eta  float64      // learning rate η > 0
	LR   LRConvention // score-factor convention
	// Refresh is how often, in bins, the natural and approximate rules
	// recompute their Fisher coefficients from the current weights: 1 (the
	// default, every bin), k > 1 (every k bins), or Frozen (once, at the
	// first bin, as in the authors' Fig 4, 5 and 7 code).
	Refresh    int
	CU, CW     float64 // constants c_u, c_w of the approximate rule (Eqn 114)
	SilentRate float64 // rate used in the rule for afferents with r = 0 (Hz)
	// CoefficientTol, if > 0, evaluates the coefficients through a
	// fisher.Cache (Chebyshev patches around the operating point) with this
	// error bound instead of by quadrature at every refresh: about 10× faster
	// per evaluation. 0 (the default) is exact quadrature.
	CoefficientTol float64
}

// Frozen as Config.Refresh computes the coefficients once, at the first bin.
const Frozen = -1

// DefaultConfig returns kind with learning rate eta and the paper's constants.
func DefaultConfig(kind Kind, eta float64) Config {
	return Config{Kind: kind, Eta: eta, Refresh: 1, CU: DefaultCU, CW: DefaultCW, SilentRate: DefaultSilentRate}
}

// Validate checks η > 0, a known rule, Refresh ≥ 1 or Frozen and positive constants.
func (c Config) Validate() error {
	if !c.Kind.Valid() {
		return fmt.Errorf("rule must be one of %s, got kind %d", quoted(Names()), int(c.Kind))
	}
	if err := neuron.CheckPositive("eta", c.Eta); err != nil {
		return err
	}
	if c.Refresh == 0 || c.Refresh < Frozen {
		return fmt.Errorf("coefficient_refresh must be >= 1 bin or frozen, got %d", c.Refresh)
	}
	if err := neuron.CheckPositive("silent_rate", c.SilentRate); err != nil {
		return err
	}
	if c.CoefficientTol != 0 && !(c.CoefficientTol >= 1e-14 && c.CoefficientTol < 1) {
		return fmt.Errorf("coefficient_tolerance must be 0 (exact) or in [1e-14, 1), got %v", c.CoefficientTol)
	}
	if err := neuron.CheckFinite("c_u", c.CU); err != nil {
		return err
	}
	return neuron.CheckFinite("c_w", c.CW)
}

// Components are the three parts of a natural or approximate update
// (Eqns 20–23), each already multiplied by the common factor
// e γ_s f'(w)^{-1}: Δw = Hom + HetU + HetW. For the Euclidean rule all of
// the update is homosynaptic.
type Components struct {
	Hom, HetU, HetW []float64
}

// Step reports the scalars of one update.
type Step struct {
	V, Phi      float64 // somatic potential (mV) and rate φ(V) (Hz)
	Error       float64 // e / η = (y − φ dt) φ'/φ (or the authors' convention)
	GammaS      float64 // 1/c1 (natural, approximate)
	GammaU      float64 // uniform heterosynaptic factor (Eqn 108 or c_ε c_u)
	GammaW      float64 // weight-proportional factor (Eqn 109 or c_w V)
	SumX        float64 // Σ_i x_i
	Coefficient fisher.Coefficients
}

// finiteOr returns nil for a finite x (x − x = 0 exactly; NaN for NaN
// and ±Inf), else the error naming the quantity. It is small enough to be
// inlined into the per-bin paths.
func finiteOr(name string, x float64) error {
	if x-x == 0 {
		return nil
	}
	return notFinite(name, x)
}

func notFinite(name string, x float64) error { return fmt.Errorf("%s became %v", name, x) }
