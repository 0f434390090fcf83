package lanes

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/core/learn"
	"github.com/natspike/natspike/core/rule"
	"github.com/natspike/natspike/internal/benchcpu"
)

// randomPass returns a pass over n afferents with random state and staged
// update (the same for the same seed).
func randomPass(n int, seed uint64) *pass {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := &pass{n: n, decayM: math.Exp(-0.05), decayS: math.Exp(-1 / 6.0), gain: 1 / 0.007}
	fill := func(size int, scale float64) []float64 {
		s := make([]float64, size)
		for i := range s {
			s[i] = scale * (rng.Float64() - 0.3)
		}
		return s
	}
	a.w, a.p, a.s, a.x = fill(n*Width, 0.1), fill(n*Width, 3), fill(n*Width, 2), fill(n*Width, 50)
	a.homGain, a.rates, a.teacher = fill(n*Width, 0.003), fill(n, 60), fill(n, 0.1)
	for l := range Width {
		a.g[l], a.gu[l], a.gw[l] = 1e-3*(rng.Float64()-0.5), rng.Float64()*0.02, rng.NormFloat64()
	}
	return a
}

func clonePass(a *pass) *pass {
	b := *a
	b.w, b.p, b.s, b.x = append([]float64(nil), a.w...), append([]float64(nil), a.p...),
		append([]float64(nil), a.s...), append([]float64(nil), a.x...)
	return &b
}

// TestKernelsAgree runs every kernel of this build and CPU against the
// generic one (the conformance-suite pattern of gonum's blas/testblas):
// several sizes, several successive bins, all outputs bit-identical.
func TestKernelsAgree(t *testing.T) {
	ks := kernels()
	t.Logf("kernels on this CPU: %d (first is selected)", len(ks))
	for _, k := range ks {
		for _, n := range []int{1, 2, 3, 17, 100} {
			ref := randomPass(n, uint64(n))
			got := clonePass(ref)
			for bin := 0; bin < 5; bin++ {
				advanceGeneric(ref)
				k.advance(got)
				comparePasses(t, k.name, n, bin, got, ref)
			}
		}
	}
}

func comparePasses(t *testing.T, name string, n, bin int, got, ref *pass) {
	t.Helper()
	for _, c := range []struct {
		what     string
		got, ref []float64
	}{{"w", got.w, ref.w}, {"p", got.p, ref.p}, {"s", got.s, ref.s}, {"x", got.x, ref.x},
		{"V", got.v[:], ref.v[:]}, {"sumX", got.sumX[:], ref.sumX[:]}, {"V*", got.vt[:], ref.vt[:]},
		{"sumW", got.sumW[:], ref.sumW[:]}, {"sum w r", got.wr[:], ref.wr[:]}, {"sum w^2 r", got.w2r[:], ref.w2r[:]}} {
		for i := range c.ref {
			if math.Float64bits(c.got[i]) != math.Float64bits(c.ref[i]) {
				t.Fatalf("%s kernel, n = %d, bin %d: %s[%d] = %v, generic %v", name, n, bin, c.what, i, c.got[i], c.ref[i])
			}
		}
	}
}

// TestForcedGenericKernel: NATSPIKE_KERNEL=generic selects the generic
// kernel, and a whole run gives the same numbers with either selection.
func TestForcedGenericKernel(t *testing.T) {
	cfg := fig3Config(rule.Natural, 2e-2, 0.5, 30)
	cfg.Rule.CoefficientTol = 1e-9
	trials := []uint64{0, 1, 2}
	auto := make([]learn.Result, len(trials))
	if err := Run(context.Background(), cfg, trials, auto); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NATSPIKE_KERNEL", "generic")
	if selectKernel() == nil || len(kernels()) == 0 {
		t.Fatal("no kernel")
	}
	forced := make([]learn.Result, len(trials))
	if err := Run(context.Background(), cfg, trials, forced); err != nil {
		t.Fatal(err)
	}
	for j := range trials {
		for i, w := range auto[j].Weights {
			if forced[j].Weights[i] != w {
				t.Fatalf("trial %d: weight %d = %v generic, %v selected", j, i, forced[j].Weights[i], w)
			}
		}
	}
}

// BenchmarkKernel measures one kernel sweep (n = 100, 8 lanes) per
// iteration, per kernel of this build and CPU.
func BenchmarkKernel(b *testing.B) {
	for _, k := range kernels() {
		b.Run(k.name+"/n=100", func(b *testing.B) {
			// Unit decays and γ_w = 0 keep every value at its magnitude
			// (decaying traces would become subnormal and slow).
			a := randomPass(100, 1)
			a.decayM, a.decayS, a.gw = 1, 1, [Width]float64{}
			m := benchcpu.Start(b)
			for range b.N {
				k.advance(a)
			}
			m.Stop(100*Width, "synapse-step")
		})
	}
}
