package counter

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/natspike/natspike/core/input"
)

// Poisson draws the input spikes of n independent discrete-time Poisson
// afferents (afferent i spikes in a bin with probability r_i·dt, §1.1) from
// a counter-based stream: the spikes of bin b depend only on (Key, b).
//
// Afferents of equal rate form a group of m members with p = r·dt. Per bin
// and group it draws K ~ Binomial(m, p) by inversion of a tabulated CDF
// (one uniform; see below for the comparisons), then
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
// draws K and j = 1 … K choose the members. Stride() = 2n depends only on
// the number of afferents, never on the rates (the groups' blocks of
// m_g + 1 positions need at most n + #groups ≤ 2n), so after SetRates a
// bin's positions are still disjoint from every other bin's.
//
// Most bins of a small group have no spike: the first uniform is compared
// with P(K = 0) alone, and only when it is above it the rest of the table
// is read: P(K ≤ 1) and P(K ≤ 2) settle one and two spikes, and three or
// more take a scan of the table that stops at the first entry above the
// uniform, or a bisection for tables longer than 24 entries (groups with
// tens of spikes per bin). One and two spikes are drawn without touching
// the members (see appendSpikes), the same indices as the shuffle.
//
// A Poisson keeps a scratch permutation: it is not safe for concurrent use.
type Poisson struct {
	groups []group
	stride uint64
	n      int
}

type group struct {
	members []int32 // afferents of this rate, in a scratch order restored after every draw
	// thr[k] = ⌈cdf[k]·2^53⌉ for the tabulated CDF cdf[k] = P(K ≤ k)
	// (k < len(thr); K never exceeds len(thr)): for the uniform
	// u = x·2^−53 of a 53-bit integer x, cdf[k] ≤ u exactly when
	// thr[k] ≤ x, so the table is read with integer comparisons.
	thr []uint64
	// thr0, thr1, thr2 are thr[0], thr[1], thr[2] (math.MaxUint64, never ≤
	// a 53-bit x, beyond the table): K = 0, 1 or 2 without count.
	thr0, thr1, thr2 uint64
	base             uint64
	swaps            []int32 // positions swapped during the current draw
}

// MaxAfferents bounds n so that the counters of 2^40 bins (the longest
// trial learn.Config allows) stay below 2^63: a bin reserves at most 2n
// positions.
const MaxAfferents = 1 << 22

// NewPoisson validates the rates (input.ValidateRates) and tabulates each
// group's Binomial CDF.
func NewPoisson(rates []float64, dt float64) (*Poisson, error) {
	if len(rates) > MaxAfferents {
		return nil, fmt.Errorf("rates must have at most %d afferents, got %d", MaxAfferents, len(rates))
	}
	p := &Poisson{n: len(rates), stride: 2 * uint64(len(rates))}
	return p, p.SetRates(rates, dt)
}

