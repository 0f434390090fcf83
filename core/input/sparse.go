package input

import (
	"fmt"
	"math"
)

// Events replays input spikes stored sparsely: one (bin, afferent) pair
// per spike, sorted by bin and, within a bin, by afferent. Memory is
// O(spikes), independent of the number of bins; a bin without an event has
// no spike. It yields the same afferents bin by bin as a Replay of the
// equivalent dense matrix.
type Events struct {
	events []float64 // interleaved bin, afferent pairs
	n, pos int
	bin    int
}

// NewEvents validates events, a flat list of (bin, afferent) pairs of whole
// numbers, bin in [0, bins), afferent in [0, n), strictly increasing in
// (bin, afferent) order: sorted, and at most one spike of an afferent in a
// bin. Errors name input_events and the offending spike.
func NewEvents(events []float64, n, bins int) (*Events, error) {
	if n < 1 {
		return nil, fmt.Errorf("input_events need n >= 1 afferents, got %d", n)
	}
	if len(events)%2 != 0 {
		return nil, fmt.Errorf("input_events must hold (bin, afferent) pairs, got %d values", len(events))
	}
	prevBin, prevAff := -1.0, -1.0
	for j := 0; j < len(events); j += 2 {
		b, a := events[j], events[j+1]
		if err := checkEvent(j/2, b, a, n, bins); err != nil {
			return nil, err
		}
		if b < prevBin || (b == prevBin && a <= prevAff) {
			return nil, fmt.Errorf("input_events[%d] = (bin %v, afferent %v) must come after (bin %v, afferent %v): "+
				"events are sorted by bin, then afferent, with at most one spike of an afferent in a bin", j/2, b, a, prevBin, prevAff)
		}
		prevBin, prevAff = b, a
	}
	return &Events{events: events, n: n}, nil
}

func checkEvent(k int, b, a float64, n, bins int) error {
	if !(b >= 0 && b < float64(bins)) || b != math.Trunc(b) {
		return fmt.Errorf("input_events[%d]: bin must be a whole number in [0, %d), got %v", k, bins, b)
	}
	if !(a >= 0 && a < float64(n)) || a != math.Trunc(a) {
		return fmt.Errorf("input_events[%d]: afferent must be a whole number in [0, %d), got %v", k, n, a)
	}
	return nil
}

// N returns the number of afferents.
func (e *Events) N() int { return e.n }

// Next returns the afferents that spike in the next bin, in ascending order.
func (e *Events) Next(dst []int) ([]int, error) {
	dst = dst[:0]
	b := float64(e.bin)
	for e.pos < len(e.events) && e.events[e.pos] == b {
		dst = append(dst, int(e.events[e.pos+1]))
		e.pos += 2
	}
	e.bin++
	return dst, nil
}
