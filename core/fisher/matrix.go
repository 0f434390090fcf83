package fisher

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/neuron"
)

// InputStatistics returns the statistics of the Gaussian approximation for
// somatic weights ws and afferent rates (Hz): μ_V = ε0 Σ ws_i r_i (mV),
// σ_V² = Σ ws_i² r_i / c_ε (mV²) (text after Eqn 79; Eqns 29–31) and the
// total-rate constant q = c_ε ε0² Σ r_i (Eqn 36). It panics if the lengths
// differ.
func InputStatistics(k neuron.Kernel, ws, rates []float64) (mu, variance, q float64) {
	checkLen("rates", rates, len(ws))
	cEps := k.CEps()
	var sw, sww, sr float64
	for i, w := range ws {
		r := rates[i]
		sw += w * r
		sww += w * w * r
		sr += r
	}
	return k.Eps0 * sw, sww / cEps, cEps * k.Eps0 * k.Eps0 * sr
}

// reuseSym sizes an empty dst to n×n or checks that a non-empty dst is
// n×n, and returns its upper-triangular storage.
func reuseSym(dst *mat.SymDense, n int) blas64.Symmetric {
	if n == 0 {
		panic("fisher: zero-length weight vector")
	}
	if dst.IsEmpty() {
		dst.ReuseAsSym(n)
	} else if d := dst.SymmetricDim(); d != n {
		panic(fmt.Sprintf("fisher: dst is %d×%d, want %d×%d", d, d, n, n))
	}
	return dst.RawSymmetric()
}

// Matrix stores in dst the analytic Fisher matrix of Eqn 81 (per unit time,
// Eqn 130),
//
//	G = c1 (ε0² r rᵀ + Σ) + c2 ε0 [(Σ ws) rᵀ + r (Σ ws)ᵀ] + c3 (Σ ws)(Σ ws)ᵀ,  Σ = diag(r/c_ε),
//
// for coefficients c (Eqn 82), kernel k, somatic weights ws and rates (Hz).
// An empty dst is resized to n×n; otherwise it must be n×n. Matrix panics on
// length mismatches.
func Matrix(dst *mat.SymDense, c Coefficients, k neuron.Kernel, ws, rates []float64) {
	n := len(ws)
	checkLen("rates", rates, n)
	raw := reuseSym(dst, n)
	invCEps, e0 := 1/k.CEps(), k.Eps0
	for i := range n {
		ri := rates[i]
		ti := ws[i] * ri * invCEps // (Σ ws)_i
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j := i; j < n; j++ {
			rj := rates[j]
			tj := ws[j] * rj * invCEps
			row[j] = c.C1*e0*e0*ri*rj + c.C2*e0*(ti*rj+ri*tj) + c.C3*ti*tj
		}
		row[i] += c.C1 * ri * invCEps
	}
}

// InverseMatrix stores in dst the inverse of Matrix by Eqn 101,
//
//	G⁻¹ = γ_s [Σ⁻¹ + (c_ε ε0 g1 1 + g2 ws) c_ε ε0 1ᵀ + (c_ε ε0 g3 1 + g4 ws) wsᵀ],
//
// symmetrised with g2 = g3 = (G2+G3)/2 (they agree analytically: G is symmetric).
// Every rate must be > 0 (Σ⁻¹ = diag(c_ε/r)); InverseMatrix panics otherwise
// and on length mismatches. dst is sized as in Matrix.
func InverseMatrix(dst *mat.SymDense, c Coefficients, k neuron.Kernel, ws, rates []float64) {
	n := len(ws)
	checkLen("rates", rates, n)
	raw := reuseSym(dst, n)
	cEps := k.CEps()
	a := cEps * k.Eps0
	g1, g23 := c.G1*a*a, 0.5*(c.G2+c.G3)*a
	for i := range n {
		if !(rates[i] > 0) {
			panic(fmt.Sprintf("fisher: rates[%d] = %v, InverseMatrix needs rates > 0", i, rates[i]))
		}
		wi := ws[i]
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j := i; j < n; j++ {
			row[j] = c.GammaS * (g1 + g23*(wi+ws[j]) + c.G4*wi*ws[j])
		}
		row[i] += c.GammaS * cEps / rates[i]
	}
}

// mcBlock is the number of samples MonteCarloMatrix folds into one rank-k update.
const mcBlock = 256

// MonteCarloMatrix stores in dst the sample Fisher matrix
// (1/m) Σ_s φ'(V_s)²/φ(V_s) x_s x_sᵀ with V_s = ws·x_s over the m rows x_s
// of usps (m × n USP samples) — Eqn 67 per unit time without the Gaussian
// approximation of Eqns 68–81 (spec check C3). It allocates one block
// buffer per call and panics on size mismatches or when usps has no rows.
func MonteCarloMatrix(dst *mat.SymDense, t neuron.Transfer, ws []float64, usps mat.Matrix) {
	m, n := usps.Dims()
	checkLen("ws", ws, n)
	if m == 0 {
		panic("fisher: MonteCarloMatrix needs at least one sample")
	}
	raw := reuseSym(dst, n)
	dst.Zero()
	block := make([]float64, min(m, mcBlock)*n)
	for start := 0; start < m; start += mcBlock {
		rows := min(mcBlock, m-start)
		for r := range rows {
			x := block[r*n : (r+1)*n]
			copyRow(x, usps, start+r)
			floats.Scale(math.Sqrt(t.FisherDensity(floats.Dot(ws, x))), x)
		}
		a := blas64.General{Rows: rows, Cols: n, Stride: n, Data: block[:rows*n]}
		blas64.Syrk(blas.Trans, 1, a, 1, raw)
	}
	dst.ScaleSym(1/float64(m), dst)
}

// copyRow copies row i of a into dst.
func copyRow(dst []float64, a mat.Matrix, i int) {
	if rv, ok := a.(mat.RawRowViewer); ok {
		copy(dst, rv.RawRowView(i))
		return
	}
	mat.Row(dst, i, a)
}
