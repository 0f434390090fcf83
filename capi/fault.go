package capi

/*
#include <stdint.h>
*/
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Fault injection, for the test-suite only. ns_debug_arm_fault(name) arms a
// one-shot fault: the next call of the export `name` panics inside its
// guard, or, for name WorkerFault, the next block of a parallel worker or
// trial goroutine panics, whichever export runs it. The tests use it to
// prove that a panic anywhere becomes NS_INTERNAL (Python RuntimeError) and
// that the following call works. When nothing is armed the hooks cost one
// atomic load.

// WorkerFault arms a panic in the next worker goroutine instead of an export.
const WorkerFault = "worker"

// Exports lists every ns_* function of the C ABI, in natspike.h order;
// TestExportsListMatchesHeader keeps it complete.
var Exports = []string{
	"ns_version", "ns_coefficients", "ns_fisher_matrix", "ns_inverse_fisher_matrix", "ns_monte_carlo_fisher",
	"ns_sample_usps", "ns_transfer", "ns_usp_traces", "ns_update_directions", "ns_voltage_statistics", "ns_train", "ns_run_trials",
	"ns_run_configurations",
	"ns_debug_panic", "ns_debug_sleep", "ns_debug_arm_fault", "ns_debug_goroutines",
}

var (
	faultMu     sync.Mutex
	armedFaults = map[string]int{} // target → number of armed faults
	faultsArmed atomic.Bool        // fast path: is anything armed?
)

//export ns_debug_arm_fault
func ns_debug_arm_fault(target *C.char, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		if target == nil {
			return fmt.Errorf("target is NULL")
		}
		return armFault(C.GoString(target))
	})
}

//export ns_debug_goroutines
func ns_debug_goroutines(out *C.longlong, err *C.char, errlen C.int) C.int {
	return guard(err, errlen, func() error {
		if out == nil {
			return fmt.Errorf("out is a NULL pointer")
		}
		*(*int64)(unsafe.Pointer(out)) = int64(natspikeGoroutines())
		return nil
	})
}

// natspikeGoroutines counts the goroutines, other than the caller's, that
// have natspike code on their stack: after an export returns (finished,
// failed or cancelled) there must be none. runtime.NumGoroutine would also
// count the runtime's own transient goroutines.
func natspikeGoroutines() int {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i > 0 && strings.Contains(g, "natspike/natspike/") { // goroutine 0 in the dump is the caller
			count++
		}
	}
	return count
}

// armFault arms one fault for target (an export name or WorkerFault); the
// empty target disarms everything.
func armFault(target string) error {
	faultMu.Lock()
	defer faultMu.Unlock()
	if target == "" {
		clear(armedFaults)
		faultsArmed.Store(false)
		return nil
	}
	if target != WorkerFault && !isExport(target) {
		return fmt.Errorf("target must be %q or an export (%s), got %q", WorkerFault, strings.Join(Exports, ", "), target)
	}
	armedFaults[target]++
	faultsArmed.Store(true)
	return nil
}

func isExport(name string) bool {
	for _, e := range Exports {
		if e == name {
			return true
		}
	}
	return false
}

// takeFault disarms one fault for target and reports whether one was armed.
func takeFault(target string) bool {
	faultMu.Lock()
	defer faultMu.Unlock()
	if armedFaults[target] == 0 {
		return false
	}
	armedFaults[target]--
	if armedFaults[target] == 0 {
		delete(armedFaults, target)
	}
	faultsArmed.Store(len(armedFaults) > 0)
	return true
}

// injectFault panics if a fault is armed for the export on the call stack.
// run calls it inside its recover, before the export's body.
func injectFault() {
	if !faultsArmed.Load() {
		return
	}
	if name := callingExport(); name != "" && takeFault(name) {
		panic(fmt.Sprintf("fault injected into %s by ns_debug_arm_fault", name))
	}
}

// injectWorkerFault panics if a worker fault is armed; parallel blocks and
// trial goroutines call it inside their recover.
func injectWorkerFault() {
	if faultsArmed.Load() && takeFault(WorkerFault) {
		panic("fault injected into a worker goroutine by ns_debug_arm_fault")
	}
}

// callingExport returns the name of the ns_* export on the call stack, or "".
func callingExport() string {
	pc := make([]uintptr, 64)
	frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
	for {
		f, more := frames.Next()
		if i := strings.LastIndex(f.Function, ".ns_"); i >= 0 && strings.HasSuffix(f.Function[:i], "/capi") {
			return f.Function[i+1:]
		}
		if !more {
			return ""
		}
	}
}

// safeTrial wraps the body of a trial that runs on a sweep goroutine: a
// panic there, outside any export's recover, would kill the process, so it
// becomes an error (StatusInternal) that cancels the remaining trials.
func safeTrial(trial func(ctx context.Context, i int) error) func(ctx context.Context, i int) error {
	return func(ctx context.Context, i int) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = recovered(r)
			}
		}()
		injectWorkerFault()
		return trial(ctx, i)
	}
}
