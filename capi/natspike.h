/*
 * natspike.h — C ABI of natspike (package capi), exported from the same
 * shared library as the Python extension module natspike._go._bindings.
 *
 * Every function returns a status code and, except ns_version, writes a
 * NUL-terminated message into the caller's buffer err[0..errlen) ("" on
 * success). Arrays are caller-owned, C-contiguous, float64 (double) buffers
 * with explicit lengths; outputs are caller-allocated; the library keeps no
 * pointer to them after returning. Neuron parameters are a JSON object, e.g.
 *   {"transfer":"sigmoid","phi_max":100,"beta":0.3,"theta":10,
 *    "tau_m":0.01,"tau_s":0.003,"dt":0.0005,"eps0":1}
 * ("rectified_quadratic" uses "scale" and "theta"); omitted keys take the
 * paper's defaults and "{}" is the paper's neuron. Units: s, Hz, mV.
 * Long calls take `int32_t *cancel` (set *cancel != 0 from another thread to
 * stop the call with NS_CANCELLED within ~10 ms) and `int64_t *progress`
 * (incremented atomically as work completes); both may be NULL.
 *
 * Kept in step with the //export functions by capi's TestHeaderMatchesExports.
 */
#ifndef NATSPIKE_H
#define NATSPIKE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	NS_OK = 0,        /* success */
	NS_INVALID = 1,   /* invalid argument (Python: ValueError) */
	NS_INTERNAL = 2,  /* internal fault or recovered panic (RuntimeError) */
	NS_CANCELLED = 3, /* *cancel was set (KeyboardInterrupt) */
	NS_NOMEMORY = 4,  /* allocation impossible (MemoryError) */
	NS_DIVERGED = 5   /* learning produced a non-finite or diverging value (natspike.DivergenceError) */
};

/* Number of columns of ns_coefficients' output, in this order:
 * gamma_s, g1, g2, g3, g4, c1, c2, c3, I1, I2, I3. */
#define NS_COEFFICIENT_COLUMNS 11

/* Writes the version string into out[0..n); NS_INVALID if it was truncated. */
extern int ns_version(char *out, int n);

/* Coefficients at n voltage distributions N(mu[i], variance[i]) with total
 * rate constant q[i] = c_eps eps0^2 sum_j r_j (Eqn 36): row i of out (n x 11,
 * row-major) holds gamma_s, g1..g4 (Eqns 101-105), c1..c3 (Eqn 82) and the
 * moments I1..I3 (Eqns 77-79). Requires finite mu, variance > 0, q > 0.
 * tol = 0: every point by quadrature; tol in [1e-14, 1): runs of
 * consecutive nearby points are interpolated by the verified coefficient
 * cache with that error bound, the rest by quadrature. */
extern int ns_coefficients(const char *neuronJSON, const double *mu, const double *variance,
	const double *q, long long n, double tol, double *out, int32_t *cancel, int64_t *progress,
	char *err, int errlen);

/* Analytic Fisher matrix G (Eqn 81) of a neuron with n afferents of weights
 * w and Poisson rates (Hz, >= 0), written to out (n x n, row-major). */
extern int ns_fisher_matrix(const char *neuronJSON, const double *w, const double *rates,
	long long n, double *out, char *err, int errlen);

/* Closed-form inverse of G (Eqns 100-105); rates must be > 0. */
extern int ns_inverse_fisher_matrix(const char *neuronJSON, const double *w, const double *rates,
	long long n, double *out, char *err, int errlen);

/* Monte-Carlo Fisher matrix: the mean of phi'(V)^2/phi(V) x x^T (Eqn 67)
 * over `samples` stationary USP vectors x of Poisson inputs at the given
 * rates, drawn from 8 independent chains seeded by (seed, chain), sampled
 * every 100 bins after 1000 bins of burn-in; out is n x n, row-major. The
 * seed is a uint64 passed bit for bit as a long long. */
extern int ns_monte_carlo_fisher(const char *neuronJSON, const double *w, const double *rates,
	long long n, long long samples, long long seed, double *out, int32_t *cancel,
	int64_t *progress, char *err, int errlen);
/* USP samples: row s of out (samples x n) is x^eps at the last of `bins`
 * bins of an independent Poisson train at the given rates that starts from
 * zero traces (the test-set protocol of spec section 2). Samples
 * [256 b, 256 (b+1)) come from stream (seed, b). */
extern int ns_sample_usps(const char *neuronJSON, const double *rates, long long n, long long samples,
	long long bins, long long seed, double *out, int32_t *cancel, int64_t *progress, char *err, int errlen);
/* The neuron's equations over arrays (capi/neuron.go). ns_transfer writes
 * quantity(v[i]) into out[i] for quantity "phi" (Hz), "dphi" (Hz/mV),
 * "score_factor" (phi'/phi, 1/mV), "fisher_density" (phi'^2/phi, Hz/mV^2) or
 * "log_phi" (-inf where phi = 0). ns_usp_traces filters a bins x n 0/1 spike
 * matrix through the USP traces (Eqn 28) from zero: row b of out is x^eps in
 * bin b, before that bin's spikes. ns_update_directions writes, for each of
 * `samples` USP vectors x (samples x n), the update direction of the rule
 * {"rule":"natural"|"euclidean"|"approximate","c_u":0.95,"c_w":0.05} at
 * somatic weights w: the update divided by its error factor (Eqns 10, 38,
 * 114); rates must be > 0. If factors is not NULL, row s of it (samples x 5)
 * holds V, sum_i x_i, gamma_s, gamma_u, gamma_w of sample s. */
