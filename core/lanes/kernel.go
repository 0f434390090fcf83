package lanes

import "github.com/natspike/natspike/internal/kernelenv"

// namedKernel is a kernel and the name NATSPIKE_KERNEL and the tests use.
type namedKernel struct {
	name    string
	advance func(*pass)
}

// kernels returns every kernel this build and CPU can run, the selected
// one first and the generic one last.
func kernels() []namedKernel {
	return append(acceleratedKernels(), namedKernel{"generic", advanceGeneric})
}

// selectKernel returns the fastest kernel this CPU supports, or the
// generic one when the environment variable NATSPIKE_KERNEL is "generic".
func selectKernel() func(*pass) {
	if kernelenv.ForceGeneric() {
		return advanceGeneric
	}
	return kernels()[0].advance
}
