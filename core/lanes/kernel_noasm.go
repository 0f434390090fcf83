//go:build !goexperiment.simd || !amd64

package lanes

// acceleratedKernels is empty without the SIMD experiment: the generic
// kernel runs.
func acceleratedKernels() []namedKernel { return nil }
