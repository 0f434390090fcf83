package config

import (
	"fmt"

	"github.com/natspike/natspike/core/learn"
)

// DefaultCoefficientTolerance is the relative error bound of the
// interpolated Fisher coefficients in the default (non-exact) evaluation.
// The cache checks every patch against quadrature to this bound, so each
// bin's update of the natural and approximate rules is within about this
// fraction of the exact one; the trajectory tests (internal/config
// evaluation_test.go, tests/test_speed_options.py) hold the default to 1e-8
// of the weight change, ten times this bound.
const DefaultCoefficientTolerance = 1e-9

// The evaluation of a trial is chosen by three parameters:
//
//   - exact = false (default): the event-driven form where it applies
//     (learn.Config.EventDrivenApplies), else the fused dense loop, with the
//     coefficient cache at DefaultCoefficientTolerance;
//   - exact = true: the reference, the dense loop with the Fisher coefficients
//     by quadrature at every refresh;
//   - event_driven and coefficient_tolerance override the default's choices
//     (None: automatic; coefficient_tolerance = 0: quadrature). With exact =
//     true they may only repeat its choices (event_driven = False,
//     coefficient_tolerance = 0): anything else is refused, naming both.

// checkEvaluation refuses overrides that contradict exact.
func (c TrainConfig) checkEvaluation() error {
	if !c.Exact {
		return nil
	}
	if c.EventDriven != nil && *c.EventDriven {
		return fmt.Errorf("event_driven=True and exact=True cannot be combined: exact is the dense per-bin evaluation")
	}
	if c.CoefficientTolerance != nil && *c.CoefficientTolerance != 0 {
		return fmt.Errorf("coefficient_tolerance=%v and exact=True cannot be combined: exact computes the coefficients by quadrature (coefficient_tolerance 0 or None)",
			*c.CoefficientTolerance)
	}
	return nil
}

// coefficientTolerance is the cache's bound (0: quadrature).
func (c TrainConfig) coefficientTolerance() float64 {
	switch {
	case c.CoefficientTolerance != nil:
		return *c.CoefficientTolerance
	case c.Exact:
		return 0
	}
	return DefaultCoefficientTolerance
}

// eventDriven reports whether lc runs event-driven: as asked, else wherever
// the event-driven form applies unless exact.
func (c TrainConfig) eventDriven(lc learn.Config) bool {
	if c.EventDriven != nil {
		return *c.EventDriven
	}
	return !c.Exact && lc.EventDrivenApplies()
}
