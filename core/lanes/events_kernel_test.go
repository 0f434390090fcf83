package lanes

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/internal/benchcpu"
)

// randomEvState returns an evState with random sums, factors and rule
// constants in every lane (lanes 0, 3 Euclidean, 1, 6 approximate, the
// others natural), the same for the same seed.
func randomEvState(seed uint64) *evState {
	rng := rand.New(rand.NewPCG(seed, 2))
	st := &evState{c: 1 / 0.007, dm: math.Exp(-0.05), ds: math.Exp(-1 / 6.0), dt: 5e-4, cEps: 0.0035,
		ce0: 0.0035 * 3.2, nce0: -0.0035 * 3.2, rateSum: 3000}
	arrays := []*[Width]float64{&st.sp, &st.ss, &st.up, &st.us, &st.tp, &st.ts, &st.qpp, &st.qps, &st.qss,
		&st.r1, &st.r2, &st.dk, &st.ek, &st.mk, &st.bk, &st.phiF, &st.phiG, &st.absG, &st.absGLimit,
		&st.gs, &st.g1, &st.g2, &st.g3, &st.g4, &st.cnt, &st.su, &st.st, &st.spp, &st.sps, &st.sss,
		&st.eta, &st.scoreScale, &st.cu, &st.cw, &st.phi, &st.score}
	for _, a := range arrays {
		for l := range Width {
			a[l] = rng.Float64() + 0.5
		}
	}
	for l := range Width {
		st.eta[l] *= 1e-3
		st.y[l] = float64(rng.IntN(2))
		st.natural[l] = 1
	}
	st.natural[0], st.natural[3] = 0, 0
	st.approx[1], st.approx[6] = 1, 1
	return st
}

// TestEvKernelsAgree runs every event-driven kernel of this build and CPU
// against the generic one for several bins: all stages' outputs
// bit-identical.
func TestEvKernelsAgree(t *testing.T) {
	for _, k := range evKernels() {
		for seed := range uint64(20) {
			ref, got := randomEvState(seed), randomEvState(seed)
			for bin := range 5 {
				evGeneric.potentials(ref)
				k.potentials(got)
				evGeneric.factors(ref)
				k.factors(got)
				evGeneric.advance(ref)
				k.advance(got)
				if *got != *ref {
					t.Fatalf("%s kernel, seed %d, bin %d: state differs from the generic kernel's:\n%+v\n%+v", k.name, seed, bin, *got, *ref)
				}
			}
		}
	}
}

// BenchmarkEvStages measures the three event-driven stages of one bin for
// all Width lanes, per kernel, CPU time per lane.
func BenchmarkEvStages(b *testing.B) {
	for _, k := range evKernels() {
		b.Run(k.name, func(b *testing.B) {
			st := randomEvState(1)
			st.dm, st.ds, st.eta = 1, 1, [Width]float64{} // values stay put
			for l := range Width {
				st.up[l] = st.us[l] + float64(l)/st.c // V = 0 … 7 mV, as in learning (no subnormals)
			}
			m := benchcpu.Start(b)
			for range b.N {
				k.potentials(st)
				k.factors(st)
				k.advance(st)
			}
			m.Stop(Width, "lane-bin")
		})
	}
}

func BenchmarkEvStageSplit(b *testing.B) {
	for _, k := range evKernels() {
		for name, f := range map[string]func(*evState){"potentials": k.potentials, "factors": k.factors, "advance": k.advance} {
			b.Run(k.name+"/"+name, func(b *testing.B) {
				st := randomEvState(1)
				st.dm, st.ds, st.eta = 1, 1, [Width]float64{}
				for l := range Width {
					st.up[l] = st.us[l] + float64(l)/st.c
				}
				m := benchcpu.Start(b)
				for range b.N {
					f(st)
				}
				m.Stop(Width, "lane-bin")
			})
		}
	}
}
