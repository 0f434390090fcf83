// Package bindings is the Go facade that gopy turns into natspike's CPython
// extension module: the control plane (configuration objects, validation,
// scalar functions). Arrays never cross here — gopy copies them element by
// element — they go through the C ABI of package capi, which this package
// links into the same shared library so that one Go runtime serves both.
//
// gopy does not recover panics (a panic would abort Python), so every entry
// point here does; errors reach Python as RuntimeError, and the natspike
// package re-raises validation problems (Neuron.Problem) as ValueError.
package bindings

import (
	"fmt"

	"github.com/natspike/natspike/capi" // also links the ns_* exports, see package doc
	"github.com/natspike/natspike/internal/version"
)

// Version returns natspike's version string.
func Version() string { return version.Version }

// NumbersVersion returns the version of the numbers the engine computes
// (version.Numbers): results stores key learning runs by it.
func NumbersVersion() int { return version.Numbers }

// NativeCalls returns how many C ABI calls this library's Go runtime has
// served (a diagnostic: Python uses it to check that ctypes and the
// extension module share one runtime).
func NativeCalls() int64 { return capi.Calls() }

// protect turns a panic in an entry point into an error in *err.
func protect(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("natspike internal error: %v; please report this bug", r)
	}
}

// TrainParses returns how many run configurations (JSON texts) this
// library's Go runtime has parsed (a diagnostic: Python's tests check that
// natspike.train and run_trials parse theirs once, for the plan and the run).
func TrainParses() int64 { return capi.TrainParses() }

// AvailableMemory returns the bytes this process can still allocate as the
// C ABI's memory checks measure them (MemAvailable, cgroup, RLIMIT_AS,
// RLIMIT_DATA); tests pin Python's guard to it.
func AvailableMemory() int64 { return capi.AvailableMemory() }
