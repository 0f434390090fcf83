//go:build !goexperiment.simd || !amd64

package lanes

// acceleratedEvKernels is empty without the SIMD experiment: the generic
// event-driven kernel runs.
func acceleratedEvKernels() []evKernel { return nil }
