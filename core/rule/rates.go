package rule

import "fmt"

// SetRates switches the learner to new afferent rates, the next segment of
// a rate schedule: from the next update on, the homosynaptic gain c_ε/r̂,
// q (Eqn 36) and the voltage moments use them, and the Fisher coefficients
// (and their cache's lookups) are recomputed at the next update whatever
// the refresh schedule. An update staged by the pipelined form must have
// been applied (Flush) before. Rate 0 stands for SilentRate as in New.
func (l *Learner) SetRates(rates []float64) {
	if len(rates) != len(l.rates) {
		panic(fmt.Sprintf("rule: SetRates: %d rates, want %d", len(rates), len(l.rates)))
	}
	l.setRates(rates)
	l.statsValid = false
	l.stale = true
}

// SetRates switches the event-driven form to new rates (Learner.SetRates):
// it materialises weights and traces with the old gains, then rebuilds the
// running sums with the new ones.
func (e *Events) SetRates(rates []float64) error {
	if err := e.renormalise(); err != nil {
		return err
	}
	l := e.l
	l.SetRates(rates)
	if l.rule.natural {
		e.b = l.homGain
	}
	e.rateSum, e.maxB = 0, 0
	for i, r := range l.rates {
		e.rateSum += r
		e.maxB = max(e.maxB, e.b[i])
	}
	return e.renormalise()
}
