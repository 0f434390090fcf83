package capi

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// withMemoryLimit runs f with AvailableMemory pinned to limit bytes.
func withMemoryLimit(limit int64, f func()) {
	old := memoryLimitOverride
	memoryLimitOverride = limit
	defer func() { memoryLimitOverride = old }()
	f()
}

// wantNoMemory asserts the refusal contract: NS_NOMEMORY, the parameter
// named first, and the sizes of the request and of the limit.
func wantNoMemory(t *testing.T, c callOutcome, param string) {
	t.Helper()
	if c.status != StatusNoMemory || !strings.HasPrefix(c.msg, param+": ") ||
		!strings.Contains(c.msg, "would need") || !strings.Contains(c.msg, "of memory available") {
		t.Fatalf("%s: status %d %q; want NS_NOMEMORY naming %s and the sizes", c.export, c.status, c.msg, param)
	}
}

func monteCarlo(n, samples int) callOutcome {
	w, r, out := make([]float64, n), make([]float64, n), make([]float64, n*n)
	for i := range w {
		w[i], r[i] = 1e-3, 10
	}
	err := newErrBuffer(512)
	e, el := err.args()
	return outcome("ns_monte_carlo_fisher", ns_monte_carlo_fisher(cString("{}"), cDoubles(w), cDoubles(r), cLongLong(int64(n)),
		cLongLong(int64(samples)), cLongLong(1), cDoubles(out), nil, nil, e, el), err)
}

// trainNoOutputs runs ns_train without output buffers, so that Go allocates
// the records itself: duration/record_every records of n weights.
func trainNoOutputs(n int, duration, recordEvery float64) callOutcome {
	w, r := make([]float64, n), make([]float64, n)
	for i := range w {
		w[i], r[i] = 0.01, 10
	}
	var table bufferTable
	table.add("rates", r, int64(n))
	table.add("w0", w, int64(n))
	b, nb := table.args()
	err := newErrBuffer(512)
	e, el := err.args()
	cfg := fmt.Sprintf(`{"rule":"natural","eta":0.001,"duration":%v,"record_every":%v,"teacher":"poisson",`+
		`"teacher_rate":20,"test_samples":2,"test_bins":10,"seed":1}`, duration, recordEvery)
	return outcome("ns_train", ns_train(cString(cfg), cLongLong(int64(n)), b, nb, nil, nil, e, el), err)
}

// TestExportsRefuseWhatCannotFit: with 64 MiB available, each export whose
// own allocations exceed it returns NS_NOMEMORY naming the argument, before
// allocating; the same calls succeed with the real limits.
func TestExportsRefuseWhatCannotFit(t *testing.T) {
	const limit = 64 << 20
	withMemoryLimit(limit, func() {
		wantNoMemory(t, monteCarlo(1000, 10), "weights") // 8 chains' 1000² sums: 8·1e6·(8+k+1) bytes
		wantNoMemory(t, trainNoOutputs(100, 100, 0.001), "record_every")

		n := 3000 // the 3000² matrix: 72 MB
		w, r, out := make([]float64, n), make([]float64, n), make([]float64, n*n)
		err := newErrBuffer(512)
		e, el := err.args()
		wantNoMemory(t, outcome("ns_fisher_matrix", ns_fisher_matrix(cString("{}"), cDoubles(w), cDoubles(r),
			cLongLong(int64(n)), cDoubles(out), e, el), err), "weights")
	})
	if c := monteCarlo(20, 10); !c.ok() {
		t.Fatalf("without a limit: %d %s", c.status, c.msg)
	}
	if c := trainNoOutputs(3, 0.05, 0.01); !c.ok() {
		t.Fatalf("without a limit: %d %s", c.status, c.msg)
	}
}

