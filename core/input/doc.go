// Package input generates and replays the afferent spike trains of the
// paper's model (Kreutzer, Petrovici & Senn 2022, Eqns 26–30) and
// filters them into unweighted synaptic potentials (USPs) x^ε with the
// two-trace recursion that samples the kernel of Eqn 28 exactly on the bin
// grid.
//
// A Source yields, bin by bin, the indices of the afferents that spike.
// learn.Run's Poisson inputs come from counter.Source, a counter-based
// stream (learn's package doc, "Random streams", describes every stream a
// trial draws). Poisson here draws the same model sequentially from a
// math/rand generator, independent Bernoulli(r·dt) spikes per afferent and
// bin by geometric inter-spike gaps (one random number per spike, not per
// bin), kept in a timing wheel of per-bin bitsets so that a bin's spikes
// come out in ascending order; it draws the test sets (SampleUSPs) and
// stationary USP samples;
// Replay plays back a user-supplied spike matrix so that any external random
// stream can be reproduced; Pool and PoolSource implement the authors' input
// protocol of the Fig 3 family (user guide, "Input protocols"): a pool of pre-drawn trains of
// one interval per rate group, shared by all trials and resampled with
// replacement every interval, with no spike in the first bin of a train.
package input
