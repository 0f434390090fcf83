package counter

import (
	"fmt"
	"math"
	"slices"

	"github.com/natspike/natspike/core/input"
)

// Poisson draws the input spikes of n independent discrete-time Poisson
// afferents (afferent i spikes in a bin with probability r_i·dt, §1.1) from
// a counter-based stream: the spikes of bin b depend only on (Key, b).
//
// Afferents of equal rate form a group of m members with p = r·dt. Per bin
// and group it draws K ~ Binomial(m, p) by inversion of a tabulated CDF
// (one uniform, compared against the whole table without branches), then
// K distinct members by a partial Fisher–Yates shuffle (one Below draw per
// spike), undone afterwards so that the result does not depend on earlier
// bins. This is the Bernoulli-per-bin model exactly: under independent
// Bernoulli(p) spikes the probability of a spike set A is p^|A| (1−p)^(m−|A|),
// which depends on A only through |A|, so |A| ~ Binomial(m, p) and, given
// |A| = k, every k-subset is equally likely; groups and bins use disjoint
// counters and are independent. The only deviations are the 2^−53
// resolution of the uniform (the CDF tail beyond the table is below
// 2^−54), the rounding of the tabulated CDF (within 1e−15 of the exact sum in the tests), and the m/2^64
// bias of Below.
//
// Counter layout: bin b uses positions b·Stride() + base_g + j, where
// base_g is the group's offset (groups in order of ascending rate), j = 0
// draws K and j = 1 … K choose the members.
//
// A Poisson keeps a scratch permutation: it is not safe for concurrent use.
type Poisson struct {
	groups []group
	stride uint64
	n      int
}

type group struct {
	members []int32   // afferents of this rate, in a scratch order restored after every draw
	cdf     []float64 // cdf[k] = P(K ≤ k) for k < len(cdf); K never exceeds len(cdf)
	base    uint64
	swaps   []int32 // positions swapped during the current draw
}

// MaxAfferents bounds n so that the counters of 2^40 bins (the longest
// trial learn.Config allows) stay below 2^63: a bin reserves at most 2n
// positions.
const MaxAfferents = 1 << 22

// NewPoisson validates the rates (input.ValidateRates) and tabulates each
// group's Binomial CDF.
func NewPoisson(rates []float64, dt float64) (*Poisson, error) {
	if err := input.ValidateRates(rates, dt); err != nil {
		return nil, err
	}
	if len(rates) > MaxAfferents {
		return nil, fmt.Errorf("rates must have at most %d afferents, got %d", MaxAfferents, len(rates))
	}
	p := &Poisson{n: len(rates)}
	for _, r := range slices.Compact(slices.Sorted(slices.Values(rates))) {
		if r == 0 {
			continue
		}
		g := group{base: p.stride}
		for i, ri := range rates {
			if ri == r {
				g.members = append(g.members, int32(i))
			}
		}
		g.cdf = binomialTable(len(g.members), r*dt)
		g.swaps = make([]int32, 0, len(g.members))
		p.stride += uint64(len(g.members)) + 1
		p.groups = append(p.groups, g)
	}
	return p, nil
}

// N returns the number of afferents.
func (p *Poisson) N() int { return p.n }

// Stride returns the number of counter positions one bin reserves.
func (p *Poisson) Stride() uint64 { return p.stride }

// binomialTable returns P(K ≤ k) of K ~ Binomial(m, q) for k = 0, 1, … up
// to the first k whose upper tail P(K > k) is below 2^−54 (or k = m − 1).
// The probabilities follow the ratio recurrence from the mode outwards, so
// no term underflows before it is negligible.
func binomialTable(m int, q float64) []float64 {
	mode := int(math.Floor(float64(m+1) * q))
	mode = min(mode, m)
	pmf := make([]float64, m+1)
	pmf[mode] = 1
	ratio := q / (1 - q)
	for k := mode; k < m; k++ {
		pmf[k+1] = pmf[k] * float64(m-k) / float64(k+1) * ratio
	}
	for k := mode; k > 0; k-- {
		pmf[k-1] = pmf[k] * float64(k) / float64(m-k+1) / ratio
	}
	tail := make([]float64, m+2) // tail[k] = Σ_{j ≥ k} pmf[j]
	for k := m; k >= 0; k-- {
		tail[k] = tail[k+1] + pmf[k]
	}
	total := tail[0]
	cdf := make([]float64, 0, min(m, 64))
	acc := 0.0
	for k := 0; k < m; k++ {
		acc += pmf[k] / total
		cdf = append(cdf, acc)
		if tail[k+1]/total < 0x1p-54 {
			break
		}
	}
	return cdf
}

// count returns K = #{k : cdf[k] ≤ u}, without data-dependent branches: the
// sign bit of u − cdf[k] is set exactly when u < cdf[k].
func count(cdf []float64, u float64) int {
	below := 0
	for _, c := range cdf {
		below += int(math.Float64bits(u-c) >> 63)
	}
	return len(cdf) - below
}

// Spikes appends to dst[:0] the afferents that spike in bin b of stream k,
// group by group (each group's spikes in the order drawn), and returns it.
func (p *Poisson) Spikes(dst []int32, k Key, b uint64) []int32 {
	dst = dst[:0]
	origin := b * p.stride
	for gi := range p.groups {
		g := &p.groups[gi]
		c := origin + g.base
		spikes := count(g.cdf, k.Float64(c))
		dst = g.choose(dst, k, c+1, spikes)
	}
	return dst
}

// choose appends `spikes` distinct members by a partial Fisher–Yates
// shuffle with draws at counters c, c+1, …, then undoes the swaps.
func (g *group) choose(dst []int32, k Key, c uint64, spikes int) []int32 {
	m := len(g.members)
	g.swaps = g.swaps[:0]
	for j := 0; j < spikes; j++ {
		r := j + int(k.Below(c+uint64(j), uint64(m-j)))
		g.members[j], g.members[r] = g.members[r], g.members[j]
		g.swaps = append(g.swaps, int32(r))
		dst = append(dst, g.members[j])
	}
	for j := spikes - 1; j >= 0; j-- {
		r := g.swaps[j]
		g.members[j], g.members[r] = g.members[r], g.members[j]
	}
	return dst
}
