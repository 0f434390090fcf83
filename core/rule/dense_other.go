//go:build !amd64

package rule

// hasAVX2 is false off amd64: the generic kernel runs.
func hasAVX2() bool { return false }

// runAVX2 is never called off amd64.
func (d *densePass) runAVX2(denseForm, int) { panic("rule: no AVX2 kernel on this architecture") }
