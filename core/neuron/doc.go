// Package neuron holds the single-neuron model of Kreutzer, Petrovici & Senn,
// "Natural-gradient learning for spiking neurons" (eLife 2022;11:e66526):
// firing-rate transfer functions φ(V) (Eqn 24, Eqn 116), the postsynaptic
// potential kernel ε(t) that turns afferent spikes into unweighted synaptic
// potentials (Eqns 26–31), and the synaptic parametrizations w^s = f(w)
// (somatic, dendritic with attenuation α, Eqns 1, 4, 14, 16).
//
// Units follow the paper's code: time in seconds, rates in Hz, potentials in
// mV above rest, and the kernel prefactor ε0 = 1 (≙ mV·s), so that a single
// USP peaks near 60 mV and has unit area.
//
// Each transfer-function family lives in its own file (sigmoid.go,
// quadratic.go) and registers itself with RegisterTransfer, declaring the
// parameters it reads; the configuration, the C ABI and Python find it by
// name from there. A new family is its file plus one row in transferRows
// (transfer_conformance_test.go), whose checker tests any Transfer: φ ≥ 0 and
// non-decreasing, φ' against finite differences, the score factor φ'/φ, the
// Fisher density φ'²/φ, log φ and the FisherSupport window.
package neuron
