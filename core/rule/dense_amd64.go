package rule

import "golang.org/x/sys/cpu"

// hasAVX2 reports whether the CPU (and the OS) run the AVX2 kernels.
func hasAVX2() bool { return cpu.X86.HasAVX2 }

// runAVX2 runs the assembly kernel of form f over afferents 0 … n−1, n a
// multiple of 4.
func (d *densePass) runAVX2(f denseForm, n int) {
	if n == 0 {
		return
	}
	d.mustCover(f, n) // the assembly reads and writes n entries of each
	if !d.teacher {
		d.runAVX2NoTeacher(f, n)
		return
	}
	switch f {
	case densePotentials:
		densePotentialsAVX2(&d.w[0], &d.a[0], &d.t[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	case denseEuclidean:
		denseEuclideanAVX2(&d.w[0], &d.a[0], &d.t[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	case denseSomatic:
		denseSomaticAVX2(&d.w[0], &d.t[0], &d.h[0], &d.r[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	default:
		denseLinearAVX2(&d.w[0], &d.a[0], &d.ia[0], &d.t[0], &d.h[0], &d.r[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	}
}

// runAVX2NoTeacher is runAVX2 with the kernels that skip w*·x.
func (d *densePass) runAVX2NoTeacher(f denseForm, n int) {
	switch f {
	case densePotentials:
		densePotentialsNoTeacherAVX2(&d.w[0], &d.a[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	case denseEuclidean:
		denseEuclideanNoTeacherAVX2(&d.w[0], &d.a[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	case denseSomatic:
		denseSomaticNoTeacherAVX2(&d.w[0], &d.h[0], &d.r[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	default:
		denseLinearNoTeacherAVX2(&d.w[0], &d.a[0], &d.ia[0], &d.h[0], &d.r[0], &d.p[0], &d.s[0], &d.x[0], n, &d.c, &d.acc)
	}
}
