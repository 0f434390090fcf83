package rule

import "github.com/natspike/natspike/core/fisher"

// CoefficientLanes evaluates the coefficients of many Events' natural
// rules together, four per register (fisher.InverseLanes over their
// caches): Serve before their Advances sets, for every one whose Advance
// recomputes the coefficients, what that recompute would, bit for bit,
// where the lanes serve it; where they do not, the Advance recomputes its
// own. Each Events is read and written only through its own lane.
type CoefficientLanes struct {
	lanes  *fisher.InverseLanes
	evs    []*Events
	dst    []*fisher.Coefficients
	ratios []*fisher.Ratios
	eps0   []float64
	served []bool
}

// NewCoefficientLanes returns the lanes of those of evs whose natural rule
// takes its coefficients from a cache (fisher.Cache.InverseInto), or nil
// where there are fewer than two (one lane of four costs more than its own
// recompute: ≈ 105 instructions more per bin for Fig 12C's one natural
// member) or no kernel serves them (fisher.NewInverseLanes).
func NewCoefficientLanes(evs []*Events) *CoefficientLanes {
	c := &CoefficientLanes{}
	var caches []*fisher.Cache
	for _, e := range evs {
		if l := e.l; e.natural && l.rule.fisher != globalScaleOnly && l.cache != nil {
			caches = append(caches, l.cache)
			c.evs, c.dst, c.ratios = append(c.evs, e), append(c.dst, &l.coeffs), append(c.ratios, &l.ratios)
			c.eps0 = append(c.eps0, l.kernel.Eps0)
		}
	}
	if len(caches) < 2 {
		return nil
	}
	if c.lanes = fisher.NewInverseLanes(caches); c.lanes == nil {
		return nil
	}
	c.served = make([]bool, len(c.evs))
	return c
}

// Serve evaluates the coefficients of every lane whose Events' next
// Advance recomputes them, at the point that Advance would, and sets them
// for it where the lanes serve them.
func (c *CoefficientLanes) Serve() {
	s := c.lanes
	for j, e := range c.evs {
		if l := e.l; l.refreshDue() {
			mu, variance := l.runningPoint(e.sums.r1, e.sums.r2)
			s.Set(j, mu, variance, l.q)
		} else {
			s.Skip(j)
		}
	}
	s.Run()
	s.Into(c.dst, c.ratios, c.eps0, c.served)
	evs := c.evs[:len(c.served)]
	for j, ok := range c.served {
		if ok {
			l := evs[j].l
			l.stale, l.partial, l.served = false, true, true
		}
	}
}
