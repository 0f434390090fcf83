package seed

import "testing"

// TestStreamsDiffer: streams of other trials, purposes or roots draw other
// numbers, and the same triple draws the same ones.
func TestStreamsDiffer(t *testing.T) {
	draw := func(root, trial uint64, p Purpose) [4]uint64 {
		r := Stream(root, trial, p)
		return [4]uint64{r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64()}
	}
	if draw(7, 3, TestSet) != draw(7, 3, TestSet) {
		t.Fatal("the same (root, trial, purpose) drew different numbers")
	}
	seen := map[[4]uint64]string{}
	for _, c := range []struct {
		name        string
		root, trial uint64
		p           Purpose
	}{{"base", 7, 3, TestSet}, {"trial", 7, 4, TestSet}, {"purpose", 7, 3, InputPool}, {"root", 8, 3, TestSet}, {"swapped", 3, 7, TestSet}} {
		d := draw(c.root, c.trial, c.p)
		if other, dup := seen[d]; dup {
			t.Errorf("%s draws the numbers of %s", c.name, other)
		}
		seen[d] = c.name
	}
}
