//go:build !amd64.v3

package vmath

// compilerFuses is false on amd64 below GOAMD64=v3, where the Go compiler
// never fuses x*y + z; elsewhere no kernel depends on it.
const compilerFuses = false
