package input

import (
	"fmt"
	"math/bits"
)

// Pending writes into dst (length N) the bin of every afferent's next
// spike (−1 for a silent afferent) and returns the current bin: with the
// random stream, the complete state of a Poisson source.
func (p *Poisson) Pending(dst []int64) (bin int64) {
	for i := range dst {
		dst[i] = -1
	}
	span := p.sched.mask + 1
	for b := int64(0); b < span; b++ {
		base := int(b) * p.sched.words
		at := p.bin + (b-p.bin)&p.sched.mask // the one bin ≥ p.bin that maps to bucket b
		for w, word := range p.sched.wheel[base : base+p.sched.words] {
			for ; word != 0; word &= word - 1 {
				dst[w<<6|bits.TrailingZeros64(word)] = at
			}
		}
	}
	for _, e := range p.sched.far {
		dst[e.afferent] = e.bin
	}
	return p.bin
}

// SetPending restores a state returned by Pending: the source continues
// at bin with the given next spikes (its random stream is the caller's).
func (p *Poisson) SetPending(bin int64, next []int64) error {
	if len(next) != len(p.logq) {
		return fmt.Errorf("input state: %d pending spikes for %d afferents", len(next), len(p.logq))
	}
	p.bin = bin
	p.sched.clear()
	for i, k := range next {
		switch {
		case k < 0 && p.logq[i] == 0:
		case k < bin || p.logq[i] == 0:
			return fmt.Errorf("input state: afferent %d's next spike at bin %d does not fit bin %d or its rate", i, k, bin)
		default:
			p.sched.add(k, bin, i)
		}
	}
	return nil
}
