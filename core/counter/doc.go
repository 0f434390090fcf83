// Package counter provides counter-based random streams: every number is a
// pure function of (root seed, trial, purpose, position), so a trial's
// numbers never depend on the order in which they are drawn, on the lane,
// batch, worker or kernel that draws them, or on how many other numbers
// were drawn before.
//
// A stream is a Key made from (root, trial, purpose) with NewKey; its value
// at position c is Key.Uint64(c) = Mix(Mix(c·γ + a) ⊕ b), where Mix is the
// SplitMix64 finaliser, γ = 2^64/φ its Weyl increment and (a, b) the key's
// halves. Float64 maps the low 53 bits to [0, 1) (math/rand/v2's
// convention, so that rand.New(key.Stream(c)) draws the same numbers);
// Below maps a value to [0, m) by multiply-shift. The caller lays out
// positions: a purpose's draws must use distinct counters (learn's package
// doc, "Random streams", lists every stream a trial draws and its layout).
//
// Statistics (counter_test.go, fixed seeds, tolerances stated there): over
// 10^6 draws of one stream a χ² test on 1000 equal cells and the
// Kolmogorov–Smirnov statistic are within their 10^−4 quantiles; the
// correlations at lags 1 … 16, between adjacent trials, adjacent purposes
// and adjacent root seeds at the same position are all below 5/√N in
// magnitude.
//
// Poisson draws discrete-time Poisson afferents from such a stream, per bin
// and equal-rate group: K ~ Binomial(m, r·dt) by table inversion, then K
// distinct members uniformly. This has exactly the distribution of
// independent Bernoulli(r·dt) spikes per afferent and bin (proof in the
// Poisson doc comment). poisson_test.go checks it against the closed-form
// Bernoulli model over 4·10^5 bins of 56 afferents (10, 50, 120, 400 Hz
// and silent): per-afferent counts within 5 SE, a χ² of the per-bin group
// totals against Binomial(m, r·dt) below its 1−10^−6 quantile, all 1500
// cross-afferent correlations and the lag 1 … 8 autocorrelations below
// 5/√bins, and the CDF table within 1e−15 of 256-bit sums. The trains of
// adjacent trials (adjacent lanes) and adjacent root seeds are
// uncorrelated afferent by afferent and in their per-bin totals (|ρ| <
// 5/√bins over 2·10^5 bins).
//
// Cost: one bin of the Fig 3F input (50 afferents at 10 Hz, 50 at 50 Hz)
// takes about 44 CPU-ns on the loaded 2-core development machine
// (go test -run XXX -bench Spikes ./core/counter/): two uniforms, each
// settling its group when it is below P(K = 0) (78 % and 28 % of the bins
// here), two comparisons for one or two spikes, a scan of the table for
// more, and one draw per spike.
// BenchmarkInputSource compares Source with the sequential input.Poisson
// in one run (numbers in learn's package doc, "Random streams").
//
// Source adapts Poisson to input.Source (with SetRates for rate schedules
// and Seek for continued trials) and Key.Stream to rand.Source, so that
// the scalar engine draws exactly the inputs of package lanes.
package counter
