package vmath

import "github.com/natspike/natspike/internal/kernelenv"

//go:generate go run ./internal/asmgen -dir .

// fastLow and fastHigh bound the arguments the vector kernel takes: on
// [−708, 709] the scaled exponent k + 1023 of Exp lies in [2, 2046], so the
// result is a normal number reached by Exp's common path.
const (
	fastLow  = -708.0
	fastHigh = 709.0
)

// useAVX2 is whether ExpSlice runs the AVX2 kernel: on a CPU with AVX2
// unless NATSPIKE_KERNEL=generic.
var useAVX2 = hasAVX2() && !kernelenv.ForceGeneric()

// ExpSlice sets dst[i] = Exp(x[i]) for every i < len(x), bit for bit, with
// an AVX2 kernel where the CPU has one (four arguments at a time; groups
// with an argument outside [−708, 709] or NaN go to Exp). dst must be at
// least as long as x, and either be x itself or not overlap it.
func ExpSlice(dst, x []float64) {
	dst = dst[:len(x)]
	if useAVX2 {
		dst, x = expSliceAVX2(dst, x)
	}
	expSliceGeneric(dst, x)
}

// expSliceGeneric is the pure-Go ExpSlice.
func expSliceGeneric(dst, x []float64) {
	for i, v := range x {
		dst[i] = Exp(v)
	}
}

// CompilerFuses reports whether the Go compiler may fuse x*y + z into one
// fused multiply-add in this build (GOAMD64=v3 or above on amd64): a kernel
// that rounds every product on its own matches Go code only where it is
// false.
const CompilerFuses = compilerFuses
