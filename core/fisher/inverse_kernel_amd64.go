package fisher

import "golang.org/x/sys/cpu"

// inverseKernel reports whether the CPU (and the OS) run inverseAVX2.
var inverseKernel = cpu.X86.HasAVX

// inverseRun runs inverseAVX2 over tab.
func inverseRun(tab []inverseGroup) {
	if len(tab) > 0 {
		inverseAVX2((*[4 * inverseRows]float64)(&tab[0]), len(tab), &inverseConstants)
	}
}
