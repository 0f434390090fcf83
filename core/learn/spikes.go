package learn

// SpikeWords returns the number of values that hold a spike train of bins
// bins, 32 bins to a value (exact integers in a float64).
func SpikeWords(bins int) int { return (bins + 31) / 32 }

// packBit returns an Observe function that sets bit k of the packed train
// when spike(b) is 1.
func packBit(spike func(Bin) float64) func([]float64, int, Bin) {
	return func(dst []float64, k int, b Bin) {
		if spike(b) == 1 {
			dst[k/32] += float64(uint32(1) << (k % 32))
		}
	}
}

// studentSpike draws the student's spike of bin k, Bernoulli with
// p = φ(V) dt, from the student's own stream (seed.StudentSpikes, position
// start + k), so that recording changes no other random number.
func (t *trial) studentSpike(k int, phi float64) float64 {
	if !t.recordStudent {
		return 0
	}
	return spikeIf(t.studentKey.Float64(uint64(t.start+k)) < phi*t.cfg.Kernel.Dt)
}
