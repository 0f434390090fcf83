//go:build !amd64

package vmath

// hasAVX2 is false off amd64: the generic kernel runs.
func hasAVX2() bool { return false }

// expSliceAVX2 is never called off amd64.
func expSliceAVX2(_, _ []float64) ([]float64, []float64) {
	panic("vmath: no AVX2 kernel on this architecture")
}

// logisticPanelKernel is never called off amd64.
func logisticPanelKernel(_ *[PanelTerms]float64, _, _ *float64, _ int, _ *[8]float64) bool {
	panic("vmath: no AVX2 kernel on this architecture")
}
