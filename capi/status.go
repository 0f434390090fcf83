package capi

import (
	"context"
	"errors"
	"fmt"
	"github.com/natspike/natspike/core/learn"
	"runtime"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Status codes returned by every export.
const (
	StatusOK        = 0 // success
	StatusInvalid   = 1 // invalid argument (Python ValueError)
	StatusInternal  = 2 // internal fault or recovered panic (RuntimeError)
	StatusCancelled = 3 // cancelled through the cancel flag (KeyboardInterrupt)
	StatusNoMemory  = 4 // allocation impossible (MemoryError)
	StatusDiverged  = 5 // learning diverged (natspike.DivergenceError)
)

// StatusNames maps the names of natspike.h's status enum to the codes;
// TestHeaderStatusEnum pins the header to it, and Python's exception map is
// keyed by these names (bindings.Statuses).
var StatusNames = map[string]int{"NS_OK": StatusOK, "NS_INVALID": StatusInvalid, "NS_INTERNAL": StatusInternal,
	"NS_CANCELLED": StatusCancelled, "NS_NOMEMORY": StatusNoMemory, "NS_DIVERGED": StatusDiverged}

// ErrNoMemory marks a request too large to allocate.
var ErrNoMemory = errors.New("out of memory")

// faultError marks an error as an internal fault rather than bad input.
type faultError struct{ err error }

func (f faultError) Error() string { return f.err.Error() }
func (f faultError) Unwrap() error { return f.err }

// Fault marks err as an internal fault (StatusInternal). Unmarked errors from
// the core are taken to describe invalid input (StatusInvalid).
func Fault(err error) error { return faultError{err} }

// statusOf maps an error returned by an export's body to its status code.
func statusOf(err error) int {
	var f faultError
	switch {
	case err == nil:
		return StatusOK
	case errors.Is(err, context.Canceled):
		return StatusCancelled
	case errors.Is(err, learn.ErrDiverged):
		return StatusDiverged
	case errors.Is(err, ErrNoMemory):
		return StatusNoMemory
	case errors.As(err, &f):
		return StatusInternal
	}
	return StatusInvalid
}

// calls counts entries into exports; see Calls.
var calls atomic.Int64

// Calls returns how many export calls this Go runtime has served. The tests
// read it through the gopy extension after calling the C ABI with ctypes, to
// prove both reach one library and one runtime.
func Calls() int64 { return calls.Load() }

// run calls f and turns its error, or any panic, into a status and message.
func run(f func() error) (status int, msg string) {
	calls.Add(1)
	defer func() {
		if r := recover(); r != nil {
			err := recovered(r)
			status, msg = statusOf(err), err.Error()
		}
	}()
	injectFault() // test hook (fault.go): no-op unless ns_debug_arm_fault armed this export
	if err := f(); err != nil {
		return statusOf(err), err.Error()
	}
	return StatusOK, ""
}

// recovered converts a recovered panic value into an error carrying the
// panic site. Failed huge allocations become ErrNoMemory.
func recovered(r any) error {
	msg := fmt.Sprint(r)
	if re, ok := r.(runtime.Error); ok && strings.HasPrefix(re.Error(), "runtime error: makeslice") {
		return fmt.Errorf("%w: %s", ErrNoMemory, msg)
	}
	return Fault(fmt.Errorf("natspike internal error: %s (at %s); please report this bug", msg, panicSite()))
}

// panicSite returns "function file:line" of the frame that panicked: the
// first frame after runtime.gopanic that is not in package runtime.
func panicSite() string {
	pc := make([]uintptr, 32)
	frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
	afterPanic := false
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" {
			afterPanic = true
		} else if afterPanic && !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s %s:%d", f.Function, shortPath(f.File), f.Line)
		}
		if !more {
			return "unknown location"
		}
	}
}

func shortPath(file string) string {
	if i := strings.Index(file, "natspike/"); i >= 0 {
		return file[i+len("natspike/"):]
	}
	return file
}

// truncateUTF8 returns the largest k ≤ limit such that s[:k] does not end
// inside a multi-byte UTF-8 sequence.
func truncateUTF8(s string, limit int) int {
	if len(s) <= limit {
		return len(s)
	}
	k := max(limit, 0)
	for k > 0 && !utf8.RuneStart(s[k]) {
		k--
	}
	return k
}
