package input

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// threadCPU returns the CPU time consumed by the calling OS thread. On a
// shared machine it is a steadier measure than wall time, which also
// counts the time the thread waited for a core.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter reports CPU ns per item next to the wall-clock ns/op: lock the
// goroutine to its thread, call start after setup and stop after the loop.
type cpuMeter struct {
	b     *testing.B
	begin time.Duration
}

func startCPU(b *testing.B) *cpuMeter {
	runtime.LockOSThread()
	b.ResetTimer()
	return &cpuMeter{b: b, begin: threadCPU()}
}

// stop reports cpu-ns/<unit> = CPU time / (b.N · items).
func (m *cpuMeter) stop(items int, unit string) {
	cpu := threadCPU() - m.begin
	m.b.StopTimer()
	runtime.UnlockOSThread()
	m.b.ReportMetric(float64(cpu.Nanoseconds())/float64(m.b.N)/float64(items), "cpu-ns/"+unit)
	m.b.ReportMetric(float64(m.b.Elapsed().Nanoseconds())/float64(m.b.N)/float64(items), "ns/"+unit)
}
