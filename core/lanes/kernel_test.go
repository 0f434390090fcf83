package lanes

import (
	"context"
	"fmt"
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
	a := &pass{blocks: make([]block, n), decayM: math.Exp(-0.05), decayS: math.Exp(-1 / 6.0), gain: 1 / 0.007}
	draw := func(scale float64) float64 { return scale * (rng.Float64() - 0.3) }
	for i := range a.blocks {
		blk := &a.blocks[i]
		for l := range Width {
			blk.w[l], blk.p[l], blk.s[l], blk.x[l], blk.h[l] = draw(0.1), draw(3), draw(2), draw(50), draw(0.003)
		}
		a.rates, a.teacher = append(a.rates, draw(60)), append(a.teacher, draw(0.1))
	}
	for l := range Width {
		a.g[l], a.gu[l], a.gw[l] = 1e-3*(rng.Float64()-0.5), rng.Float64()*0.02, rng.NormFloat64()
	}
	return a
}

func clonePass(a *pass) *pass {
	b := *a
	b.blocks = append([]block(nil), a.blocks...)
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
	same := func(what string, i int, g, r *[Width]float64) {
		for l := range Width {
			if math.Float64bits(g[l]) != math.Float64bits(r[l]) {
				t.Fatalf("%s kernel, n = %d, bin %d: %s[%d] lane %d = %v, generic %v", name, n, bin, what, i, l, g[l], r[l])
			}
		}
	}
	for i := range ref.blocks {
		g, r := &got.blocks[i], &ref.blocks[i]
		same("w", i, &g.w, &r.w)
		same("p", i, &g.p, &r.p)
		same("s", i, &g.s, &r.s)
		same("x", i, &g.x, &r.x)
	}
	same("V", 0, &got.v, &ref.v)
	same("sumX", 0, &got.sumX, &ref.sumX)
	same("V*", 0, &got.vt, &ref.vt)
	same("sumW", 0, &got.sumW, &ref.sumW)
	same("sum w r", 0, &got.wr, &ref.wr)
	same("sum w^2 r", 0, &got.w2r, &ref.w2r)
}

// TestForcedGenericKernel: NATSPIKE_KERNEL=generic selects the generic
// kernel, and a whole run gives the same numbers with either selection.
func TestForcedGenericKernel(t *testing.T) {
	for _, events := range []bool{false, true} {
		t.Run(fmt.Sprintf("events=%v", events), func(t *testing.T) { forcedGenericKernel(t, events) })
	}
}

func forcedGenericKernel(t *testing.T, events bool) {
	cfg := fig3Config(rule.Natural, 2e-2, 0.5, 30)
	cfg.Rule.CoefficientTol = 1e-9
	cfg.EventDriven = events
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
// iteration, per kernel of this build and CPU, n = 100 and 1000.
func BenchmarkKernel(b *testing.B) {
	for _, k := range kernels() {
		for _, n := range []int{100, 1000} {
			b.Run(fmt.Sprintf("%s/n=%d", k.name, n), func(b *testing.B) {
				// Unit decays and γ_w = 0 keep every value at its magnitude
				// (decaying traces would become subnormal and slow).
				a := randomPass(n, 1)
				a.decayM, a.decayS, a.gw = 1, 1, [Width]float64{}
				m := benchcpu.Start(b)
				for range b.N {
					k.advance(a)
				}
				m.Stop(n*Width, "synapse-step")
			})
		}
	}
}
