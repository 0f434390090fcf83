//go:build !amd64

package fisher

// inverseKernel is false off amd64: NewInverseLanes returns nil.
const inverseKernel = false

// inverseRun is the generic kernel off amd64 (used by the tests only).
func inverseRun(tab []inverseGroup) { inverseRunGeneric(tab) }
