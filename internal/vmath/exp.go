// Package vmath holds natspike's own exponential, so that the engine's
// numbers do not depend on which instructions the CPU offers.
//
// Go's math.Exp on amd64 is written in assembly and takes a different
// branch, with fused multiply-adds, on CPUs with FMA; its last bit, and
// every number of the event-driven engine that depends on it, then differs
// between amd64 CPUs with and without FMA. Exp here is the branch without
// FMA, in portable Go: the same reduction, polynomial and scaling, each
// product rounded on its own, so it gives math.Exp's non-FMA results bit
// for bit on every CPU (exp_test.go compares the two in a process with
// GODEBUG=cpu.fma=off). ExpSlice is the same function over a slice, with an
// AVX2 kernel where the CPU has one (bit-identical to Exp lane by lane), and
// LogisticPanel.Sums the quadrature panel of package fisher's logistic
// kernel built on it (AVX2 kernel likewise, bit-identical to its Go code).
//
// Every product below is wrapped in an explicit float64 conversion: the Go
// specification lets a compiler fuse x*y + z into one fused multiply-add
// (it does on arm64, and on amd64 with GOAMD64=v3 or above), which rounds
// once instead of twice; the conversion forbids that fusion.
package vmath

import "math"

// The constants of the method (Shibata 2010, "Efficient evaluation methods
// of elementary functions suitable for SIMD computation", as in Go's
// amd64 math.Exp).
const (
	log2e = 1.4426950408889634073599246810018920 // 1/ln 2
	// ln 2 split so that k·ln2Hi is exact for the |k| ≤ 1075 that occur.
	ln2Hi = 0.69314718055966295651160180568695068359375
	ln2Lo = 0.28235290563031577122588448175013436025525412068e-12
	// overflow is the largest argument handled; above it the result is +Inf.
	overflow = 7.09782712893384e+02
	// underflow is an argument below which the result is +0 (the scaled
	// exponent k is then below −1075, where the method returns 0).
	underflow = -746.0
	// roundMagic: (t + 1.5·2⁵²) − 1.5·2⁵² rounds t to the nearest integer,
	// ties to even (as CVTSD2SL does in math.Exp), for |t| < 2⁵¹.
	roundMagic = 6755399441055744.0
)

// Taylor coefficients 1/n! of the polynomial in the reduced argument
// (1/2 and 1 are written inline).
const (
	c3 = 1.6666666666666666667e-1
	c4 = 4.1666666666666666667e-2
	c5 = 8.3333333333333333333e-3
	c6 = 1.3888888888888888889e-3
	c7 = 1.9841269841269841270e-4
	c8 = 2.4801587301587301587e-5
)

// Exp returns e**x: +Inf for x above about 709.78 and for +Inf, +0 for
// −Inf and arguments below about −745.13, x itself for NaN.
//
// With k = round(x/ln 2) (ties to even), r = (x − k ln 2)/16 in two steps,
// y = e**r − 1 by a degree-8 Taylor polynomial, then four squarings in the
// form y(y+2) = (1+y)² − 1, the result is (y + 1)·2**k.
func Exp(x float64) float64 {
	switch {
	case x > overflow:
		return math.Inf(1) // +Inf included
	case x < underflow:
		return 0 // −Inf included
	case x != x:
		return x
	}
	k := (float64(x*log2e) + roundMagic) - roundMagic
	r := x - float64(k*ln2Hi)
	r -= float64(k * ln2Lo)
	r = float64(r * 0.0625)
	p := float64(c8*r) + c7
	p = float64(p*r) + c6
	p = float64(p*r) + c5
	p = float64(p*r) + c4
	p = float64(p*r) + c3
	p = float64(p*r) + 0.5
	p = float64(p*r) + 1
	y := float64(r * p)
	y = float64(y * (y + 2))
	y = float64(y * (y + 2))
	y = float64(y * (y + 2))
	y = float64(y * (y + 2))
	m, e := y+1, int(k)+1023
	if e > 0 && e < 0x7ff {
		return float64(m * math.Float64frombits(uint64(e)<<52))
	}
	return scaleOutside(m, e)
}

// scaleOutside returns m·2**(e−1023) for a biased exponent e outside the
// normal range, as the method does it: +Inf when e ≥ 0x7ff; for −52 ≤ e ≤
// 0 a multiplication by 2**(e+1022−1023) and then by 2**−1022 (so the
// subnormal result is rounded once); below, +0.
func scaleOutside(m float64, e int) float64 {
	switch {
	case e >= 0x7ff:
		return math.Inf(1)
	case e < -52:
		return 0
	}
	m = float64(m * math.Float64frombits(uint64(e+1022)<<52))
	return float64(m * math.Float64frombits(1<<52))
}
