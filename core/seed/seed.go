// Package seed names the purposes of natspike's random streams and derives
// the sequential (PCG) ones. Every stream depends only on (root seed, trial
// index, purpose), never on which worker runs the trial or in which order,
// so results are bit-identical for any number of workers. The numbers a
// trial draws bin by bin (input, teacher and student spikes) come from
// counter-based streams of package counter keyed by the same triple
// (learn's package doc, "Random streams"); Stream serves the rest: test
// sets, the input pool and the Monte-Carlo helpers of the C ABI.
package seed

import "math/rand/v2"

// Purpose names what a stream is used for, so that e.g. the input spikes of
// a trial do not change when the teacher draws more numbers.
type Purpose uint64

// The purposes used by the learning loop.
const (
	Inputs Purpose = iota + 1
	Teacher
	TestSet
	Output
	Initial
	// InputPool draws the authors' shared input pool (learn.InputPool); its
	// trial index is the pool's stream number, not a trial, so that all
	// trials of a run share one pool.
	InputPool
	// StudentSpikes draws the student's own output spikes (recorded with
	// learn.Config.RecordSpikes); no other number depends on it.
	StudentSpikes
)

// Stream returns a PCG generator for (root, trial, purpose).
func Stream(root, trial uint64, p Purpose) *rand.Rand { return rand.New(PCG(root, trial, p)) }

// PCG returns the source of Stream(root, trial, p), for callers that save
// and restore its state (MarshalBinary, UnmarshalBinary).
func PCG(root, trial uint64, p Purpose) *rand.PCG {
	a := splitmix(root ^ splitmix(trial+0x9e3779b97f4a7c15))
	b := splitmix(a ^ splitmix(uint64(p)*0xbf58476d1ce4e5b9+trial))
	return rand.NewPCG(a, b)
}

// splitmix is the SplitMix64 finaliser, a bijective bit mixer.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
