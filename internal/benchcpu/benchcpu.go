// Package benchcpu reports CPU time per item in Go benchmarks. On a shared
// machine the CPU time of the benchmarking thread is a steadier measure than
// wall time, which also counts the time the thread waited for a core.
package benchcpu

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// threadCPU returns the CPU time consumed by the calling OS thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Meter measures one benchmark loop: Start after setup, Stop after the loop.
type Meter struct {
	b     *testing.B
	begin time.Duration
}

// Start locks the goroutine to its thread, resets the timer and starts measuring.
func Start(b *testing.B) *Meter {
	runtime.LockOSThread()
	b.ResetTimer()
	return &Meter{b: b, begin: threadCPU()}
}

// Stop reports cpu-ns/<unit> = CPU time / (b.N · items) and the wall-clock ns/<unit>.
func (m *Meter) Stop(items int, unit string) {
	cpu := threadCPU() - m.begin
	m.b.StopTimer()
	runtime.UnlockOSThread()
	m.b.ReportMetric(float64(cpu.Nanoseconds())/float64(m.b.N)/float64(items), "cpu-ns/"+unit)
	m.b.ReportMetric(float64(m.b.Elapsed().Nanoseconds())/float64(m.b.N)/float64(items), "ns/"+unit)
}
