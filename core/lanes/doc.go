// Package lanes runs many learning trials of one configuration in
// lockstep: Width = 8 trials share every pass over the afferents, each in
// its own lane of a structure-of-arrays layout (one block per afferent
// holds its weight, traces, USP and gain as [8]float64 arrays), so that one
// SIMD register holds the same quantity of 8 trials. It computes what learn.Run computes for a trial — the USP
// traces (Eqns 26–28), V = w·x^ε, the teacher's spike (realizable: with
// probability φ(w*·x^ε) dt, Eqns 24, 32; Poisson: r* dt; or replayed), and
// the somatic update of the
// Euclidean (Eqn 10), natural (Eqns 17, 107–109 with the coefficients of
// Eqns 77–82, 102–105) or approximate natural rule (Eqn 114) — with the
// Fisher coefficients evaluated per lane by package fisher (exact or
// through one fisher.Cache per trial) and learn.Objective for D_KL.
//
// It has two forms, as learn.Run has: the dense one above (O(n) per bin
// and lane) and, with cfg.EventDriven, the event-driven one, which runs
// rule.Events' arithmetic in every lane: per lane, lazy weights and traces
// relative to epoch anchors (O(1) per input spike, settled when the
// afferent spikes); for all lanes together, in [Width] arrays, the per-bin
// scalars — V, Σx, V*, the error factor, γ_u, γ_w, the factors A, H, U,
// the epoch's products and prefix sums and the running sums and voltage
// moments (events.go). Each lane ends its epochs on the bins rule.Events
// ends them (rule.EventTol, rule.MaxEventEpoch, rule.EventSumsRefresh).
//
// # Random streams
//
// A trial draws exactly learn.Run's streams (learn's package doc, "Random
// streams"): its input spikes from counter.Poisson with the key (Seed,
// trial, seed.Inputs) at position "bin", its teacher spike of bin k from
// the uniform at position k of (Seed, trial, seed.Teacher), its test set
// from seed.Stream(Seed, trial, seed.TestSet). So a trial's result does
// not depend on its lane, its batch, the other trials or the kernel
// (TestIndependentOfBatch, TestForcedGenericKernel), and it is learn.Run's
// result for the same configuration and seed, to rounding (below).
//
// # Agreement with the scalar engine
//
// Running the same trial in learn.Run in the same form, the weight
// records, final weights and V, φ traces agree to rounding for every rule,
// exact or cached coefficients, refresh every bin, every k bins or frozen,
// the authors' learning-rate convention, silent afferents, the Poisson and
// the replayed teacher and replayed inputs (TestAgreesWithScalarEngine
// requires ≤ 1e−12 of the weight change in both forms). Dense: ≈ 5e−16;
// every lane draws the same numbers and performs the floating-point
// operations of rule.Learner's pipelined loop, but that loop sums over the
// afferents in 4 interleaved partial sums (its SIMD kernel's order) and a
// lane sums them in afferent order. Event-driven: 0, bit-identical on
// amd64 below GOAMD64=v3 (where the compiler fuses no multiply-add; the
// test requires it there); every lane performs rule.Events' operations in
// its order, and φ
// and φ'/φ come from the same call (neuron.Sigmoid.PhiAndScore, one
// vmath.Exp). A vectorized polynomial exponential was tried and rejected:
// it differs from vmath.Exp in the last bit or two, and the lazy weights
// amplify a relative difference in H by up to rule.EventTol/ε ≈ 5000
// (the cancellation ζ_i + c b_i(p̂_i ΦF − ŝ_i ΦG) that bounds the epochs),
// which measured 2.7e−12 of the weight change, above the bound. The
// teacher skips φ(V*) when its uniform is above φ_max dt, which changes no
// spike (TestTeacherShortcutIsExact).
//
// # Kernels
//
// The generic pure-Go kernel is the default. Built with GOEXPERIMENT=simd
// on amd64 (Go ≥ 1.26, package simd/archsimd) the fastest kernel the CPU
// supports is chosen at run time: AVX-512 (one 8-lane register; not run on
// the development machine, which has no AVX-512) or AVX2 (two 4-lane
// registers). NATSPIKE_KERNEL=generic forces the generic kernel. The SIMD
// kernels multiply and add separately (no FMA) in the generic order and
// are bit-identical to it (TestKernelsAgree, run on every kernel the CPU
// has). Each SIMD kernel ends with archsimd.ClearAVXUpperBits so that
// scalar SSE code after it pays no AVX transition penalty; after a
// goroutine preemption (whose register restore leaves the upper halves
// dirty) at most the rest of one bin runs with the penalty. Other loops in
// a binary built with the experiment (learn.Run) need the same clearing.
//
// The event-driven form's three per-bin stages (potentials, factors,
// advance) have a generic and an AVX2 kernel (events_simd.go; also used on
// AVX-512 CPUs), chosen the same way; the AVX2 stages select branches by
// masks and are bit-identical to the generic ones (TestEvKernelsAgree).
//
// # Scope
//
// Supports lists what the engine serves: somatic weights; the realizable,
// Poisson or replayed teacher; Poisson inputs it draws itself or replayed
// inputs (shared by all lanes); τ_m ≠ τ_s. The rest (dendritic or general
// parametrizations, the input pool, the alpha kernel) is left to
// learn.Run.
//
// # Shared inputs
//
// RunShared runs up to Width rule configurations (rules, η factors,
// coefficient settings) of one trial in the lanes of a batch: the trial's
// input spikes are drawn once per bin for all of them. Each result is
// bit-identical to Run of that configuration (TestSharedEqualsSeparate).
//
// # Measured
//
// One run per build on 2 Dec 2026 on the 2-core development machine (AMD
// EPYC, AVX2 and FMA, no AVX-512), under load from other processes (load
// average 4–5): absolute numbers vary by up to ±30 % between runs; compare
// within a column. Fig 3F setting, 20-s trials including setup, CPU time
// of the running thread per trial and bin (for RunShared: per
// configuration and bin):
//
//	GOEXPERIMENT=simd go test -run XXX -bench '^BenchmarkTrialBin$|^BenchmarkSharedTrialBin$' -benchtime 3x ./core/lanes/   (AVX2 kernels)
//	go test -run XXX -bench '^BenchmarkTrialBin$|^BenchmarkSharedTrialBin$' -benchtime 3x ./core/lanes/                     (generic kernels)
//
//	                            AVX2 build:                          generic build:
//	                            lanes   lanes   learn.Run learn.Run  lanes   lanes   learn.Run learn.Run
//	                            dense   events  dense     events     dense   events  dense     events
//	n = 100
//	euclidean                    332     181     243       132         830     165     214       130
//	natural (cache 1e−9)         330     215    1754       132         654     212    1610       147
//	approximate (cache 1e−9)     389     213    1525       178         759     205    1622       196
//	natural, 8 η shared          339     159       —         —         787     179       —         —
//	n = 1000
//	euclidean                   1978     511    1299       363        6020     448    1264       430
//	natural (cache 1e−9)        2331     640    2849       356        6794     567    2899       476
//	approximate (cache 1e−9)    2398     546    2622       431        5463     585    3121       397
//
// learn.Run dense uses exact coefficients, learn.Run events the cache at
// 1e−9 (the product's default), in its lean loop for a single trial. The
// event-driven lanes form costs 1.0–1.8× learn.Run's event-driven default
// per trial-bin, and 1.2× when 8 η factors share one trial's inputs
// (RunShared, one input draw per bin for the 8 lanes, against one trial
// of learn.Run). So it is not wired into run_trials.
//
// What limits it on this machine (pprof of the natural rule at n = 100,
// AVX2 build, lanes events, -benchtime 50x, same day): the input draw
// 22 % (counter.Poisson.Spikes, one per lane and bin, ≈ 45 CPU-ns:
// BenchmarkPoissonBin), φ and φ'/φ 23 % (one vmath.Exp per lane), the
// coefficient cache 11 % (fisher.Cache.InverseInto, one cache per lane)
// and the spike settlement 10 %: ≈ 66 % of the time is per-lane scalar
// work that both engines do alike; runtime.asyncPreempt takes another
// 11 % of the samples (not investigated). The vectorized stages take
// ≈ 13 % (BenchmarkEvStages: ≈ 20–25 CPU-ns per lane and bin for both
// kernels: AVX2 gains nothing here, measured; the stages are short chains
// of dependent operations with two divisions per lane, likely latency-
// rather than throughput-bound, not investigated further). Beating the
// scalar engine by a clear margin needs the per-lane parts vectorized: a
// branch-free counter-based input draw (Mix needs 64-bit multiplies, which
// AVX2 lacks: vpmuludq emulation), the Taylor layer's evaluation across
// lanes (package fisher's internals), and an exponential shared by both
// engines (a vectorized one alone breaks the 1e−12 agreement, above).
package lanes
