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

// The files and the limits AvailableMemory reads, as natspike._validate
// names them (capi/testdata/memory_cases.json pins the two); Go tests point
// them at synthetic copies.
var (
	meminfoFile = "/proc/meminfo"
	statusFile  = "/proc/self/status"
	// (limit, usage) of cgroup v2 and v1
	cgroupFiles = [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	}
	getrlimit = syscall.Getrlimit
)

// cgroupNoLimit: a cgroup limit of this or more means none (v1 writes
// 2^63 rounded down to a page).
const cgroupNoLimit = 1 << 60

// AvailableMemory returns the bytes the process can still allocate:
// MemAvailable plus free swap (the physical memory where /proc/meminfo
// holds no size), capped by the cgroup (v2 or v1) limit minus its usage and
// by RLIMIT_AS and RLIMIT_DATA minus the address space and data segment in
// use. Unknown limits count as unlimited (math.MaxInt64).
func AvailableMemory() int64 {
	if memoryLimitOverride > 0 {
		return memoryLimitOverride
	}
	info := kibSizes(meminfoFile)
	if info == nil {
		return min(physicalMemory(), cgroupHeadroom(), rlimitHeadroom())
	}
	avail, ok := info["MemAvailable"]
	if !ok {
		avail = info["MemFree"]
	}
	return min(addSaturated(avail, info["SwapFree"]), cgroupHeadroom(), rlimitHeadroom())
}

// physicalMemory is the machine's RAM (what Python's sysconf SC_PHYS_PAGES
// × SC_PAGE_SIZE reports), math.MaxInt64 if unknown.
func physicalMemory() int64 {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return math.MaxInt64
	}
	total := uint64(si.Totalram) * uint64(max(si.Unit, 1))
	return int64(min(total, math.MaxInt64))
}

// addSaturated is a + b for a, b >= 0, math.MaxInt64 where that overflows.
func addSaturated(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
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
		// RLIM_INFINITY is all ones, beyond int64 (Python sees it, and any
		// limit of 2^63 or more, as a negative number and skips it too)
		if getrlimit(l.resource, &r) != nil || r.Cur > math.MaxInt64 {
			continue
		}
		if status == nil {
			status = kibSizes(statusFile)
		}
		headroom = min(headroom, max(0, int64(r.Cur)-status[l.used]))
	}
	return headroom
}

// cgroupHeadroom is the first cgroup limit of cgroupFiles that is set,
// minus its usage. A limit file that cannot be read or does not hold a
// size (below), "max", a negative value and limits of 2^60 and more mean
// "no limit"; so does a usage file without a size: the next pair counts.
func cgroupHeadroom() int64 {
	for _, f := range cgroupFiles {
		limit, ok := readSize(f[0])
		if !ok || limit >= cgroupNoLimit {
			continue // the usage does not matter
		}
		if usage, ok := readSize(f[1]); ok {
			return max(0, limit-usage)
		}
	}
	return math.MaxInt64
}

// asciiSpace is the white space Python's bytes.strip removes.
const asciiSpace = " \t\n\v\f\r"

// readSize reads a file holding one size: ASCII digits, below 2^63, with
// ASCII white space around them; ok is false for anything else (a sign,
// "max", an empty or unreadable file).
func readSize(path string) (int64, bool) {
	b, err := readSmall(path)
	if err != nil {
		return 0, false
	}
	return parseSize(strings.Trim(string(b), asciiSpace))
}

// parseSize parses a string of ASCII digits (no sign, no white space)
// below 2^63.
func parseSize(s string) (int64, bool) {
	v, err := strconv.ParseUint(s, 10, 63)
	return int64(v), err == nil
}

// kibSizes returns the "Key: N kB" lines of a /proc file in bytes (a key
// given twice: its last line), as natspike._validate reads them: N is ASCII
// digits after the colon and spaces or tabs, followed by white space or the
// end of the line; a size of 2^63 bytes or more is left out. It is nil
// where the file is absent or has no such line at all.
func kibSizes(path string) map[string]int64 {
	b, err := readSmall(path)
	if err != nil {
		return nil
	}
	out, seen := map[string]int64{}, false
	for _, line := range strings.Split(string(b), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		digits := leadingDigits(strings.TrimLeft(rest, " \t"))
		if !ok || digits == "" {
			continue
		}
		seen = true
		if v, ok := parseSize(digits); ok && v <= math.MaxInt64/1024 {
			out[key] = v * 1024
		}
	}
	if !seen {
		return nil
	}
	return out
}

// leadingDigits is the ASCII digits s starts with if white space or the end
// of s follows them, "" otherwise.
func leadingDigits(s string) string {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	if i < len(s) && !strings.ContainsRune(asciiSpace, rune(s[i])) {
		return ""
	}
	return s[:i]
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
