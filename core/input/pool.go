package input

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Pool is the authors' input protocol for the Fig 3 family (user guide, "Input protocols"):
// for every distinct non-zero rate, Size spike trains of Bins bins each,
// drawn once and then shared read-only by all trials. A PoolSource replays
// them interval by interval; the caller resets the USP traces to zero at
// every interval boundary, so each interval begins with the ramp-up of the
// USPs from zero that the authors' 1-s traces have.
//
// Bin 0 of every train is empty: the authors' trace loop starts at bin 1 and
// ignores the spike drawn for bin 0, so every afferent spikes with
// probability r·dt in bins 1 … Bins−1 only (mean rate r·(1 − 1/Bins)).
//
// The trains are stored sparsely, as the spike bins of each train.
type Pool struct {
	bins   int
	size   int
	group  []int // afferent → index into groups, −1 for a silent afferent
	groups []poolGroup
}

// poolGroup holds the Size trains of one rate: train j spikes in the bins
// offsets[start[j]:start[j+1]], ascending.
type poolGroup struct {
	start   []int
	offsets []int32
}

// MaxPoolBins bounds the bins of one pool interval (offsets are int32).
const MaxPoolBins = 1 << 30

// NewPool draws the pool for the afferent rates: for each distinct non-zero
// rate in ascending order, size trains of bins bins from rng (spike gaps are
// geometric, one random number per spike and train).
func NewPool(rates []float64, dt float64, size, bins int, rng *rand.Rand) (*Pool, error) {
	if err := ValidateRates(rates, dt); err != nil {
		return nil, err
	}
	if size < 1 || bins < 1 || bins > MaxPoolBins {
		return nil, fmt.Errorf("input pool needs size >= 1 and 1 <= bins <= 2^30, got size %d and %d bins", size, bins)
	}
	distinct := distinctRates(rates)
	p := &Pool{bins: bins, size: size, group: make([]int, len(rates)), groups: make([]poolGroup, len(distinct))}
	for i, r := range rates {
		p.group[i] = -1
		if r > 0 {
			p.group[i], _ = slices.BinarySearch(distinct, r)
		}
	}
	for g, r := range distinct {
		p.groups[g] = drawTrains(math.Log1p(-r*dt), size, bins, rng)
	}
	return p, nil
}

// distinctRates returns the distinct non-zero rates in ascending order.
func distinctRates(rates []float64) []float64 {
	var out []float64
	for _, r := range rates {
		if r > 0 {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// drawTrains draws size Bernoulli trains over bins 1 … bins−1 (bin 0 is
// never drawn: the first-bin quirk) with per-bin spike probability
// 1 − e^{logq}.
func drawTrains(logq float64, size, bins int, rng *rand.Rand) poolGroup {
	g := poolGroup{start: make([]int, 1, size+1)}
	for j := 0; j < size; j++ {
		for b := geometricGap(rng, logq); b < int64(bins); b += geometricGap(rng, logq) {
			g.offsets = append(g.offsets, int32(b))
		}
		g.start = append(g.start, len(g.offsets))
	}
	return g
}

// Bins returns the number of bins of one interval.
func (p *Pool) Bins() int { return p.bins }

// Size returns the number of trains per rate group.
func (p *Pool) Size() int { return p.size }

// N returns the number of afferents.
func (p *Pool) N() int { return len(p.group) }

// Train returns the spike bins of train j of afferent i's rate group (nil
// for a silent afferent). The slice must not be modified.
func (p *Pool) Train(i, j int) []int32 {
	if p.group[i] < 0 {
		return nil
	}
	g := &p.groups[p.group[i]]
	return g.offsets[g.start[j]:g.start[j+1]]
}

// PoolSource replays a Pool: at the start of every interval (bins 0, Bins,
// 2·Bins, …) each non-silent afferent, in ascending order, draws one train
// index uniformly from its group's Size trains (with replacement) from the
// trial's rng, and then plays that train back.
type PoolSource struct {
	pool  *Pool
	rng   *rand.Rand
	bin   int   // bin within the current interval
	picks []int // train index per afferent in the current interval
	first []int // spikes of bin b are due[first[b]:first[b+1]]
	due   []int
}

// Source returns a replay of the pool that draws its train indices from rng.
func (p *Pool) Source(rng *rand.Rand) *PoolSource {
	return &PoolSource{pool: p, rng: rng, picks: make([]int, len(p.group)), first: make([]int, p.bins+2)}
}

// N returns the number of afferents.
func (s *PoolSource) N() int { return s.pool.N() }

// Picks returns the train index of every afferent in the current interval
// (0 for silent afferents). The slice must not be modified.
func (s *PoolSource) Picks() []int { return s.picks }

// Next returns the afferents that spike in the next bin, in ascending order.
func (s *PoolSource) Next(dst []int) ([]int, error) {
	if s.bin == 0 {
		s.draw()
	}
	dst = append(dst[:0], s.due[s.first[s.bin]:s.first[s.bin+1]]...)
	if s.bin++; s.bin == s.pool.bins {
		s.bin = 0
	}
	return dst, nil
}

// draw picks the trains of a new interval and sorts their spikes by bin
// (a counting sort that keeps the afferents of a bin in ascending order).
func (s *PoolSource) draw() {
	p := s.pool
	clear(s.first)
	for i, g := range p.group {
		if g < 0 {
			continue
		}
		s.picks[i] = s.rng.IntN(p.size)
		for _, b := range p.Train(i, s.picks[i]) {
			s.first[b+2]++
		}
	}
	for b := 2; b < len(s.first); b++ {
		s.first[b] += s.first[b-1]
	}
	s.due = slices.Grow(s.due[:0], s.first[len(s.first)-1])[:s.first[len(s.first)-1]]
	for i, g := range p.group {
		if g < 0 {
			continue
		}
		for _, b := range p.Train(i, s.picks[i]) {
			s.due[s.first[b+1]] = i
			s.first[b+1]++
		}
	}
}
