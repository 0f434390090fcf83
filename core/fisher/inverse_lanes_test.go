package fisher

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/avofile"
	"github.com/natspike/natspike/internal/vmath"
)

// randomLayer is a Taylor layer with random coefficients around a random
// centre: mostly count 3, some count 1; the first function γ_s, the others
// ρ2, ρ3 of either sign and of scales from 1e-3 to 1e300 (an infinite or
// non-positive Δ included).
func randomLayer(rng *rand.Rand) taylor {
	t := taylor{count: 3, q: 0.5 + rng.Float64(), mu0: 20*rng.Float64() - 10, v0: 0.1 + 5*rng.Float64()}
	if rng.IntN(10) == 0 {
		t.count = 1
	}
	hm, hv := 0.01+rng.Float64(), 0.01+rng.Float64()
	t.muLo, t.muHi, t.vLo, t.vHi = t.mu0-hm, t.mu0+hm, t.v0-hv, t.v0+hv
	for a := range t.d {
		scale := math.Pow(10, float64(rng.IntN(10)-3))
		if rng.IntN(40) == 0 {
			scale = 1e300
		}
		for k := range t.d[a] {
			t.d[a][k] = scale * (2*rng.Float64() - 1)
		}
	}
	return t
}

// randomPoint is a point in t's box (mostly), on its edge, outside it, NaN,
// or with a q other than t.q.
func randomPoint(rng *rand.Rand, t *taylor) (mu, v, q float64) {
	mu = t.muLo + (t.muHi-t.muLo)*rng.Float64()
	v = t.vLo + (t.vHi-t.vLo)*rng.Float64()
	q = t.q
	switch rng.IntN(12) {
	case 0:
		mu = t.muHi + 1e-9
	case 1:
		v = t.vLo - 1e-9
	case 2:
		mu, v = t.muLo, t.vHi
	case 3:
		q = math.Nextafter(q, 2)
	case 4:
		mu = math.NaN()
	}
	return mu, v, q
}

// TestInverseLanesEqualInverseInto: on 20 000 random caches (Taylor layers
// of one and three functions, Δ of any sign and infinite) at points inside,
// on the edge of and outside their boxes, NaN and at another q, with ε0
// valid or not, InverseLanes' Into reports what InverseInto reports and
// sets bit for bit the same coefficients, ratios and counts, in groups with
// fallback lanes and padding lanes; the kernel (where it runs) and the Go
// reference give the same bits in every lane.
func TestInverseLanesEqualInverseInto(t *testing.T) {
	skipWhereFused(t)
	rng := rand.New(rand.NewPCG(1, 2))
	served, refused := 0, 0
	for round := range 2000 {
		k := 1 + round%10
		caches, twins := make([]*Cache, k), make([]*Cache, k)
		for j := range caches {
			caches[j], twins[j] = &Cache{taylor: randomLayer(rng)}, &Cache{}
			*twins[j] = *caches[j]
		}
		s := newInverseLanes(caches)
		type point struct{ mu, v, q, eps0 float64 }
		pts := make([]point, k)
		for j := range pts {
			pts[j].mu, pts[j].v, pts[j].q = randomPoint(rng, &caches[j].taylor)
			pts[j].eps0 = 1
			if rng.IntN(50) == 0 {
				pts[j].eps0 = 0
			}
			if rng.IntN(8) == 0 {
				s.Skip(j)
				pts[j].mu = math.NaN() // a skipped lane serves nothing, as InverseInto at NaN
			} else {
				s.Set(j, pts[j].mu, pts[j].v, pts[j].q)
			}
		}
		generic := append([]inverseGroup(nil), s.tab...)
		inverseRunGeneric(generic)
		s.Run()
		got, gotR, eps0, ok := make([]Coefficients, k), make([]Ratios, k), make([]float64, k), make([]bool, k)
		dst, rs := make([]*Coefficients, k), make([]*Ratios, k)
		for j := range got {
			got[j].G3, dst[j], rs[j], eps0[j] = 7, &got[j], &gotR[j], pts[j].eps0
		}
		s.Into(dst, rs, eps0, ok)
		for j, p := range pts {
			want := Coefficients{G3: 7}
			var wantR Ratios
			gotOK := ok[j]
			wantOK := twins[j].InverseInto(&want, &wantR, p.mu, p.v, p.q, p.eps0)
			if gotOK != wantOK || bitsOf(got[j], gotR[j]) != bitsOf(want, wantR) ||
				caches[j].Hits != twins[j].Hits || caches[j].taylor.served != twins[j].taylor.served {
				t.Fatalf("round %d lane %d at %+v: lanes %v %+v %+v, InverseInto %v %+v %+v", round, j, p, gotOK, got[j], gotR[j], wantOK, want, wantR)
			}
			if gotOK {
				served++
			} else {
				refused++
			}
		}
		for gi := range generic {
			for _, row := range []int{rowGS, rowR2, rowR3, rowG1, rowG2, rowG4} {
				for l := range 4 {
					a, b := generic[gi][4*row+l], s.tab[gi][4*row+l]
					if generic[gi][4*rowOK+l] != 0 && math.Float64bits(a) != math.Float64bits(b) {
						t.Fatalf("round %d group %d row %d lane %d: kernel %v, Go %v", round, gi, row, l, b, a)
					}
				}
			}
			for l := range 4 {
				if (generic[gi][4*rowOK+l] == 0) != (s.tab[gi][4*rowOK+l] == 0) {
					t.Fatalf("round %d group %d lane %d: kernel and Go disagree on serving", round, gi, l)
				}
			}
		}
	}
	if served < 3000 || refused < 3000 {
		t.Fatalf("served %d, refused %d: the cases do not exercise both", served, refused)
	}
}

