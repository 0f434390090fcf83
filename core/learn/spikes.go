package learn

import "fmt"

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
// start + k), so that recording changes no other random number. A
// probability above 1 (the rectified quadratic transfer, unbounded) is an
// error: the draw would fire in every bin, a silent clamp.
func (t *trial) studentSpike(k int, phi float64) (float64, error) {
	if !t.recordStudent {
		return 0, nil
	}
	p := phi * t.cfg.Kernel.Dt
	if p > 1 {
		return 0, studentProbabilityError(phi, t.cfg.Kernel.Dt)
	}
	return spikeIf(t.studentKey.Float64(uint64(t.start+k)) < p), nil
}

// studentProbabilityError says that the recorded student spike of a bin
// cannot be drawn because φ·dt exceeds 1.
func studentProbabilityError(phi, dt float64) error {
	return fmt.Errorf("student: its spike probability phi·dt reaches %.4g (phi = %.6g Hz, above 1/dt = %v Hz), "+
		"but a bin holds at most one spike, so its recorded spikes cannot be drawn; with the rectified quadratic "+
		"transfer, lower its scale, the initial weights, the learning rate or dt, or do not record spikes", phi*dt, phi, 1/dt)
}
