package capi

import (
	"fmt"
	"math"
)

// maxLen bounds array lengths accepted from C so that n×n products and
// byte sizes cannot overflow.
const maxLen = 1 << 40

// checkLen validates an element count passed from C.
func checkLen(name string, n int64) error {
	if n < 0 || n > maxLen {
		return fmt.Errorf("%s must be in [0, 2^40], got %d", name, n)
	}
	return nil
}

// checkProduct validates a count a·b of elements (a, b ≥ 0) without
// overflowing: products of two C lengths can exceed int64.
func checkProduct(name string, a, b int64) error {
	if a < 0 || b < 0 || (a > 0 && b > maxLen/a) {
		return fmt.Errorf("%s must be >= 0 factors with a product in [0, 2^40], got %d and %d", name, a, b)
	}
	return nil
}

// checkSquare validates the size n of an n×n output, whose n² entries must
// be addressable.
func checkSquare(name string, n int64) error {
	if n < 1 {
		return fmt.Errorf("%s must be >= 1, got %d", name, n)
	}
	if n > 1<<26 { // n² doubles would exceed 2^55 bytes
		return fmt.Errorf("%w: an n×n matrix with n = %d", ErrNoMemory, n)
	}
	return nil
}

// checkFinite reports the first entry of xs that is NaN or ±Inf.
func checkFinite(name string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] must be finite, got %v", name, i, x)
		}
	}
	return nil
}

// checkResult passes err through and otherwise reports the first entry of a
// result that is NaN or ±Inf: extreme but valid arguments (e.g. ε0 = 1e308)
// can overflow, and a NaN must never reach the caller as a number.
func checkResult(err error, name string, xs []float64) error {
	if err != nil {
		return err
	}
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] came out %v: the arguments are outside the numerically representable range", name, i, x)
		}
	}
	return nil
}

// checkAtLeast reports the first entry of xs that is not finite and ≥ lo
// (or, with strict, > lo).
func checkAtLeast(name string, xs []float64, lo float64, strict bool) error {
	if err := checkFinite(name, xs); err != nil {
		return err
	}
	for i, x := range xs {
		if x < lo || (strict && x == lo) {
			op := ">="
			if strict {
				op = ">"
			}
			return fmt.Errorf("%s[%d] must be %s %v, got %v", name, i, op, lo, x)
		}
	}
	return nil
}
