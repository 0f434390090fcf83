package lanes

import (
	"errors"
	"fmt"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/neuron"
)

// Width is the number of trials a batch advances in lockstep: 8 float64
// lanes fill one AVX-512 register (two AVX2 registers).
const Width = 8

// ErrUnsupported marks a configuration the lanes engine cannot serve; the
// scalar engine (learn.Run) can.
var ErrUnsupported = errors.New("not supported by the lanes engine")

// Supports reports, as an error wrapping ErrUnsupported, why the lanes
// engine cannot run cfg, or nil if it can: somatic weights, any teacher
// (realizable, Poisson or replayed), Poisson inputs drawn by the engine or
// replayed inputs (no input pool) and the two-exponential kernel
// (τ_m ≠ τ_s). cfg.EventDriven selects the event-driven form (rule.Events'
// arithmetic in every lane), otherwise the rule is evaluated densely.
func Supports(cfg learn.Config) error {
	unsupported := func(what string) error { return fmt.Errorf("%s: %w", what, ErrUnsupported) }
	switch cfg.Param.(type) {
	case nil, neuron.Somatic:
	default:
		return unsupported("weights other than somatic")
	}
	switch {
	case cfg.InputPool.Size > 0:
		return unsupported("the input pool")
	case cfg.Kernel.Alpha():
		return unsupported("the alpha kernel (tau_m = tau_s)")
	case cfg.InputEvents != nil:
		return unsupported("sparse replayed inputs (input_events)")
	case cfg.Schedule.Segments() > 0:
		return unsupported("a rate schedule")
	case cfg.Neurons > 0:
		return unsupported("a layer of neurons")
	}
	return nil
}
