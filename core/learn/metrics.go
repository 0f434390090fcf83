package learn

import (
	"fmt"
	"math"

	"github.com/natspike/natspike/core/neuron"
)

// BernoulliKL returns the per-bin divergence of Eqns 9 and 51,
// p* log(p*/p) + (1 − p*) log((1 − p*)/(1 − p)), with p* = φ* dt and
// p = φ dt given through their logarithms to stay exact when p → 0. A
// probability above 1 (φ·dt > 1, which an unbounded transfer such as the
// rectified quadratic reaches at high V) has no Bernoulli divergence: NaN,
// which a run reports as a divergence (also when both p* and p exceed 1,
// where the formula would give a finite number).
func BernoulliKL(pStar, logPStar, p, logP float64) float64 {
	if pStar > 1 || p > 1 {
		return math.NaN()
	}
	kl := 0.0
	if pStar > 0 {
		kl += pStar * (logPStar - logP)
	}
	if pStar < 1 {
		kl += (1 - pStar) * (math.Log1p(-pStar) - math.Log1p(-p))
	}
	return kl
}

// PoissonKL returns the dt → 0 form dt[φ* log(φ*/φ) + φ − φ*] (user guide, "Objective and test set",
// used for the Fig 3D–E contours).
func PoissonKL(phiStar, phi, dt float64) float64 {
	kl := phi - phiStar
	if phiStar > 0 {
		kl += phiStar * math.Log(phiStar/phi)
	}
	return dt * kl
}

// Objective evaluates D_KL and the RMS rate error on a test set.
type Objective struct {
	transfer neuron.Transfer
	dt       float64
	samples  []float64 // test USPs, rows of length n
	n        int
	target   []float64 // teacher rate per sample (Hz)
	ws       []float64
}

// NewObjective prepares the test set. teacherRate returns φ* for a USP vector.
// It refuses a teacher whose spike probability φ*·dt exceeds 1 on a test
// sample (an unbounded transfer such as the rectified quadratic, or large
// teacher weights): a bin holds at most one spike, so that teacher is no
// Bernoulli process and D_KL (Eqn 9) has no value.
func NewObjective(t neuron.Transfer, dt float64, samples []float64, n int, teacherRate func(x []float64) float64) (*Objective, error) {
	o := &Objective{transfer: t, dt: dt, samples: samples, n: n, ws: make([]float64, n)}
	for s := 0; s < len(samples)/n; s++ {
		o.target = append(o.target, teacherRate(samples[s*n:(s+1)*n]))
	}
	return o, checkTeacherProbability(o.target, dt)
}

// checkTeacherProbability names the test sample on which the teacher's rate
// is highest if its spike probability rate·dt exceeds 1.
func checkTeacherProbability(rates []float64, dt float64) error {
	top := 0
	for s, r := range rates {
		if r > rates[top] {
			top = s
		}
	}
	if len(rates) == 0 || rates[top]*dt <= 1 {
		return nil
	}
	return fmt.Errorf("teacher: its spike probability phi*·dt reaches %.4g on test sample %d (phi* = %.6g Hz, "+
		"above 1/dt = %v Hz), but a bin holds at most one spike, so phi*·dt must be <= 1; with the rectified "+
		"quadratic transfer, lower its scale, the teacher's weights or dt", rates[top]*dt, top, rates[top], 1/dt)
}

// teacherProbabilityError says that the realizable teacher's spike
// probability p = φ(V*)·dt exceeded 1 in a training bin: the test set's
// check (checkTeacherProbability) passed, but the USPs of that bin drove V*
// higher than any test sample.
func teacherProbabilityError(p, dt float64) error {
	return fmt.Errorf("teacher: its spike probability phi*·dt reaches %.6g in this training bin (phi* = %.6g Hz, "+
		"above 1/dt = %v Hz; the test set stayed below), but a bin holds at most one spike, so the teacher's "+
		"spike cannot be drawn; with the rectified quadratic transfer, lower its scale, the teacher's weights or dt", p, p/dt, 1/dt)
}

// Eval returns the mean Bernoulli D_KL per bin and the RMS rate error (Hz)
// of a student with somatic weights ws.
func (o *Objective) Eval(ws []float64) (kl, rateError float64) {
	for s, phiStar := range o.target {
		x := o.samples[s*o.n : (s+1)*o.n]
		v := dot(ws, x)
		phi := o.transfer.Phi(v)
		pStar := phiStar * o.dt
		kl += BernoulliKL(pStar, math.Log(pStar), phi*o.dt, o.transfer.LogPhi(v)+math.Log(o.dt))
		rateError += (phi - phiStar) * (phi - phiStar)
	}
	m := float64(len(o.target))
	return kl / m, math.Sqrt(rateError / m)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// Distance returns ‖a − b‖₂.
func Distance(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		d := x - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}
