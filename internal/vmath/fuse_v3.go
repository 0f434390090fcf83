//go:build amd64.v3

package vmath

// compilerFuses: with GOAMD64=v3 or above the Go compiler may fuse x*y + z
// into one fused multiply-add in code that does not forbid it.
const compilerFuses = true