// bitsOf lists the bits of every field of c and r.
func bitsOf(c Coefficients, r Ratios) [16]uint64 {
	var out [16]uint64
	for i, x := range []float64{c.Mu, c.Var, c.Q, c.I1, c.I2, c.I3, c.C1, c.C2, c.C3, c.GammaS, c.G1, c.G2, c.G3, c.G4, r.R2, r.R3} {
		out[i] = math.Float64bits(x)
	}
	return out
}

// TestInverseLanesFollowRecentring: after the Taylor layer of a cache
// recentres (through CoefficientsInto), its lane serves from the new layer
// at its next Set, bit for bit as InverseInto, over six recentrings of
// each of five caches, each layer serving ten points.
func TestInverseLanesFollowRecentring(t *testing.T) {
	skipWhereFused(t)
	e, err := NewEngine(neuron.DefaultSigmoid())
	if err != nil {
		t.Fatal(err)
	}
	caches := make([]*Cache, 5)
	for j := range caches {
		if caches[j], err = NewCache(e, 1e-9); err != nil {
			t.Fatal(err)
		}
	}
	s := newInverseLanes(caches)
	const v, q = 4, 1.2
	centre := func(j, step int) float64 { return -1.5 + 0.1*float64(j) + 0.3*float64(step) } // within μ² ≤ q σ²
	for step := range 6 {                                                                    // each step leaves the last box
		for j, c := range caches {
			var co Coefficients
			if err := c.CoefficientsInto(&co, centre(j, step), v, q, 1); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 10 {
			for j := range caches {
				s.Set(j, centre(j, step)+1e-6*float64(i), v, q)
			}
			s.Run()
			twins := make([]Cache, len(caches))
			for j, c := range caches {
				twins[j] = *c
			}
			got, gr, eps0, ok := make([]Coefficients, len(caches)), make([]Ratios, len(caches)), make([]float64, len(caches)), make([]bool, len(caches))
			dst, rs := make([]*Coefficients, len(caches)), make([]*Ratios, len(caches))
			for j := range caches {
				dst[j], rs[j], eps0[j] = &got[j], &gr[j], 1
			}
			s.Into(dst, rs, eps0, ok)
			for j := range caches {
				var want Coefficients
				var wr Ratios
				okWant := twins[j].InverseInto(&want, &wr, centre(j, step)+1e-6*float64(i), v, q, 1)
				if !okWant || ok[j] != okWant || bitsOf(got[j], gr[j]) != bitsOf(want, wr) {
					t.Fatalf("step %d point %d lane %d: lanes %v %+v, InverseInto %v %+v", step, i, j, ok[j], got[j], okWant, want)
				}
			}
		}
	}
}

// skipWhereFused skips t in a build where the Go compiler fuses
// multiply-adds: there InverseInto's rounding is not the kernel's, and
// NewInverseLanes serves no lanes.
func skipWhereFused(t *testing.T) {
	if vmath.CompilerFuses {
		t.Skip("the Go compiler fuses multiply-adds in this build: no lanes")
	}
}

// TestInverseLanesOnlyWhereBitIdentical: NewInverseLanes returns lanes
// only where the kernel runs and the compiler fuses nothing.
func TestInverseLanesOnlyWhereBitIdentical(t *testing.T) {
	s := NewInverseLanes([]*Cache{{}})
	if want := inverseKernel && !vmath.CompilerFuses; (s != nil) != want {
		t.Errorf("NewInverseLanes: lanes %v, want %v", s != nil, want)
	}
}

// TestGeneratedAssemblyIsCurrent regenerates inverse_amd64.s and its stub
// with internal/asmgen and compares them with the committed files.
func TestGeneratedAssemblyIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	avofile.CheckCurrent(t, "./internal/asmgen", "inverse_amd64.s", "inverse_stub_amd64.go")
}
