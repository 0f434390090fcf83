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
// trials under Numbers (numbers_test.go) in the default amd64 build; the
// test fails when the engine's numbers change while Numbers stays the same.
// It holds on every amd64 CPU: the engine's exponentials are
// internal/vmath.Exp, which computes what Go's math.Exp computes on a CPU
// without FMA, in portable Go, whatever the CPU. (Numbers 1 used math.Exp,
// whose amd64 assembly takes a fused multiply-add branch on CPUs with FMA,
// so its last bit, and the engine's numbers, differed between CPUs with and
// without FMA; Numbers 2 gives on every amd64 CPU the numbers of Numbers 1
// on a CPU without FMA, except that the rectified quadratic transfer takes
// Φ(t) for −2 ≤ t ≤ −1.77 and t ≥ 1.77 from a Mills ratio instead of
// math.Erfc, which calls math.Exp there.) Other architectures may still differ in the last
// bits: there the Go compiler may fuse x*y + z in ordinary Go code (it does
// on arm64), and the golden test is skipped.
const (
	Numbers     = 2
	NumbersHash = "e9f0b2691fc826090735bd86c8956ba6036b67283fe1592123d03d0d3b6f7d02"
)
