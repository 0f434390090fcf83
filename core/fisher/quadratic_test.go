package fisher

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestNormalCDFMatchesErfc: Φ(t) = 0.5 erfc(−t/√2) to 1.5e-15 relative
// against math.Erfc on t ∈ [−2, 9], across the switch to the Mills ratio at
// |t| = 1.25·√2. (Each side rounds its own argument, −t²/2 for φ and −t/√2
// for erfc, which alone moves the result by up to ≈ 5e-16 near |t| = 2.)
func TestNormalCDFMatchesErfc(t *testing.T) {
	worst := 0.0
	for i := range 200001 {
		x := -2 + 11*float64(i)/200000
		want := 0.5 * math.Erfc(-x/math.Sqrt2)
		got := normalCDF(x, math.Exp(-0.5*x*x)*invSqrt2Pi)
		rel := math.Abs(got-want) / want
		worst = math.Max(worst, rel)
		if rel > 1.5e-15 {
			t.Errorf("Φ(%v) = %v, 0.5 erfc(−t/√2) = %v: relative difference %.3g", x, got, want, rel)
		}
	}
	t.Logf("worst relative difference %.3g", worst)
}

// quadraticDigest hashes J0, J1, J2 of partialMoments on a grid of t that
// covers every branch.
func quadraticDigest() string {
	h := sha256.New()
	var word [8]byte
	for i := range 100001 {
		j0, j1, j2 := partialMoments(-12 + 24*float64(i)/100000)
		for _, v := range []float64{j0, j1, j2} {
			binary.LittleEndian.PutUint64(word[:], math.Float64bits(v))
			h.Write(word[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestQuadraticDigest logs quadraticDigest for TestNormalCDFIsTheSameWithoutFMA.
func TestQuadraticDigest(t *testing.T) { t.Logf("digest %s", quadraticDigest()) }

// TestNormalCDFIsTheSameWithoutFMA: the rectified quadratic's moments do not
// depend on the CPU's FMA (math.Exp's amd64 branch): a child process with
// GODEBUG=cpu.fma=off computes the same bits.
func TestNormalCDFIsTheSameWithoutFMA(t *testing.T) {
	if runtime.GOARCH != "amd64" || !cpu.X86.HasFMA || strings.Contains(os.Getenv("GODEBUG"), "cpu.") {
		t.Skip("runs from a default amd64 process on a CPU with FMA")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestQuadraticDigest$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "GODEBUG=cpu.fma=off")
	out, err := cmd.CombinedOutput()
	if want := "digest " + quadraticDigest(); err != nil || !strings.Contains(string(out), want) {
		t.Fatalf("with GODEBUG=cpu.fma=off: %v, want %q in\n%s", err, want, out)
	}
}
