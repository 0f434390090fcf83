//go:build !goexperiment.simd || !amd64

package lanes

// acceleratedKernel is nil without the SIMD experiment: the generic
// kernel runs.
func acceleratedKernel() func(*pass) { return nil }
