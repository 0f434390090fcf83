package vmath

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/natspike/natspike/internal/benchcpu"
	"golang.org/x/sys/cpu"
)

// mathExpUsesFMA reports whether Go's math.Exp takes its fused
// multiply-add branch in this process (amd64 with AVX and FMA, not switched
// off through GODEBUG).
func mathExpUsesFMA() bool {
	if !cpu.X86.HasAVX || !cpu.X86.HasFMA {
		return false
	}
	for _, option := range strings.Split(os.Getenv("GODEBUG"), ",") {
		switch strings.TrimSpace(option) {
		case "cpu.fma=off", "cpu.avx=off", "cpu.all=off":
			return false
		}
	}
	return true
}

// randomCount is the number of random arguments of each kind.
func randomCount() int {
	if testing.Short() {
		return 200_000
	}
	return 4_000_000
}

// edgeArguments are the special and boundary arguments: zeros, tiny
// numbers, the neighbourhoods of the overflow and underflow thresholds and
// of the first subnormal result, exact multiples of ln 2 and the
// non-finite values.
func edgeArguments() []float64 {
	xs := []float64{0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		1e-300, -1e-300, 1e-17, -1e-17, 0x1p-53, -0x1p-53, 1, -1, 0.5, -0.5, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), math.Float64frombits(0x7ff8_0000_dead_beef),
		math.Float64frombits(0xfff0_0000_0000_0001), overflow, underflow, 709.782712893384, 709.7827128933841,
		-708.3964185322641, -708.3964185322642, -745.1332191019411, -745.1332191019412, -744.44007192138126}
	for _, centre := range []float64{overflow, math.Log(math.MaxFloat64), math.Log(0x1p-1022), -745.1332191019411,
		-744.4400719213812, underflow, 0} {
		x := centre
		for range 2000 { // 2000 floats either side of the centre
			xs = append(xs, x, math.Nextafter(centre, 2*centre-x))
			x = math.Nextafter(x, math.Inf(1))
		}
	}
	for k := -1080; k <= 1030; k++ {
		x := float64(float64(k) * math.Ln2)
		xs = append(xs, x, math.Nextafter(x, math.Inf(1)), math.Nextafter(x, math.Inf(-1)), x+0.5*math.Ln2)
	}
	return xs
}

// randomArguments draws n arguments of each kind: uniform over the range
// where the result is finite and nonzero, uniform within ±1, uniform over
// [−1, 1]·2^e with e uniform, and uniform float64 bit patterns (every
// magnitude, NaNs and infinities included).
func randomArguments(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	xs := make([]float64, 0, 4*n)
	for range n {
		// (float64 conversions keep GOAMD64=v3 builds from fusing, for TestExpIsNotFusedUnderGOAMD64v3)
		xs = append(xs, -750+float64(r.Float64()*1462), float64(2*r.Float64())-1,
			math.Ldexp(float64(2*r.Float64())-1, r.IntN(80)-70), math.Float64frombits(r.Uint64()))
	}
	return xs
}

func allArguments(seed uint64) []float64 {
	return append(edgeArguments(), randomArguments(randomCount(), seed)...)
}

// TestExpMatchesMathExpWithoutFMA: Exp is bit-identical to math.Exp's
// branch without FMA. It runs where that branch is the one taken (an amd64
// CPU without FMA, or GODEBUG=cpu.fma=off); TestExpInAProcessWithoutFMA
// runs it so on every amd64 CPU.
func TestExpMatchesMathExpWithoutFMA(t *testing.T) {
	if runtime.GOARCH != "amd64" || mathExpUsesFMA() {
		t.Skip("math.Exp takes another branch here (not amd64, or its FMA branch)")
	}
	xs := allArguments(1)
	bad := 0
	for _, x := range xs {
		got, want := Exp(x), math.Exp(x)
		if math.Float64bits(got) != math.Float64bits(want) {
			if bad++; bad <= 10 {
				t.Errorf("Exp(%v) = %v (%#x), math.Exp without FMA gives %v (%#x)", x, got,
					math.Float64bits(got), want, math.Float64bits(want))
			}
		}
	}
	t.Logf("%d arguments, %d differ", len(xs), bad)
}

// TestExpWithinTwoUlpOfMathExp: Exp is within two units in the last place
// of math.Exp whichever branch the latter takes, and agrees exactly on the
// special values. (On a CPU with FMA, math.Exp's FMA branch and its branch
// without FMA, which Exp reproduces, differ by one ulp for about 5 % of
// arguments and by two for about one in a million.)
func TestExpWithinTwoUlpOfMathExp(t *testing.T) {
	xs := allArguments(2)
	var differ [3]int
	for _, x := range xs {
		got, want := Exp(x), math.Exp(x)
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Errorf("Exp(%v) = %v, want NaN", x, got)
			}
			continue
		}
		d := max(math.Float64bits(got), math.Float64bits(want)) - min(math.Float64bits(got), math.Float64bits(want))
		if d > 2 || (math.IsInf(want, 0) || want == 0) && d != 0 {
			t.Errorf("Exp(%v) = %v, math.Exp gives %v: %d ulp apart", x, got, want, d)
			continue
		}
		differ[d]++
	}
	t.Logf("%d arguments: %d equal, %d 1 ulp apart, %d 2 ulp apart (math.Exp's FMA branch: %v)",
		len(xs), differ[0], differ[1], differ[2], mathExpUsesFMA())
}

