package capi

import (
	"context"
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/config"
)

// CoefficientColumns names the columns of ns_coefficients' n×11 output, in order.
var CoefficientColumns = [...]string{"gamma_s", "g1", "g2", "g3", "g4", "c1", "c2", "c3", "I1", "I2", "I3"}

// coefficientBlock is the number of grid points between cancellation checks
// and progress updates (≈ 1 ms of quadrature).
const coefficientBlock = 64

// coefficientsInto evaluates the coefficients of Eqns 77–82 and 101–105 at
// each (mu[i], variance[i], q[i]) and writes row i of out (len n×11).
func coefficientsInto(ctx context.Context, c config.NeuronConfig, mu, variance, q, out []float64, p Progress) error {
	if err := checkCoefficientInputs(mu, variance, q); err != nil {
		return err
	}
	tr, k, err := c.Build()
	if err != nil {
		return err
	}
	e, err := fisher.NewEngine(tr) // immutable and safe for concurrent use
	if err != nil {
		return err
	}
	return forBlocks(ctx, len(mu), coefficientBlock, workers(len(mu), coefficientBlock), func(_, lo, hi int) error {
		for i := lo; i < hi; i++ {
			co, err := e.Coefficients(mu[i], variance[i], q[i], k.Eps0)
			if err != nil {
				return fmt.Errorf("at index %d (mean=%v, var=%v, q=%v): %w", i, mu[i], variance[i], q[i], err)
			}
			putCoefficients(out[i*len(CoefficientColumns):], co)
		}
		p.Add(int64(hi - lo))
		return nil
	})
}

func checkCoefficientInputs(mu, variance, q []float64) error {
	if err := checkFinite("mean", mu); err != nil {
		return err
	}
	if err := checkAtLeast("var", variance, 0, true); err != nil {
		return err
	}
	return checkAtLeast("q", q, 0, true)
}

func putCoefficients(row []float64, c fisher.Coefficients) {
	copy(row, []float64{c.GammaS, c.G1, c.G2, c.G3, c.G4, c.C1, c.C2, c.C3, c.I1, c.I2, c.I3})
}

// fisherInto writes the analytic Fisher matrix G (Eqn 81) or, with inverse,
// its closed-form inverse (Eqns 101–105) for weights w and rates into out
// (len n×n, row-major, both triangles).
func fisherInto(c config.NeuronConfig, w, rates, out []float64, inverse bool) error {
	if err := checkFinite("weights", w); err != nil {
		return err
	}
	if err := checkAtLeast("rates", rates, 0, inverse); err != nil { // Σ_usp⁻¹ needs r > 0
		return err
	}
	tr, k, err := c.Build()
	if err != nil {
		return err
	}
	co, err := inputCoefficients(tr, k, w, rates)
	if err != nil {
		return err
	}
	g := mat.NewSymDense(len(w), nil)
	if inverse {
		fisher.InverseMatrix(g, co, k, w, rates)
	} else {
		fisher.Matrix(g, co, k, w, rates)
	}
	copySym(out, g)
	return nil
}

// inputCoefficients returns the coefficients at the voltage statistics that
// weights w and Poisson rates induce (Eqns 29–31, 36).
func inputCoefficients(tr neuron.Transfer, k neuron.Kernel, w, rates []float64) (fisher.Coefficients, error) {
	e, err := fisher.NewEngine(tr)
	if err != nil {
		return fisher.Coefficients{}, err
	}
	mu, variance, q := fisher.InputStatistics(k, w, rates)
	if !(variance > 0) {
		return fisher.Coefficients{}, fmt.Errorf("weights and rates give a membrane-potential variance of %v; at least one afferent needs a non-zero weight and rate", variance)
	}
	return e.Coefficients(mu, variance, q, k.Eps0)
}

// copySym writes the full symmetric matrix s into the row-major dst.
func copySym(dst []float64, s *mat.SymDense) {
	n := s.SymmetricDim()
	for i := range n {
		for j := i; j < n; j++ {
			v := s.At(i, j)
			dst[i*n+j], dst[j*n+i] = v, v
		}
	}
}
