package version

// Numbers is the version of the numbers natspike's engine computes. Two
// builds with the same Numbers give bit-identical results for the same
// configuration and seed, so results stores key learning runs by it (with
// everything else that determines a run's numbers) and recompute the runs of
// an older Numbers instead of reusing them. An engine change that alters any
// output of a trial (random streams, operation order, defaults, a bug fix)
// must increment Numbers; a change that keeps every bit keeps it.
//
// NumbersHash is the SHA-256 of the outputs of a fixed set of canonical
// trials under Numbers (numbers_test.go) in the default amd64 build on a CPU
// with AVX and FMA, NumbersHashNoFMA the same without them: Go's math.Exp
// on amd64 uses fused multiply-adds when the CPU has them, so its last bit,
// and the engine's numbers, differ between the two kinds of CPU. The test
// fails when the engine's numbers change while Numbers stays the same.
const (
	Numbers          = 1
	NumbersHash      = "9861515e2d5ce9e30537d749a3ab2d86ceadf4f32e4ca6a402516cacbce55a47"
	NumbersHashNoFMA = "e9f0b2691fc826090735bd86c8956ba6036b67283fe1592123d03d0d3b6f7d02"
)
