package input

import (
	"fmt"
	"math"
)

// RateSchedule is a piecewise-constant rate schedule: segment j starts at
// bin Starts[j] (Starts[0] = 0, strictly increasing) and holds the rates
// Rates[j·n : (j+1)·n] (Hz) until the next segment starts.
type RateSchedule struct {
	Starts []int
	Rates  []float64
}

// Segments returns the number of segments (0: no schedule).
func (s RateSchedule) Segments() int { return len(s.Starts) }

// Segment returns the rates of segment j.
func (s RateSchedule) Segment(j int) []float64 {
	n := len(s.Rates) / len(s.Starts)
	return s.Rates[j*n : (j+1)*n]
}

// Validate checks the schedule for n afferents at bin width dt: starts
// 0 < … strictly increasing, k × n rates each valid (ValidateRates). Errors
// name rates (rate schedule).
func (s RateSchedule) Validate(n int, dt float64) error {
	k := len(s.Starts)
	if k == 0 {
		return fmt.Errorf("rates (rate schedule) needs at least one segment")
	}
	if len(s.Rates) != k*n {
		return fmt.Errorf("rates (rate schedule) must have shape (%d, %d) (segments x afferents), got %d values", k, n, len(s.Rates))
	}
	if s.Starts[0] != 0 {
		return fmt.Errorf("rates (rate schedule): times must start at 0, got a first segment at bin %d", s.Starts[0])
	}
	for j := 1; j < k; j++ {
		if s.Starts[j] <= s.Starts[j-1] {
			return fmt.Errorf("rates (rate schedule): times must be strictly increasing, got bin %d after bin %d (segment %d)", s.Starts[j], s.Starts[j-1], j)
		}
	}
	for j := 0; j < k; j++ {
		if err := ValidateRates(s.Segment(j), dt); err != nil {
			return fmt.Errorf("rates (rate schedule) segment %d: %w", j, err)
		}
	}
	return nil
}

// ScheduleStarts converts a flat list of segment start bins given as
// float64 (whole numbers ≥ 0) to ints.
func ScheduleStarts(bins []float64) ([]int, error) {
	out := make([]int, len(bins))
	for j, b := range bins {
		if !(b >= 0 && b <= 1<<40) || b != math.Trunc(b) {
			return nil, fmt.Errorf("rates (rate schedule): start bins must be whole numbers in [0, 2^40], got %v (segment %d)", b, j)
		}
		out[j] = int(b)
	}
	return out, nil
}