// SetRates gives the afferents new rates (as many as before) for the bins
// drawn from now on. Nothing is redrawn: a bin's spikes depend only on the
// key, the bin and the rates it is drawn with, so a rate schedule switched
// at bin s draws bins ≥ s exactly as a population created with the new
// rates would, and bins < s as before.
func (p *Poisson) SetRates(rates []float64, dt float64) error {
	if len(rates) != p.n {
		return fmt.Errorf("rates must have %d entries (one per afferent), got %d", p.n, len(rates))
	}
	if err := input.ValidateRates(rates, dt); err != nil {
		return err
	}
	p.groups = p.groups[:0]
	base := uint64(0)
	for _, r := range slices.Compact(slices.Sorted(slices.Values(rates))) {
		if r == 0 {
			continue
		}
		g := group{base: base}
		for i, ri := range rates {
			if ri == r {
				g.members = append(g.members, int32(i))
			}
		}
		g.thr = thresholds(binomialTable(len(g.members), r*dt))
		g.thr0, g.thr1, g.thr2 = g.thr[0], entry(g.thr, 1), entry(g.thr, 2)
		g.swaps = make([]int32, 0, len(g.members))
		base += uint64(len(g.members)) + 1
		p.groups = append(p.groups, g)
	}
	return nil
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

// thresholds returns ⌈c·2^53⌉ of every entry c of a CDF table in [0, ∞]
// (an entry above 1, from rounding, is never ≤ a uniform in [0, 1)).
func thresholds(cdf []float64) []uint64 {
	thr := make([]uint64, len(cdf))
	for k, c := range cdf {
		thr[k] = math.MaxUint64
		if x := math.Ceil(c * 0x1p53); x <= 0x1p53 {
			thr[k] = uint64(x)
		}
	}
	return thr
}

// entry returns thr[k], or math.MaxUint64 beyond the table.
func entry(thr []uint64, k int) uint64 {
	if k < len(thr) {
		return thr[k]
	}
	return math.MaxUint64
}

// count returns K = #{k : thr[k] ≤ x} for x ≥ thr[0] (so K ≥ 1).
func count(thr []uint64, x uint64) int {
	if len(thr) > linearTable {
		return bisect(thr, x)
	}
	k := 1
	for k < len(thr) && thr[k] <= x {
		k++
	}
	return k
}

// linearTable is the longest table that count scans; longer ones are
// bisected.
const linearTable = 24

// bisect returns #{k : thr[k] ≤ x} for a nondecreasing thr by bisection.
func bisect(thr []uint64, x uint64) int {
	lo, n := 0, len(thr) // the answer is in [lo, lo+n]
	for n > 0 {
		half := n / 2
		if thr[lo+half] <= x {
			lo, n = lo+half+1, n-half-1
		} else {
			n = half
		}
	}
	return lo
}

// Spikes appends to dst[:0] the afferents that spike in bin b of stream k,
// group by group (each group's spikes in the order drawn), and returns it.
func (p *Poisson) Spikes(dst []int32, k Key, b uint64) []int32 { return appendSpikes(p, dst, k, b) }

// SpikesInt is Spikes for a []int (the input.Source convention).
func (p *Poisson) SpikesInt(dst []int, k Key, b uint64) []int { return appendSpikes(p, dst, k, b) }

// appendSpikes draws bin b group by group; K's uniform is compared as the
// 53-bit integer x of Key.Float64 (see group.thr). Most groups have no
// spike in a bin, one or two, so the loop holds few values and calls out
// only for three spikes or more. Two spikes need no swap either: the
// second draw r1 ∈ [1, m) reads position r1 after the swap of members 0
// and r0, which holds members[0] if r1 = r0 and members[r1] otherwise
// (TestSpikesEqualReference pins this to the shuffle).
func appendSpikes[T int32 | int](p *Poisson, dst []T, k Key, b uint64) []T {
	dst = dst[:0]
	origin, groups := b*p.stride, p.groups
	for gi := range groups {
		g := &groups[gi]
		c := origin + g.base
		x := k.Uint64(c) << 11 >> 11
		if x < g.thr0 {
			continue
		}
		members := g.members
		r0, _ := bits.Mul64(k.Uint64(c+1), uint64(len(members)))
		switch {
		case x < g.thr1: // one spike: no swap
			dst = append(dst, T(members[r0]))
		case x < g.thr2: // two: the second as the swap of members 0 and r0 leaves it
			r1, _ := bits.Mul64(k.Uint64(c+2), uint64(len(members)-1))
			r1++
			if r1 == r0 {
				r1 = 0
			}
			dst = append(dst, T(members[r0]), T(members[r1]))
		default:
			dst = choose(g, dst, k, c+1, r0, count(g.thr, x))
		}
	}
	return dst
}

// choose appends `spikes` ≥ 2 distinct members of g by a partial
// Fisher–Yates shuffle with draws at counters c, c+1, … (r0 is the first,
// Below(c, m)), then undoes the swaps. appendSpikes calls it for three or
// more.
func choose[T int32 | int](g *group, dst []T, k Key, c, r0 uint64, spikes int) []T {
	members := g.members
	m := len(members)
	start := len(dst)
	dst = slices.Grow(dst, spikes)[:start+spikes]
	out, swaps := dst[start:], g.swaps[:spikes] // cap(g.swaps) = m ≥ spikes
	members[0], members[r0] = members[r0], members[0]
	swaps[0], out[0] = int32(r0), T(members[0])
	for j := 1; j < len(out); j++ {
		hi, _ := bits.Mul64(k.Uint64(c+uint64(j)), uint64(m-j)) // Key.Below
		r := j + int(hi)
		members[j], members[r] = members[r], members[j]
		swaps[j], out[j] = int32(r), T(members[j])
	}
	for j := len(out) - 1; j >= 0; j-- {
		r := swaps[j]
		members[j], members[r] = members[r], members[j]
	}
	return dst
}
