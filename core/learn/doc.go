// Package learn runs one learning trial of Kreutzer, Petrovici & Senn
// (eLife 2022): Poisson (or replayed) afferents drive a student neuron whose
// synapses follow a rule of package rule, supervised by a teacher spike
// train, while the objective of Eqns 9 and 51 is monitored.
//
// Per bin k = 0 … K−1 the loop (1) advances the USP traces with the bin's
// input spikes, (2) draws the teacher spike (realizable teacher: Bernoulli
// with p = φ(w*·x_k) dt; Poisson teacher: p = r* dt; or replayed), and
// (3) applies the rule's update with the student potential V_k = f(w)·x_k.
// Traces start at zero. Records are taken before the first update and after
// every RecordEvery updates.
//
// The objective is evaluated on a fixed test set drawn once per trial: 50
// USP vectors, each the value at the last of 500 bins of an independent
// input train starting from zero (the authors' protocol; user guide, "Objective and test set"). D_KL is
// the Bernoulli per-bin divergence (including the factor dt), the rate
// error is the RMS difference of φ in Hz, and the weight distance is
// ‖f(w) − w*‖₂ in somatic units.
//
// Three evaluations of the same loop exist. For somatic or dendritic
// weights and τ_m ≠ τ_s the default is the rule's pipelined form
// (rule.Learner.Advance): one pass over the afferents per bin that applies
// the previous bin's update, advances the traces and sums the potentials,
// bit-identical to the four-pass form used otherwise. Config.EventDriven
// selects rule.Events, O(1) work per bin plus O(1) per input spike, equal to
// the dense evaluation up to rounding (tests: 1e-9 relative); combined with
// rule.Config.CoefficientTol it makes long trials several times faster.
//
// Config.InputPool (opt-in, off by default) replaces the continuous Poisson
// input by the authors' protocol (user guide, "Input protocols"): Size trains of one Interval
// (default 1 s) per distinct rate, drawn once from the run's Seed with
// purpose seed.InputPool (so all trials of a run share the pool, whatever
// the number of workers). At the start of every interval the USP traces are
// reset to zero (after applying the update staged with the old traces) and
// each afferent draws one train of its group with replacement from the
// trial's input stream; bin 0 of every train carries no spike, as in the
// authors' loop that starts at bin 1. Each interval thus begins with a
// 20–30 ms ramp-up of the USPs from zero. It cannot be combined with
// EventDriven or InputSpikes (a validation error names both).
//
// Random numbers come from streams derived from (Seed, Trial) and a purpose
// (package seed), so a trial's result does not depend on which goroutine
// runs it.
//
// # Outputs
//
// What a trial records is the one list returned by Outputs (outputs.go):
// each Output has a name, unit, meaning, axes (Dim), the teacher kinds for
// which it exists, and where Run writes it. Run allocates and fills Result
// from that list; the C ABI binds the caller's buffers to it by name;
// natspike (Python) builds Result's attributes, the results store's arrays
// and the xarray variables from it. To record a further per-bin quantity,
// add one entry with an Observe function (e.g. sampling rule.Step.GammaS
// every TraceEvery bins, like "voltage"), or call RegisterOutput from a Go
// program; nothing else changes. bindings/debug_output.go registers a
// test-only output this way, and Python's tests follow it to Result,
// to_xarray and the store. The parameters of a run are described in the
// same way, once, by package internal/config (Params).
//
// # Recorded spikes and continued trials
//
// Config.RecordSpikes adds the outputs spike_bits and teacher_spike_bits:
// one bit per bin (SpikeWords), the student's spikes drawn with p = φ(V) dt
// from their own stream (seed.StudentSpikes, so nothing else changes) and
// the teacher's spikes the rule used. Config.KeepState adds the output
// state (state.go): everything the next bin depends on; a Run whose
// Config.State is that vector continues the trial bit for bit.
package learn
