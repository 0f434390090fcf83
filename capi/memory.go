package capi

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// The Go side of natspike's memory guard. Every export whose own
// allocations grow with its arguments (n² matrices, samples × n buffers,
// records × n recordings, input pools, test sets) sizes them first and
// returns StatusNoMemory (Python MemoryError) naming the parameter when they
// cannot fit: a failed allocation in Go is not a panic but a fatal error
// that kills the process (runtime/debug.SetMemoryLimit only paces the
// garbage collector), so the check must come before the allocation. The
// limits are those of Python's natspike._validate.available_memory, read
// the same way (tests/test_memory_limits.py pins the two together).

// memoryLimitOverride, when > 0, replaces the measured headroom (Go tests).
var memoryLimitOverride int64

// AvailableMemory returns the bytes the process can still allocate:
// MemAvailable plus free swap, capped by the cgroup (v2 or v1) limit minus
// its usage and by RLIMIT_AS and RLIMIT_DATA minus the address space and
// data segment in use. Unknown limits count as unlimited.
func AvailableMemory() int64 {
	if memoryLimitOverride > 0 {
		return memoryLimitOverride
	}
	limit := int64(math.MaxInt64)
	if info := kibSizes("/proc/meminfo"); len(info) > 0 {
		avail, ok := info["MemAvailable"]
		if !ok {
			avail = info["MemFree"]
		}
		limit = avail + info["SwapFree"]
	}
	return min(limit, cgroupHeadroom(), rlimitHeadroom())
}

// rlimitHeadroom is what `ulimit -v` (RLIMIT_AS against VmSize) and
// RLIMIT_DATA (against VmData) still allow.
func rlimitHeadroom() int64 {
	status := kibSizes("/proc/self/status")
	headroom := int64(math.MaxInt64)
	for _, l := range []struct {
		resource int
		used     string
	}{{syscall.RLIMIT_AS, "VmSize"}, {syscall.RLIMIT_DATA, "VmData"}} {
		var r syscall.Rlimit
		// RLIM_INFINITY is all ones, beyond int64
		if syscall.Getrlimit(l.resource, &r) != nil || r.Cur > math.MaxInt64 {
			continue
		}
		headroom = min(headroom, max(0, int64(r.Cur)-status[l.used]))
	}
	return headroom
}

// cgroupHeadroom is the cgroup v2 (memory.max) or v1 (memory.limit_in_bytes)
// limit minus the usage; limits of 2^60 and more mean "none".
func cgroupHeadroom() int64 {
	for _, f := range [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	} {
		limit, err1 := readInt(f[0])
		usage, err2 := readInt(f[1])
		if err1 == nil && err2 == nil && limit < 1<<60 {
			return max(0, limit-usage)
		}
	}
	return math.MaxInt64
}

func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// kibSizes returns the "Key: N kB" lines of a /proc file in bytes ({} if absent).
func kibSizes(path string) map[string]int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	out := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		fields := strings.Fields(rest)
		if !ok || len(fields) == 0 {
			continue
		}
		if v, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
			out[key] = v * 1024
		}
	}
	return out
}

// noMemoryError is a request refused before allocating; it is ErrNoMemory
// for errors.Is but keeps its own message (the same words as Python's).
type noMemoryError struct{ msg string }

func (e noMemoryError) Error() string        { return e.msg }
func (e noMemoryError) Is(target error) bool { return target == ErrNoMemory }

// memoryTerm is one allocation of a call: its size, what it holds and the
// parameter that makes it large.
type memoryTerm struct {
	param string
	bytes float64
	what  string
}

// checkMemory refuses the call if its terms together exceed the memory
// available; the message names the parameter of the largest term.
func checkMemory(terms ...memoryTerm) error {
	total, big := 0.0, memoryTerm{}
	for _, t := range terms {
		total += t.bytes
		if t.bytes > big.bytes {
			big = t
		}
	}
	limit := AvailableMemory()
	if total <= float64(limit) {
		return nil
	}
	return noMemoryError{fmt.Sprintf("%s: %s would need %s, more than the %s of memory available",
		big.param, big.what, byteSize(total), byteSize(float64(limit)))}
}

// byteSize formats a byte count as Python's natspike._validate._size does.
func byteSize(b float64) string {
	for _, unit := range []string{"bytes", "KiB", "MiB", "GiB", "TiB"} {
		if b < 1024 {
			return fmt.Sprintf("%.3g %s", b, unit)
		}
		b /= 1024
	}
	return fmt.Sprintf("%.3g PiB", b)
}
