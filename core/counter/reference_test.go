package counter

import (
	"slices"
	"testing"

	"github.com/natspike/natspike/core/seed"
)

// referenceSpikes draws bin b of stream k for the given rates straight from
// the stream definition in the Poisson doc comment, with none of the fast
// paths: groups of equal nonzero rate in ascending rate order, members in
// index order, base_g the sum of the earlier groups' m + 1; K = #{k :
// cdf[k] ≤ Float64(c)} over the whole table; then a full copy of the
// members shuffled by K steps of Fisher–Yates with Below(c+1+j, m−j).
func referenceSpikes(rates []float64, dt float64, k Key, b uint64) []int32 {
	var out []int32
	base := uint64(0)
	for _, r := range slices.Compact(slices.Sorted(slices.Values(rates))) {
		if r == 0 {
			continue
		}
		var members []int32
		for i, ri := range rates {
			if ri == r {
				members = append(members, int32(i))
			}
		}
		c := b*2*uint64(len(rates)) + base
		u, spikes := k.Float64(c), 0
		for _, p := range binomialTable(len(members), r*dt) {
			if p <= u {
				spikes++
			}
		}
		for j := range spikes {
			s := j + int(k.Below(c+1+uint64(j), uint64(len(members)-j)))
			members[j], members[s] = members[s], members[j]
			out = append(out, members[j])
		}
		base += uint64(len(members)) + 1
	}
	return out
}

// referenceLayouts: the Fig 3F input, the mixed test rates, groups of one,
// a few groups with long tables (bisected) and heavy bins of 2 … 10 spikes.
func referenceLayouts() map[string][]float64 {
	lone := make([]float64, 30)
	for i := range lone {
		lone[i] = float64(20 * (i + 1))
	}
	heavy := make([]float64, 0, 300)
	for i := range 300 {
		heavy = append(heavy, []float64{100, 400, 1500}[i%3])
	}
	return map[string][]float64{
		"fig3F":  fig3Rates(100),
		"mixed":  testRates(),
		"lone":   lone,
		"heavy":  heavy,
		"fig3Fk": fig3Rates(1000),
	}
}

// TestSpikesEqualReference pins Spikes, SpikesInt and Source.Draw to
// referenceSpikes, index for index and in order, on many (key, bin) pairs
// of every reference layout.
func TestSpikesEqualReference(t *testing.T) {
	for name, rates := range referenceLayouts() {
		p, err := NewPoisson(rates, dt)
		if err != nil {
			t.Fatal(err)
		}
		var got []int32
		var gotInt []int
		for trial := range uint64(6) {
			k := NewKey(11, trial, seed.Inputs)
			src := NewSource(p, k)
			src.Seek(1 << 30)
			for b := uint64(1 << 30); b < 1<<30+3000; b++ {
				want := referenceSpikes(rates, dt, k, b)
				got = p.Spikes(got, k, b)
				gotInt = src.Draw(gotInt)
				if !slices.Equal(got, want) || len(gotInt) != len(want) {
					t.Fatalf("%s, trial %d, bin %d: Spikes %v, Draw %v, reference %v", name, trial, b, got, gotInt, want)
				}
				for i, v := range gotInt {
					if int32(v) != want[i] {
						t.Fatalf("%s, trial %d, bin %d: Draw %v, reference %v", name, trial, b, gotInt, want)
					}
				}
			}
		}
	}
}
