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
// Running the same trial in learn.Run (its default pipelined dense loop),
// the weight records, final weights and V, φ traces agree to rounding for
// every rule, exact or cached coefficients, refresh every bin, every k
// bins or frozen, the authors' learning-rate convention, silent
// afferents, the Poisson and the replayed teacher and replayed inputs
// (TestAgreesWithScalarEngine requires ≤ 1e−12 of the weight change and
// measures ≈ 5e−16): every lane draws the same numbers and performs the
// floating-point operations of rule.Learner's pipelined loop, but that
// loop sums over the afferents in 4 interleaved partial sums (its SIMD
// kernel's order) and a lane sums them in afferent order. The teacher
// skips φ(V*) when its uniform is above φ_max dt, which changes no spike
// (TestTeacherShortcutIsExact).
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
// The 2-core development machine was under heavy load from other processes
// (load average 9–17): absolute numbers are 2–3 times an idle machine's
// and vary by up to ±30 % between runs; compare within a run. Fig 3F
// setting, 20-s trials including setup, CPU time of the running thread per
// trial and bin (for RunShared: per configuration and bin), one run per
// build:
//
//	GOEXPERIMENT=simd go test -run XXX -bench TrialBin -benchtime 2x ./core/lanes/   (AVX2 kernel)
//	go test -run XXX -bench TrialBin -benchtime 2x ./core/lanes/                     (generic kernel)
//
//	                             AVX2 build:                  generic build:
//	                             lanes  learn.Run learn.Run   lanes  learn.Run learn.Run
//	                                    dense     events+cache       dense     events+cache
//	n = 100
//	euclidean                     352     503       357         890     684       295
//	natural (cache 1e−9)          807    3735       522         791    3461       517
//	approximate (cache 1e−9)      584    3825       461         719    3105       407
//	natural, exact coefficients  2795    3735         —        3148    3461         —
//	natural, 8 η shared           638       —         —         836       —         —
//	n = 1000
//	euclidean                    2372    4553      1423        5474    4652      1346
//	natural (cache 1e−9)         2059    9615      1769        5091    7649      1418
//	approximate (cache 1e−9)     2787   10033      1656        5408    9563      1308
//
// learn.Run dense uses exact coefficients (its default). At n = 100 the
// lanes engine is 4.6× (natural) and 6.5× (approximate) faster than
// learn.Run's default with AVX2, 4.4× and 4.3× with the generic kernel,
// but 0.65× and 0.79× (AVX2), 0.65× and 0.57× (generic) of learn.Run's
// event-driven form with the same cache, i.e. slower. Components
// (GOEXPERIMENT=simd go test -run XXX -bench 'Kernel|PoissonBin|Scalars'
// -benchtime 200000x ./core/lanes/, an earlier run): the kernel takes 2.2
// CPU-ns per synapse-step with AVX2 and 5.1 generic (learn.Run's dense
// loop ≈ 3.4 at n = 1000); per lane and bin the input draw takes 84 CPU-ns
// and the scalars 73 / 311 / 229 (Euclidean / natural / approximate with
// the cache), dominated by the cache's Chebyshev sums.
//
// What stands between this and the targets: the per-lane
// coefficient evaluation (a Taylor layer over the cache's patches with a
// rigorous remainder bound, in package fisher), the O(n) dense sweep (an
// event-driven lanes form, as rule.Events for one trial), the per-lane
// input draw and teacher uniform (vectorizing Mix across lanes needs
// 64-bit multiplies, AVX-512DQ) and one exponential for φ and φ'/φ.
package lanes
