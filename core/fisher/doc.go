// Package fisher computes the Fisher information metric of a Poisson
// (point-process) neuron driven by independent Poisson inputs, and its
// inverse, following Kreutzer, Petrovici & Senn, "Natural-gradient learning
// for spiking neurons" (eLife 2022;11:e66526), Eqns 60–109.
//
// Under the paper's Gaussian approximation the somatic potential is
// V ~ N(μ_V, σ_V²) with μ_V = ε0 Σ w_i r_i and σ_V² = Σ w_i² r_i / c_ε
// (InputStatistics), and the Fisher matrix G = E[φ'(V)²/φ(V) x xᵀ] is fixed
// by three coefficients c1, c2, c3 (Eqns 77–82) computed from the generalized
// voltage moments I_k = E[f(V) V^k], f = φ'²/φ (Engine.Moments). Its inverse
// has the closed form of Eqns 100–107 with the four scalars g1 … g4
// (InverseCoefficients, InverseCoefficientsPaper), from which the learning
// rule's γ_s, γ_u and γ_w follow (Eqns 107–109).
//
// An Engine evaluates the moments to about 1e-13 relative accuracy with
// composite Gauss–Legendre quadrature placed around the maximum of the
// integrand (for the logistic φ of Eqn 24), with exact Gaussian partial
// moments for the rectified quadratic φ of Eqn 116, and with a generic panel
// scheme otherwise. It precomputes everything at construction, allocates
// nothing per call and is safe for concurrent use. A Cache trades exactness
// for speed under an explicit bound: tensor Chebyshev patches around the
// operating point, each verified against quadrature, and over them a
// degree-2 Taylor layer with an exact remainder bound (see Cache), so an
// evaluation during learning is a few multiply-adds.
//
// Matrix (Eqn 81) and InverseMatrix (Eqn 101) build the n×n matrices;
// MonteCarloMatrix estimates E[f(V) x xᵀ] from samples, without the Gaussian
// approximation (spec check C3); Norm and Angle measure vectors in the Fisher
// metric (Fig 12A–B).
package fisher