extern int ns_transfer(const char *neuronJSON, const char *quantity, const double *v, long long n,
	double *out, char *err, int errlen);
extern int ns_usp_traces(const char *neuronJSON, const double *spikes, long long bins, long long n,
	double *out, char *err, int errlen);
extern int ns_update_directions(const char *neuronJSON, const char *ruleJSON, const double *w,
	const double *rates, long long n, const double *x, long long samples, double *out, double *factors,
	char *err, int errlen);
/* Gaussian approximation of the membrane potential for each of m rows of
 * somatic weights w and rates (m x n, Hz >= 0): row i of out (m x 3) holds
 * mu_V = eps0 sum w r (mV), sigma_V^2 = sum w^2 r / c_eps (mV^2) (text after
 * Eqn 79) and q = c_eps eps0^2 sum r (Eqn 36). */
extern int ns_voltage_statistics(const char *neuronJSON, const double *w, const double *rates, long long m,
	long long n, double *out, char *err, int errlen);
/* Training (package core/learn). Arrays are bound BY NAME: the caller
 * passes a table of nbuffers {name, data, len} entries, and the library
 * matches each name against the inputs and the outputs of the run.
 * Inputs: "rates" (n, Hz), "w0" (n; for ns_run_trials n_trials x n),
 * "teacher_weights" (like w0; realizable teacher), "attenuation" (n;
 * dendritic weights), and for ns_train only "teacher_spikes" (>= bins
 * entries, 0/1) and "input_spikes" (bins x n, 0/1); sparse replayed
 * inputs, also shared by every trial of ns_run_trials, are "input_events"
 * (spikes x 2: bin, afferent, sorted by bin then afferent, at most one
 * spike of an afferent in a bin); a rate schedule is
 * "schedule_starts" (k segment start bins, 0 first, increasing) with
 * "schedule_rates" (k x n, Hz; its first row equal to "rates"); and
 * "resume_state" (the "state" output of a run with keep_state, per trial
 * like w0: the trial continues from it). A layer of m
 * neurons ("neurons": m in the configuration) has m x n entries per trial
 * in w0 and teacher_weights and m equal spike trains in teacher_spikes (a
 * Poisson teacher's m rates are "teacher_rates" in the configuration),
 * and a neuron axis after the trial axis on every per-neuron output.
 * Outputs: the names,
 * shapes and units described by natspike's run description (Go:
 * config.Describe, Python: natspike._describe), e.g. "times" (records),
 * "weights" (records x n), "kl", "rate_error", "weight_distance",
 * "final_weights", "voltage", "rate", and for ns_run_trials "completed"
 * (n_trials) and a leading n_trials axis on every output except "times".
 * Each output buffer must have exactly the planned length; an output the
 * caller omits is computed into private memory; an unknown name, a name
 * given twice or a wrong length is NS_INVALID. The configuration is a JSON
 * object of the run's parameters in the API's units (s, Hz), e.g.
 *   {"rule":"natural","eta":0.001,"duration":10,"record_every":0.5,
 *    "teacher":"realizable","seed":1}
 * ns_train runs one trial; ns_run_trials runs many on `workers`
 * goroutines, trial k using the random stream of firstTrial + k.
 * ns_run_configurations runs the same trials for K configurations (a JSON
 * array of K such objects that may differ only in the rule, its options
 * and the evaluation: the run description's "shared_keys"), each trial's
 * inputs and teacher drawn once for all K; configuration j's numbers are
 * those of ns_run_trials with its object. The inputs are those of
 * ns_run_trials (shared by the configurations; no "resume_state"); every
 * output has a leading configuration axis of K ahead of ns_run_trials'
 * shape (also "times" and "completed"). */
typedef struct {
	const char *name;
	double *data;
	long long len;
} ns_buffer;

extern int ns_train(const char *configJSON, long long n, ns_buffer *buffers, int nbuffers,
	int32_t *cancel, int64_t *progress, char *err, int errlen);
extern int ns_run_trials(const char *configJSON, long long n, long long trials, long long firstTrial,
	int workers, ns_buffer *buffers, int nbuffers, int32_t *cancel, int64_t *progress,
	char *err, int errlen);
extern int ns_run_configurations(const char *configsJSON, long long n, long long trials, long long firstTrial,
	int workers, ns_buffer *buffers, int nbuffers, int32_t *cancel, int64_t *progress,
	char *err, int errlen);

/* Test hooks: ns_debug_panic panics inside an export (kind 0 plain, 1 index
 * out of range, 2 in a worker goroutine, 3 impossible allocation) and must
 * return NS_INTERNAL (NS_NOMEMORY for kind 3); ns_debug_sleep waits ms
 * milliseconds, adding 1 to *progress per millisecond, unless cancelled. */
extern int ns_debug_panic(int kind, char *err, int errlen);
extern int ns_debug_sleep(long long ms, int32_t *cancel, int64_t *progress, char *err, int errlen);
/* Fault injection (capi/fault.go): ns_debug_arm_fault makes the next call of
 * the export named target panic inside its recover (NS_INTERNAL), or with
 * target "worker" the next parallel worker block or trial goroutine; ""
 * disarms all. ns_debug_goroutines writes the number of goroutines, other
 * than the caller, that are running natspike code (0 between calls). */
extern int ns_debug_arm_fault(const char *target, char *err, int errlen);
extern int ns_debug_goroutines(long long *out, char *err, int errlen);

#ifdef __cplusplus
}
#endif

#endif /* NATSPIKE_H */
