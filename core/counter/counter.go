package counter

import (
	"math/bits"

	"github.com/natspike/natspike/core/seed"
)

// Key identifies one random stream, (root seed, trial, purpose). Its two
// halves key the two rounds of Uint64. The zero Key is a valid but
// arbitrary stream; use NewKey.
type Key struct{ a, b uint64 }

// golden is 2^64/φ, the Weyl increment of SplitMix64.
const golden = 0x9e3779b97f4a7c15

// NewKey returns the key of the stream (root, trial, purpose). Different
// triples give keys that differ in both halves with overwhelming
// probability; each half is a SplitMix64 finaliser of the three numbers.
func NewKey(root, trial uint64, p seed.Purpose) Key {
	h := Mix(root ^ Mix(trial+golden))
	h = Mix(h ^ Mix(uint64(p)*0xbf58476d1ce4e5b9+golden))
	return Key{a: h, b: Mix(h ^ 0x5851f42d4c957f2d)}
}

// Mix is the SplitMix64 finaliser (Steele, Lea & Flood 2014; Stafford's
// variant 13), a bijection of uint64 with full avalanche.
func Mix(x uint64) uint64 {
	x += golden
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Uint64 returns the stream's value at position c: two keyed rounds of the
// finaliser, Mix(Mix(c·γ + a) ⊕ b). The first round is SplitMix64's own
// output at index c of the stream seeded with a; the second, keyed with the
// independent half b, separates streams whose Weyl sequences overlap.
func (k Key) Uint64(c uint64) uint64 { return Mix(Mix(c*golden+k.a) ^ k.b) }

// Float64 returns a uniform number in [0, 1) at position c: the low 53 bits
// of Uint64(c) times 2^−53, so every multiple of 2^−53 in [0, 1) is equally
// likely. It is the math/rand/v2 convention, so rand.New(k.Stream(c)).Float64()
// returns Float64(c), Float64(c+1), ….
func (k Key) Float64(c uint64) float64 { return float64(k.Uint64(c)<<11>>11) * 0x1p-53 }

// Stream is a math/rand/v2 Source that returns the values of a Key at
// positions c, c+1, …, for code that takes a *rand.Rand.
type Stream struct {
	key Key
	pos uint64
}

// Stream returns the Source of k starting at position c.
func (k Key) Stream(c uint64) *Stream { return &Stream{key: k, pos: c} }

// Uint64 returns the value at the current position and advances.
func (s *Stream) Uint64() uint64 {
	v := s.key.Uint64(s.pos)
	s.pos++
	return v
}

// Below returns an integer in [0, m) at position c: the high word of
// Uint64(c)·m (Lemire's multiply-shift). Each value has probability within
// m/2^64 of 1/m (at most 2^−44 relative for m ≤ 2^20).
func (k Key) Below(c, m uint64) uint64 {
	hi, _ := bits.Mul64(k.Uint64(c), m)
	return hi
}

// NewNeuronKey returns the key of neuron j's stream (root, trial, purpose)
// in a layer of output neurons: neuron 0's is NewKey(root, trial, p), so
// a layer's first neuron draws what the same neuron trained alone draws;
// neuron j > 0 uses a root mixed with j.
func NewNeuronKey(root, trial uint64, p seed.Purpose, j uint64) Key {
	if j == 0 {
		return NewKey(root, trial, p)
	}
	return NewKey(Mix(root^Mix(j*0xd1b54a32d192ed03)), trial, p)
}