// TestMemoryCheckAddsTheTerms: the sum of the terms counts, the largest
// names the parameter, and the sizes are formatted as Python formats them.
func TestMemoryCheckAddsTheTerms(t *testing.T) {
	withMemoryLimit(1000, func() {
		if err := checkMemory(memoryTerm{"a", 600, "x"}, memoryTerm{"b", 400, "y"}); err != nil {
			t.Fatalf("1000 bytes fit in 1000: %v", err)
		}
		err := checkMemory(memoryTerm{"a", 600, "x"}, memoryTerm{"b", 500, "y"})
		want := "a: x would need 1.07 KiB, more than the 1e+03 bytes of memory available"
		if err == nil || err.Error() != want || statusOf(err) != StatusNoMemory {
			t.Fatalf("got %v (status %d), want %q", err, statusOf(err), want)
		}
	})
	if got := byteSize(3 * (1 << 30)); got != "3 GiB" {
		t.Errorf("byteSize(3 GiB) = %q", got)
	}
}

// TestExportsUnderRlimitAS re-runs this test binary with RLIMIT_AS set to
// 2 GiB above its address space in use (what `ulimit -v` or `prlimit --as`
// impose on a batch job) and, there, makes the audit's calls: a 10000-weight
// Monte-Carlo Fisher matrix (Go would need ~14 GB and abort the process with
// "fatal error: out of memory") and a train recording 10^7 records of 100
// weights. Each must return NS_NOMEMORY naming its parameter, and the child
// must exit normally.
func TestExportsUnderRlimitAS(t *testing.T) {
	if os.Getenv("NATSPIKE_MEMTEST_CHILD") != "" {
		rlimitChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestExportsUnderRlimitAS$", "-test.v")
	cmd.Env = append(os.Environ(), "NATSPIKE_MEMTEST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "fatal error") || !strings.Contains(string(out), "child: ok") {
		t.Fatalf("child under RLIMIT_AS: %v\n%s", err, out)
	}
}

func rlimitChild(t *testing.T) {
	vm := kibSizes("/proc/self/status")["VmSize"]
	if vm == 0 {
		t.Skip("no /proc/self/status")
	}
	limit := uint64(vm) + 2<<30
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: math.MaxUint64}); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	if got := AvailableMemory(); got > 2<<30 || got < 1<<30 {
		t.Fatalf("AvailableMemory() = %d under RLIMIT_AS = VmSize + 2 GiB", got)
	}
	for _, c := range []struct {
		call  callOutcome
		param string
	}{{monteCarlo(10000, 10), "weights"}, {trainNoOutputs(100, 1e4, 0.001), "record_every"}} {
		wantNoMemory(t, c.call, c.param)
		fmt.Println(c.call.msg)
	}
	fmt.Println("child: ok")
}

// TestReadSmallReadsWholeFiles: the memory check's reader returns what
// os.ReadFile does, for files below, at and beyond its first 4096-byte
// buffer and for an empty one, and an error for a missing file.
func TestReadSmallReadsWholeFiles(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, 50000} {
		path := fmt.Sprintf("%s/f%d", dir, size)
		want := []byte(strings.Repeat("MemFree: 12 kB\n", size/15+1)[:size])
		if err := os.WriteFile(path, want, 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := readSmall(path); err != nil || string(got) != string(want) {
			t.Errorf("size %d: readSmall gave %d bytes, err %v", size, len(got), err)
		}
	}
	if _, err := readSmall(dir + "/missing"); err == nil {
		t.Error("readSmall of a missing file: no error")
	}
	if got, err := readSmall("/proc/self/status"); err == nil && !strings.Contains(string(got), "\nVmSize:") {
		t.Errorf("/proc/self/status read as %q", got)
	}
}

// memoryCases is capi/testdata/memory_cases.json: synthetic files and
// rlimits with the headroom they give, by hand, which
// tests/test_available_memory.py runs through natspike._validate too.
type memoryCases struct {
	Files struct {
		Meminfo, Status string
		Cgroup          [][2]string
	}
	CgroupNoLimit int64 `json:"cgroup_no_limit"`
	NoLimit       int64 `json:"no_limit"`
	Cases         []struct {
		Name, Meminfo, Status *string
		Cgroup                [4]*string
		RlimitAS              *uint64 `json:"rlimit_as"`
		RlimitData            *uint64 `json:"rlimit_data"`
		Want                  json.RawMessage
	}
}

