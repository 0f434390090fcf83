package vmath

import (
	"math"

	"golang.org/x/sys/cpu"
)

// hasAVX2 reports whether the CPU (and the OS) run the AVX2 kernel.
func hasAVX2() bool { return cpu.X86.HasAVX2 }

// avx2Constants are the kernel's constants, each four times, in the rows
// internal/asmgen reads them from (its k… indices).
var avx2Constants = func() (c [20][4]float64) {
	rows := [20]float64{log2e, roundMagic, ln2Hi, ln2Lo, 0.0625, c8, c7, c6, c5, c4, c3, 0.5, 1, 2, 1023,
		fastLow, fastHigh, 3, math.Copysign(0, -1), 0}
	for i, v := range rows {
		c[i] = [4]float64{v, v, v, v}
	}
	return c
}()

// expSliceAVX2 runs the AVX2 kernel over the groups of four of x, giving
// the groups it refuses to Exp, and returns the tail (fewer than four) that
// is left.
func expSliceAVX2(dst, x []float64) ([]float64, []float64) {
	for len(x) >= 4 {
		done := expAVX2(&dst[0], &x[0], len(x)&^3, &avx2Constants)
		dst, x = dst[done:], x[done:]
		if len(x) < 4 {
			break
		}
		expSliceGeneric(dst[:4], x[:4])
		dst, x = dst[4:], x[4:]
	}
	return dst, x
}

// logisticPanelKernel runs logisticPanelAVX2 with the constant table.
func logisticPanelKernel(acc *[PanelTerms]float64, nodes, weights *float64, n int, p *[8]float64) bool {
	return logisticPanelAVX2(acc, nodes, weights, n, p, &avx2Constants)
}
