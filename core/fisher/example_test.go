package fisher_test

import (
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/natspike/natspike/core/fisher"
	"github.com/natspike/natspike/core/neuron"
)

// The coefficients at the Fig 3F-like row of the spec's reference table.
func ExampleEngine_Coefficients() {
	e, err := fisher.NewEngine(neuron.DefaultSigmoid())
	if err != nil {
		log.Fatal(err)
	}
	c, err := e.Coefficients(0, 3.85, 3000/38.46, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("c1 = %.6f  c2 = %.6f  c3 = %.6f\n", c.C1, c.C2, c.C3)
	fmt.Printf("γ_s = %.5f  g1 = %.6f  g2 = g3 = %.6f  g4 = %.6f\n", c.GammaS, c.G1, c.G2, c.G4)
	// Output:
	// c1 = 0.424058  c2 = 0.100575  c3 = 0.017078
	// γ_s = 2.35817  g1 = -0.012621  g2 = g3 = -0.003190  g4 = 0.016218
}

// The analytic Fisher matrix of Eqn 81, its inverse by Eqn 101, and an
// angle in the Fisher metric: unit changes of two different synapses are
// orthogonal in the Euclidean metric (π/2) but not in the Fisher metric,
// because both move the mean potential (the c1 ε0² r rᵀ term).
func ExampleInverseMatrix() {
	k := neuron.DefaultKernel()
	ws := []float64{0.004, -0.002, 0.006, 0.001}
	rates := []float64{10, 10, 50, 50}
	mu, variance, q := fisher.InputStatistics(k, ws, rates)

	e, err := fisher.NewEngine(neuron.DefaultSigmoid())
	if err != nil {
		log.Fatal(err)
	}
	c, err := e.Coefficients(mu, variance, q, k.Eps0)
	if err != nil {
		log.Fatal(err)
	}
	var g, gInv mat.SymDense
	fisher.Matrix(&g, c, k, ws, rates)
	fisher.InverseMatrix(&gInv, c, k, ws, rates)

	var id mat.Dense
	id.Mul(&gInv, &g)
	fmt.Println("G⁻¹G = I:", mat.EqualApprox(&id, mat.NewDiagDense(4, []float64{1, 1, 1, 1}), 1e-9))
	fmt.Printf("Fisher angle between e1 and e3: %.4f rad\n", fisher.Angle(&g, []float64{1, 0, 0, 0}, []float64{0, 0, 1, 0}))
	// Output:
	// G⁻¹G = I: true
	// Fisher angle between e1 and e3: 1.2022 rad
}
