package counter

import (
	"testing"

	"github.com/natspike/natspike/core/input"
	"github.com/natspike/natspike/core/seed"
)

var _ input.Source = (*Source)(nil)

func TestSourceMatchesSpikes(t *testing.T) {
	rates := testRates()
	p, _ := NewPoisson(rates, dt)
	q, _ := NewPoisson(rates, dt)
	k := NewKey(2, 9, seed.Inputs)
	src := NewSource(p, k)
	if src.N() != len(rates) {
		t.Fatalf("N = %d, want %d", src.N(), len(rates))
	}
	var got []int
	for b := uint64(0); b < 5000; b++ {
		got, _ = src.Next(got)
		want := q.Spikes(nil, k, b)
		if len(got) != len(want) {
			t.Fatalf("bin %d: %v, want %v", b, got, want)
		}
		for i := range want {
			if got[i] != int(want[i]) {
				t.Fatalf("bin %d: %v, want %v", b, got, want)
			}
		}
	}
}
