// Package lanes runs many learning trials of one configuration in
// lockstep: Width = 8 trials share every pass over the afferents, each in
// its own lane of a structure-of-arrays layout (afferent i, lane l at
// index i·Width + l), so that one SIMD register holds the same quantity of
// 8 trials. It computes what learn.Run computes for a trial — the USP
// traces (Eqns 26–28), V = w·x^ε, the realizable teacher's spike with
// probability φ(w*·x^ε) dt (Eqns 24, 32), and the somatic update of the
// Euclidean (Eqn 10), natural (Eqns 17, 107–109 with the coefficients of
// Eqns 77–82, 102–105) or approximate natural rule (Eqn 114) — with the
// Fisher coefficients evaluated per lane by package fisher (exact or
// through one fisher.Cache per trial) and learn.Objective for D_KL.
//
// # Random streams
//
// A trial's numbers depend only on (Config.Seed, trial): its input spikes
// come from counter.Poisson with the key (Seed, trial, seed.Inputs) at
// position "bin" (per equal-rate group a Binomial count, then distinct
// afferents — exactly the Bernoulli-per-bin model), its teacher spike of
// bin k is the uniform at position k of (Seed, trial, seed.Teacher) and
// its test set is drawn from seed.Stream(Seed, trial, seed.TestSet) as in
// learn.Run. So a trial's result does not depend on its lane, its batch,
// the other trials or the kernel (TestIndependentOfBatch,
// TestForcedGenericKernel). These input and teacher streams differ from
// learn.Run's (per-trial PCG streams, geometric gaps): the same seed gives
// statistically equivalent, not identical, trials (TestLearningMatchesScalarEngine:
// 32 trials per engine, mean D_KL and weight distance at every record
// within 4 SE of the paired difference; measured |z| ≤ 0.93).
//
// # Agreement with the scalar engine
//
// Replaying the streams a lane drew into learn.Run (InputSpikes and a
// ReplayTeacher), the weight records, final weights and V, φ traces are
// bit-identical for every rule, exact or cached coefficients, refresh
// every bin, every k bins or frozen, the authors' learning-rate convention
// and silent afferents (TestAgreesWithScalarEngine requires ≤ 1e−12 of the
// weight change and measures 0): every lane performs the floating-point
// operations of rule.Learner's pipelined loop in the same order. The
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
// scalar SSE code after it pays no AVX transition penalty.
//
// # Scope
//
// Supports lists what the engine serves: somatic weights, the realizable
// teacher, Poisson inputs it draws itself, τ_m ≠ τ_s. Everything else
// (dendritic or general parametrizations, Poisson or replayed teachers,
// replayed inputs, the input pool, the alpha kernel) is left to learn.Run.
//
// # Measured
//
// One run on the 2-core development machine under heavy load from other
// processes (absolute numbers are about twice an idle machine's; compare
// within a run), n = 100, Fig 3F setting, 20-s trials including setup,
// CPU time of the running thread per trial and bin:
//
//	GOEXPERIMENT=simd go test -run XXX -bench 'TrialBin|Kernel' -benchtime 2x ./core/lanes/
//	NATSPIKE_KERNEL=generic go test -run XXX -bench 'TrialBin/.*/^lanes$' -benchtime 2x ./core/lanes/
//
//	                       lanes AVX2   lanes generic   learn.Run dense   learn.Run events+cache
//	euclidean                 489            643              611                 331
//	natural (cache 1e−9)      777            864             3750 (exact)         502
//	approximate (cache 1e−9)  505            714             3058 (exact)         380
//	natural, exact coeffs    3356              —             3750                   —
//
// The kernel alone (BenchmarkKernel): 1.65 CPU-ns per synapse-step with
// AVX2, 4.8 generic. Per lane and bin the input draw costs 86 CPU-ns
// (BenchmarkPoissonBin) and the scalars 68 / 265 / 159 CPU-ns for the
// Euclidean / natural / approximate rule with the coefficient cache
// (BenchmarkScalars), dominated by the cache's Chebyshev sums. So at
// n = 100 the lanes engine is 4.8× (natural) and 6× (approximate) faster
// than learn.Run's default dense exact evaluation, but not yet faster than
// its event-driven form: the dense O(n) sweep and the per-lane
// coefficients remain. What is left is listed in the report of issue 12.
package lanes
