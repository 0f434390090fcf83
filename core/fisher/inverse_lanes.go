package fisher

import (
	"math"

	"github.com/natspike/natspike/internal/kernelenv"
	"github.com/natspike/natspike/internal/vmath"
)

//go:generate go run ./internal/asmgen -dir .

// Rows of an inverseGroup (internal/asmgen's r… constants, pinned to these
// by TestInverseLanesEqualInverseInto): lane l of a group holds one cache's
// point (μ_V, σ_V², q) and a mirror of its Taylor layer in, and
// InverseInto's results out.
const (
	rowMu, rowVar, rowQ, rowMu0, rowV0, rowMuLo, rowMuHi, rowVLo, rowVHi, rowTQ = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
	rowD                                                                        = 10 // d[a][k] at rowD + 6a + k
	rowGS, rowR2, rowR3, rowG1, rowG2, rowG4, rowOK                             = 28, 29, 30, 31, 32, 33, 34
	inverseRows                                                                 = 35
)

// inverseGroup is four lanes of InverseLanes, row by row: lane l of row r
// at 4r + l.
type inverseGroup [4 * inverseRows]float64

// inverseConstants are the kernel's constants 1, math.MaxFloat64 and −0,
// each four times (internal/asmgen's k… rows).
var inverseConstants = [3][4]float64{
	{1, 1, 1, 1},
	{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64},
	{math.Copysign(0, -1), math.Copysign(0, -1), math.Copysign(0, -1), math.Copysign(0, -1)},
}

// InverseLanes evaluates Cache.InverseInto for many caches at once, four
// per 256-bit register (the caches of the natural-rule members that one bin
// advances): Set each lane's point (or Skip it), Run, then Into gives per
// lane what InverseInto would, bit for bit, where that would serve, and
// reports false (nothing changed) where it would not. Each lane mirrors
// its cache's Taylor layer, copied again when a recentring changed it.
// Lanes are independent: each cache is read and counted only through its
// own lane.
type InverseLanes struct {
	caches []*Cache
	gens   []uint64 // the Taylor generation each lane mirrors
	tab    []inverseGroup
}

// NewInverseLanes returns the lanes of caches, or nil where no kernel
// serves them bit for bit (no AVX, a build in which the Go compiler fuses
// multiply-adds, or NATSPIKE_KERNEL=generic): call InverseInto per cache.
func NewInverseLanes(caches []*Cache) *InverseLanes {
	if !inverseKernel || vmath.CompilerFuses || kernelenv.ForceGeneric() || len(caches) == 0 {
		return nil
	}
	return newInverseLanes(caches)
}

func newInverseLanes(caches []*Cache) *InverseLanes {
	s := &InverseLanes{caches: caches, gens: make([]uint64, len(caches)), tab: make([]inverseGroup, (len(caches)+3)/4)}
	for j := range caches {
		s.mirror(j)
		s.Skip(j)
	}
	for j := len(caches); j < 4*len(s.tab); j++ { // padding lanes: never covered
		s.tab[j>>2][4*rowMu+(j&3)] = math.NaN()
	}
	return s
}

// mirror copies lane j's Taylor layer into its rows; a layer of fewer than
// three functions gets a box that covers nothing (NaN).
func (s *InverseLanes) mirror(j int) {
	t, g, l := &s.caches[j].taylor, &s.tab[j>>2], j&3
	s.gens[j] = t.gen
	lo := t.muLo
	if t.count < 3 {
		lo = math.NaN()
	}
	g[4*rowMu0+l], g[4*rowV0+l], g[4*rowMuLo+l], g[4*rowMuHi+l] = t.mu0, t.v0, lo, t.muHi
	g[4*rowVLo+l], g[4*rowVHi+l], g[4*rowTQ+l] = t.vLo, t.vHi, t.q
	for a := range t.d {
		for k, x := range t.d[a] {
			g[4*(rowD+6*a+k)+l] = x
		}
	}
}

// Set gives lane j the point (mu, variance, q) of InverseInto.
func (s *InverseLanes) Set(j int, mu, variance, q float64) {
	g, l := &s.tab[j>>2], j&3
	g[4*rowMu+l], g[4*rowVar+l], g[4*rowQ+l] = mu, variance, q
}

// Skip leaves lane j out of the next Run (its Into reports false).
func (s *InverseLanes) Skip(j int) { s.tab[j>>2][4*rowMu+(j&3)] = math.NaN() }

// Run evaluates every lane, first mirroring again the Taylor layers that
// changed.
func (s *InverseLanes) Run() {
	gens := s.gens[:len(s.caches)]
	for j, c := range s.caches {
		if c.taylor.gen != gens[j] {
			s.mirror(j)
		}
	}
	inverseRun(s.tab)
}

// Into sets served[j] to what InverseInto(dst[j], r[j], mu, variance, q,
// eps0[j]) reports for lane j's cache at the point Set gave it, and does
// what that does, from Run's results, for every j < len(served).
func (s *InverseLanes) Into(dst []*Coefficients, r []*Ratios, eps0 []float64, served []bool) {
	n := len(served)
	dst, r, eps0, caches, tab := dst[:n], r[:n], eps0[:n], s.caches[:n], s.tab
	for gi := range tab { // group by group: lane l of group gi is j = 4 gi + l
		g := &tab[gi]
		for l := range 4 {
			j := 4*gi + l
			if j >= n {
				return
			}
			served[j] = g[4*rowOK+l] != 0 && positiveOK(eps0[j]) // rowOK: all bits set (a NaN) or zero
			if !served[j] {
				continue
			}
			c, d := caches[j], dst[j]
			c.Hits++
			c.taylor.served++
			setInverse(d, g[4*rowMu+l], g[4*rowVar+l], g[4*rowQ+l], g[4*rowGS+l], g[4*rowG1+l], g[4*rowG2+l], g[4*rowG4+l])
			r[j].R2, r[j].R3 = g[4*rowR2+l], g[4*rowR3+l]
		}
	}
}

// inverseRunGeneric is the kernel in Go, InverseInto's arithmetic lane by
// lane (the reference of the kernel's tests and the kernel off amd64).
func inverseRunGeneric(tab []inverseGroup) {
	for gi := range tab {
		g := &tab[gi]
		for l := range 4 {
			mu, v, q := g[4*rowMu+l], g[4*rowVar+l], g[4*rowQ+l]
			t := taylor{count: 3, q: g[4*rowTQ+l], mu0: g[4*rowMu0+l], v0: g[4*rowV0+l],
				muLo: g[4*rowMuLo+l], muHi: g[4*rowMuHi+l], vLo: g[4*rowVLo+l], vHi: g[4*rowVHi+l]}
			for a := range t.d {
				for k := range t.d[a] {
					t.d[a][k] = g[4*(rowD+6*a+k)+l]
				}
			}
			var c Cache
			c.taylor = t
			var dst Coefficients
			var r Ratios
			ok := c.InverseInto(&dst, &r, mu, v, q, 1)
			g[4*rowGS+l], g[4*rowR2+l], g[4*rowR3+l] = dst.GammaS, r.R2, r.R3
			g[4*rowG1+l], g[4*rowG2+l], g[4*rowG4+l] = dst.G1, dst.G2, dst.G4
			g[4*rowOK+l] = 0
			if ok {
				g[4*rowOK+l] = math.Float64frombits(^uint64(0))
			}
		}
	}
}