func readMemoryCases(t *testing.T) memoryCases {
	b, err := os.ReadFile("testdata/memory_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var mc memoryCases
	if err := json.Unmarshal(b, &mc); err != nil {
		t.Fatal(err)
	}
	return mc
}

// TestMemoryFilesAreThoseOfPython: the files and thresholds of the memory
// check are those the shared cases name, as natspike._validate's are.
func TestMemoryFilesAreThoseOfPython(t *testing.T) {
	mc := readMemoryCases(t)
	if mc.Files.Meminfo != meminfoFile || mc.Files.Status != statusFile || !slices.Equal(mc.Files.Cgroup, cgroupFiles) {
		t.Errorf("files %+v, the shared cases name %+v", []any{meminfoFile, statusFile, cgroupFiles}, mc.Files)
	}
	if mc.CgroupNoLimit != cgroupNoLimit || mc.NoLimit != math.MaxInt64 {
		t.Errorf("thresholds %d, %d; the shared cases say %d, %d", cgroupNoLimit, int64(math.MaxInt64), mc.CgroupNoLimit, mc.NoLimit)
	}
}

// TestAvailableMemoryOfSharedCases: every case of the shared set gives its
// hand-computed headroom; "physical" is MemTotal of this machine.
func TestAvailableMemoryOfSharedCases(t *testing.T) {
	mc := readMemoryCases(t)
	physical := memTotal(t)
	defer restoreMemoryFiles(meminfoFile, statusFile, cgroupFiles, getrlimit)
	for i, c := range mc.Cases {
		dir := fmt.Sprintf("%s/case%d", t.TempDir(), i)
		meminfoFile, statusFile = writeCaseFile(t, dir, "meminfo", c.Meminfo), writeCaseFile(t, dir, "status", c.Status)
		cgroupFiles = [][2]string{
			{writeCaseFile(t, dir, "memory.max", c.Cgroup[0]), writeCaseFile(t, dir, "memory.current", c.Cgroup[1])},
			{writeCaseFile(t, dir, "memory.limit_in_bytes", c.Cgroup[2]), writeCaseFile(t, dir, "memory.usage_in_bytes", c.Cgroup[3])},
		}
		getrlimit = fakeRlimits(c.RlimitAS, c.RlimitData)
		want := physical
		if string(c.Want) != `"physical"` {
			if err := json.Unmarshal(c.Want, &want); err != nil {
				t.Fatalf("%s: want %s: %v", *c.Name, c.Want, err)
			}
		}
		if got := AvailableMemory(); got != want {
			t.Errorf("%s: AvailableMemory() = %d, want %d", *c.Name, got, want)
		}
	}
}

func restoreMemoryFiles(meminfo, status string, cgroup [][2]string, rlimit func(int, *syscall.Rlimit) error) {
	meminfoFile, statusFile, cgroupFiles, getrlimit = meminfo, status, cgroup, rlimit
}

// writeCaseFile writes text to dir/name and returns the path; nil text
// leaves the file missing.
func writeCaseFile(t *testing.T, dir, name string, text *string) string {
	path := dir + "/" + name
	if text != nil {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(*text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// fakeRlimits is a getrlimit reporting the given soft limits of RLIMIT_AS
// and RLIMIT_DATA (nil: RLIM_INFINITY).
func fakeRlimits(as, data *uint64) func(int, *syscall.Rlimit) error {
	return func(resource int, r *syscall.Rlimit) error {
		soft := map[int]*uint64{syscall.RLIMIT_AS: as, syscall.RLIMIT_DATA: data}[resource]
		*r = syscall.Rlimit{Cur: math.MaxUint64, Max: math.MaxUint64}
		if soft != nil {
			r.Cur = *soft
		}
		return nil
	}
}

// memTotal is MemTotal of this machine's /proc/meminfo, in bytes.
func memTotal(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Skip("no /proc/meminfo")
	}
	var kib int64
	if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kib); err != nil {
		t.Fatalf("/proc/meminfo starts %q: %v", b[:min(len(b), 40)], err)
	}
	return kib * 1024
}
