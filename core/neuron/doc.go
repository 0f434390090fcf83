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
package neuron
