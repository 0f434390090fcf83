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
// (see "Random streams"), so a trial's result does not depend on which
// goroutine, batch or engine runs it.
//
// # Random streams
//
// This section is the one description of the streams a trial draws; the
// packages that draw them (counter, input, lanes, seed) refer to it. Every
// number depends only on (Seed, Trial, purpose), for a layer's per-neuron
// streams also on the neuron j (counter.NewNeuronKey; neuron 0's is the
// single neuron's), and on its position in the stream, never on the lane,
// batch, batch size, worker, kernel or CPU that draws it, nor on what was
// drawn before. Bin b counts from the start of the first part of a
// continued trial.
//
//   - Inputs (Poisson afferents, one source per trial shared by a layer's
//     neurons): counter.Poisson with the key counter.NewKey(Seed, Trial,
//     seed.Inputs). Bin b uses the positions [2n·b, 2n·(b+1)): per
//     equal-rate group of m afferents a count K ~ Binomial(m, r dt) by
//     inversion of its tabulated CDF, then K distinct members — exactly the
//     model of independent Bernoulli(r dt) spikes per afferent and bin
//     (proof and counter layout in counter.Poisson). A rate schedule's
//     segment draws its bins with its own rates; nothing is redrawn at a
//     segment start.
//   - Teacher: the uniform u_b at position b of
//     counter.NewNeuronKey(Seed, Trial, seed.Teacher, j); the teacher
//     spikes iff u_b < φ(w*·x_b) dt (realizable; φ is not evaluated when
//     u_b ≥ φ_max dt, which changes no spike) or u_b < r* dt (Poisson).
//   - Student's recorded spikes (RecordSpikes): the uniform at position b of
//     counter.NewNeuronKey(Seed, Trial, seed.StudentSpikes, j) below
//     φ(V_b) dt; nothing else reads this stream.
//   - Test set: 50 input trains drawn sequentially by input.Poisson from
//     seed.Stream(Seed, Trial, seed.TestSet) (a PCG generator; geometric
//     gaps), once per trial (per schedule segment).
//   - Input pool (InputPool): the pool from seed.Stream(Seed, Stream,
//     seed.InputPool), each interval's resampling from seed.Stream(Seed,
//     Trial, seed.Inputs) (package input, Pool).
//
// Replayed inputs and teachers draw nothing. A continued trial's state
// therefore holds only b for its streams (state.go). Package lanes draws
// the same numbers, so lanes.Run and learn.Run give the same trial to
// rounding (lanes.TestAgreesWithScalarEngine).
//
// Tests: counter's poisson_test.go and counter_test.go check the generator
// against the closed-form Bernoulli model (counts per afferent within 5 SE,
// χ² of each group's per-bin totals, cross-afferent, lag, cross-trial,
// cross-root and cross-neuron correlations below 5/√N);
// TestInputsAreTheCounterStream and TestSpikeTrainsAreTheCounterStreams
// show that learn.Run's inputs (single neuron, layer, rate schedule) and
// teacher and student spikes (also in a continued trial) are those
// streams; TestLearningMatchesPCGStreams compares learning curves with
// the PCG streams used before (see below; 32 trials each at reduced Fig
// 3F size, D_KL and weight distance at every record within 4 SE of the
// paired difference, measured |z| ≤ 0.52 at the last record).
//
// Up to natspike 0.1.0 the inputs were drawn by input.Poisson (per-trial
// PCG streams, geometric gaps, a timing wheel) and the teacher from
// sequential PCG streams: the same seed now gives statistically
// equivalent, not identical, numbers. Cost of one bin of the Fig 3F input
// (CPU time, go test -run XXX -bench InputSource ./core/counter/, both
// in one run on the loaded development machine, runs of ≥ 0.1 s, medians
// of 3): 52 / 179 / 1203 ns at n = 100 / 1000 / 10000 against 105 / 909 /
// 10656 ns before — O(groups + spikes), about 8 ns per spike at n = 10000,
// where the PCG source spent about 70 ns per spike on a logarithm and a timing-wheel
// insertion that misses the L2 cache, plus an O(n/64) bucket scan per bin.
//
// # Configurations sharing a trial
//
// RunShared (shared.go) runs K configurations of one trial that draw the
// same streams — the same Seed, Trial, rates, inputs, teacher, initial and
// target weights, duration and kernel — and differ only in SharedFields
// (the rule and its options, the evaluation form, the parametrization,
// what is recorded): the inputs are drawn once per bin, the test sets once
// and the teacher's uniform once per bin, and one learner per
// configuration advances on them, so configuration j's result is bit for
// bit Run's (TestSharedConfigurationsEqualRunsAlone). At K = 8 learning
// rates of the natural rule, default evaluation (BenchmarkShared), a
// configuration-bin costs ≈ 70 instead of ≈ 116 CPU-ns alone at n = 100
// and ≈ 257 instead of ≈ 419 at n = 1000 (8 Euclidean: ≈ 42 and ≈ 141;
// 4 natural with 4 Euclidean: ≈ 59 and ≈ 190); Fig 9's 22 configurations
// (BenchmarkSharedFig9: 11 learning rates × natural, Euclidean, n = 100)
// cost ≈ 57 CPU-ns per configuration-bin (go test -run XXX -bench
// 'Shared$|SharedFig9' -count 6 ./core/learn/, medians of 6 runs on the
// loaded 2-core development machine, 2 Dec 2026). When no
// configuration writes an output bin by bin, their bins run in a lean loop
// that evaluates the configurations' exponentials of φ together
// (TestLeanSharedConfigurationsEqualRunsAlone).
//
// # Independent trials in lockstep
//
// RunBatch (batch.go) runs independent trials — each with its own streams,
// initial and target weights — as Run runs each one, bit for bit
// (TestBatchOfTrialsEqualsRunsAlone); run_trials gives each worker batches
// of up to 4 consecutive trials (fewer when there are too few trials to
// keep every worker busy). When every trial of a batch runs in the lean
// loop with the same bins and record stride, the trials advance in
// lockstep: per bin each trial's inputs, potentials and exponent, then the
// exponentials of all trials' φ together (vmath.ExpSlice), then each
// trial's update; otherwise they run one after another. A failing trial
// is named by its index (TrialError). Measured on the loaded 2-core
// development machine (2 Dec 2026, natural rule, default evaluation, 4
// trials on one worker): from Python, run_trials at n = 100 (Fig 3F's
// rates, realizable teacher) costs ≈ 147 instead of ≈ 195 CPU-ns per
// trial-bin (marginal cost, medians of 6 interleaved runs), and at n = 10
// with a Poisson teacher (Fig 7's setting) ≈ 135 either way; go test -run
// XXX -bench Batch ./core/learn/, which alternates 256-bin chunks of the
// batch and of the trials alone, shows ≈ 178 against ≈ 191 at n = 100 and
// ≈ 124 against ≈ 122 at n = 10 (means of 24 runs).
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