// TestExpAgainstClosedForms checks values that do not depend on math.Exp:
// e**0 = 1, e**1 = e and e**(k ln 2) = 2**k to within 1 ulp plus the
// rounding of the argument k ln 2 to a float64, and the limits.
func TestExpAgainstClosedForms(t *testing.T) {
	if Exp(0) != 1 || Exp(math.Copysign(0, -1)) != 1 {
		t.Errorf("Exp(±0) = %v, %v; want 1", Exp(0), Exp(math.Copysign(0, -1)))
	}
	if got := Exp(1); math.Abs(got-math.E) > 0x1p-52*math.E {
		t.Errorf("Exp(1) = %v, want e = %v", got, math.E)
	}
	for k := -1074; k <= 1023; k++ {
		want, x := math.Ldexp(1, k), float64(k)*math.Ln2
		argument := math.Abs(math.Nextafter(x, 0) - x) // e**(x ± ulp) = e**x (1 ± ulp)
		if got := Exp(x); math.Abs(got-want) > want*(argument+0x1p-51)+0x1p-1074 {
			t.Errorf("Exp(%d ln 2) = %v, want about 2**%d = %v", k, got, k, want)
		}
	}
	if !math.IsInf(Exp(710), 1) || Exp(-746) != 0 || !math.IsNaN(Exp(math.NaN())) || Exp(math.Inf(-1)) != 0 ||
		!math.IsInf(Exp(math.Inf(1)), 1) {
		t.Errorf("limits: Exp(710) = %v, Exp(−746) = %v, Exp(NaN) = %v, Exp(−Inf) = %v, Exp(+Inf) = %v",
			Exp(710), Exp(-746), Exp(math.NaN()), Exp(math.Inf(-1)), Exp(math.Inf(1)))
	}
}

// TestExpInAProcessWithoutFMA runs the bit-identity tests in a child
// process where math.Exp takes its branch without FMA (the test binary
// itself with GODEBUG=cpu.fma=off).
func TestExpInAProcessWithoutFMA(t *testing.T) {
	if runtime.GOARCH != "amd64" || !mathExpUsesFMA() {
		t.Skip("runs from a default amd64 process on a CPU with FMA")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+bitIdentityTests, "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "GODEBUG=cpu.fma=off")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Count(string(out), "--- PASS") != strings.Count(bitIdentityTests, "Test") ||
		strings.Contains(string(out), "--- SKIP") {
		t.Fatalf("with GODEBUG=cpu.fma=off: %v\n%s", err, out)
	}
	t.Logf("with GODEBUG=cpu.fma=off:\n%s", out)
}

// bitIdentityTests are the tests that compare with math.Exp without FMA.
const bitIdentityTests = "^(TestExpMatchesMathExpWithoutFMA|TestExpSliceMatchesExp)$"

// TestExpIsNotFusedUnderGOAMD64v3 rebuilds the package with GOAMD64=v3,
// where the compiler may fuse x*y + z into one FMA instruction, and checks
// that Exp gives the same bits there as here (GODEBUG cannot switch FMA off
// in such a build, so the comparison is with this process's results).
func TestExpIsNotFusedUnderGOAMD64v3(t *testing.T) {
	if testing.Short() || runtime.GOARCH != "amd64" || !cpu.X86.HasAVX2 || !cpu.X86.HasFMA || !cpu.X86.HasBMI2 ||
		os.Getenv("GOAMD64") == "v3" {
		t.Skip("needs a default amd64 build on a CPU that runs GOAMD64=v3 code, and the go tool")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goTool, "test", "-count=1", "-v", "-run", "^TestExpDigest$", ".")
	cmd.Env = append(os.Environ(), "GOAMD64=v3")
	out, err := cmd.CombinedOutput()
	want := "digest " + digest(allArguments(1))
	if err != nil || !strings.Contains(string(out), want) {
		t.Fatalf("with GOAMD64=v3: %v, want %q in\n%s", err, want, out)
	}
}

// TestExpDigest logs the SHA-256 of the test arguments and Exp's results, for
// TestExpIsNotFusedUnderGOAMD64v3.
func TestExpDigest(t *testing.T) { t.Logf("digest %s", digest(allArguments(1))) }

func digest(xs []float64) string {
	h := sha256.New()
	var word [8]byte
	for _, x := range xs {
		binary.LittleEndian.PutUint64(word[:], math.Float64bits(x))
		h.Write(word[:])
		binary.LittleEndian.PutUint64(word[:], math.Float64bits(Exp(x)))
		h.Write(word[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

var sink float64

// BenchmarkExp: Exp against math.Exp (its FMA branch on a CPU with FMA) on
// arguments in [−20, 5], one call per op.
func BenchmarkExp(b *testing.B) {
	xs := randomArguments(256, 3)
	for i := range xs {
		xs[i] = -20 + 25*math.Abs(math.Mod(xs[i], 1))
	}
	for _, f := range []struct {
		name string
		exp  func(float64) float64
	}{{"vmath", Exp}, {"math", math.Exp}} {
		b.Run(f.name, func(b *testing.B) {
			s := 0.0
			m := benchcpu.Start(b)
			for i := range b.N {
				s += f.exp(xs[i&1023])
			}
			m.Stop(1, "exp")
			sink = s
		})
	}
}
