package learn

// unpackBits returns the bins set in a packed spike train.
func unpackBits(words []float64) []int {
	var out []int
	for j, w := range words {
		u := uint32(w)
		for b := 0; b < 32; b++ {
			if u&(1<<b) != 0 {
				out = append(out, 32*j+b)
			}
		}
	}
	return out
}
