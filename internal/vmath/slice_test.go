package vmath

import (
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/natspike/natspike/internal/avofile"
	"github.com/natspike/natspike/internal/benchcpu"
	"github.com/natspike/natspike/internal/kernelenv"
)

// TestExpSliceMatchesExp: ExpSlice (the AVX2 kernel where the CPU has it)
// gives Exp's bits for every test argument, in place and into another
// slice, with the special and out-of-range arguments spread over the
// groups of four.
func TestExpSliceMatchesExp(t *testing.T) {
	xs := kindsContiguous(allArguments(4))
	want := make([]float64, len(xs))
	expSliceGeneric(want, xs)
	got := make([]float64, len(xs))
	ExpSlice(got, xs)
	inPlace := append([]float64(nil), xs...)
	ExpSlice(inPlace, inPlace)
	bad := 0
	for i, x := range xs {
		for _, g := range []float64{got[i], inPlace[i]} {
			if math.Float64bits(g) != math.Float64bits(want[i]) {
				if bad++; bad <= 10 {
					t.Errorf("ExpSlice gives %v (%#x) for %v, Exp %v (%#x)", g, math.Float64bits(g), x, want[i],
						math.Float64bits(want[i]))
				}
			}
		}
	}
	t.Logf("%d arguments (AVX2 kernel: %v, on %d groups of four), %d differ", len(xs), useAVX2, kernelGroups(xs), bad)
}

// kindsContiguous reorders randomArguments' interleaved kinds (after the
// edge arguments) into four contiguous runs, so that most groups of four
// are in the kernel's range.
func kindsContiguous(xs []float64) []float64 {
	edges := len(edgeArguments())
	out := append([]float64(nil), xs[:edges]...)
	for kind := range 4 {
		for i := edges + kind; i < len(xs); i += 4 {
			out = append(out, xs[i])
		}
	}
	return out
}

// kernelGroups counts the groups of four of xs that the kernel computes
// (ExpSlice's groups, all four arguments in [fastLow, fastHigh]).
func kernelGroups(xs []float64) int {
	n := 0
	for i := 0; i+4 <= len(xs); i += 4 {
		in := true
		for _, x := range xs[i : i+4] {
			in = in && x >= fastLow && x <= fastHigh
		}
		if in {
			n++
		}
	}
	return n
}

// TestExpSliceEveryLengthAndLane: for lengths 0 … 13 and an out-of-range
// argument (NaN, 710, −709, −Inf) in each position, ExpSlice equals Exp
// element by element and writes nothing past len(x).
func TestExpSliceEveryLengthAndLane(t *testing.T) {
	for n := range 14 {
		for pos := -1; pos < n; pos++ {
			for _, odd := range []float64{math.NaN(), 710, -709, math.Inf(-1), fastLow, fastHigh} {
				x := make([]float64, n)
				for i := range x {
					x[i] = 0.37*float64(i) - 2
				}
				if pos >= 0 {
					x[pos] = odd
				}
				dst := make([]float64, n+1)
				dst[n] = 42
				ExpSlice(dst, x)
				for i, v := range x {
					if math.Float64bits(dst[i]) != math.Float64bits(Exp(v)) {
						t.Errorf("n=%d, x[%d]=%v: ExpSlice gives %v for x[%d]=%v, Exp %v", n, pos, odd, dst[i], i, v, Exp(v))
					}
				}
				if dst[n] != 42 {
					t.Errorf("n=%d: ExpSlice wrote past len(x)", n)
				}
			}
		}
	}
}

// TestExpSliceKernelChoice: NATSPIKE_KERNEL=generic selects the generic
// kernel; otherwise the AVX2 kernel runs exactly where the CPU has AVX2.
// The choice is made at start-up, so the generic case runs in a child.
func TestExpSliceKernelChoice(t *testing.T) {
	if kernelenv.ForceGeneric() {
		if useAVX2 {
			t.Fatal("NATSPIKE_KERNEL=generic, but ExpSlice uses the AVX2 kernel")
		}
		return
	}
	if useAVX2 != (runtime.GOARCH == "amd64" && hasAVX2()) {
		t.Fatalf("useAVX2 = %v on a CPU with AVX2 = %v", useAVX2, hasAVX2())
	}
	cmd := exec.Command(os.Args[0], "-test.run=^(TestExpSliceKernelChoice|TestExpSliceMatchesExp)$", "-test.count=1",
		"-test.v", "-test.short")
	cmd.Env = append(os.Environ(), kernelenv.Variable+"=generic")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Count(string(out), "--- PASS") != 2 || !strings.Contains(string(out), "AVX2 kernel: false") {
		t.Fatalf("with %s=generic: %v\n%s", kernelenv.Variable, err, out)
	}
}

// TestGeneratedAssemblyIsCurrent regenerates exp_amd64.s and its stub with
// internal/asmgen and compares them with the committed files.
func TestGeneratedAssemblyIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	avofile.CheckCurrent(t, "./internal/asmgen", "exp_amd64.s", "exp_stub_amd64.go")
}

// BenchmarkExpSlice: ExpSlice (the AVX2 kernel where the CPU has it) and
// the generic loop over 1024 arguments in [−20, 5].
func BenchmarkExpSlice(b *testing.B) {
	xs := randomArguments(256, 3)
	for i := range xs {
		xs[i] = -20 + 25*math.Abs(math.Mod(xs[i], 1))
	}
	dst := make([]float64, len(xs))
	for _, k := range []struct {
		name string
		f    func(dst, x []float64)
	}{{"kernel", ExpSlice}, {"generic", expSliceGeneric}} {
		b.Run(k.name, func(b *testing.B) {
			m := benchcpu.Start(b)
			for range b.N {
				k.f(dst, xs)
			}
			m.Stop(len(xs), "exp")
		})
	}
}
