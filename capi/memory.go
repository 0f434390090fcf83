package capi

import (
	"fmt"
	"math"
	"os"
	"slices"
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
// RLIMIT_DATA (against VmData) still allow; the usage is read only when a
// limit is set (every call of a sized export comes here).
func rlimitHeadroom() int64 {
	var status map[string]int64
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
		if status == nil {
			status = kibSizes("/proc/self/status")
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
		limit, err := readInt(f[0])
		if err != nil || limit >= 1<<60 {
			continue // unreadable, "max" or unlimited: the usage does not matter
		}
		if usage, err := readInt(f[1]); err == nil {
			return max(0, limit-usage)
		}
	}
	return math.MaxInt64
}

func readInt(path string) (int64, error) {
	b, err := readSmall(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// kibSizes returns the "Key: N kB" lines of a /proc file in bytes ({} if absent).
func kibSizes(path string) map[string]int64 {
	b, err := readSmall(path)
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

// readSmall reads a small /proc or /sys file in few system calls: open,
// read until end of file, close. os.ReadFile also stats it and, as /proc
// reports size 0, reads it in steps from 512 bytes; system calls are what
// the memory check costs.
func readSmall(path string) ([]byte, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	b := make([]byte, 0, 4096)
	for {
		if len(b) == cap(b) {
			b = slices.Grow(b, cap(b))
		}
		k, err := syscall.Read(fd, b[len(b):cap(b)])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return nil, &os.PathError{Op: "read", Path: path, Err: err}
		case k == 0:
			return b, nil
		}
		b = b[:len(b)+k]
	}
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
