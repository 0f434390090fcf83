package capi

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
	"github.com/natspike/natspike/internal/config"
)

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
