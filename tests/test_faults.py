"""Injected faults: a panic inside any export, or inside a worker goroutine,
reaches Python as RuntimeError and the next call works; numerical blow-up
raises DivergenceError naming the time and the quantity.

The hook is ns_debug_arm_fault (capi/fault.go): it arms a one-shot panic in
the next call of an export (inside its recover), or with "worker" in the
next parallel block or trial goroutine of whichever export runs next.
"""

import tempfile

import natspike
import numpy as np
import pytest
from natspike import _native
from natspike._sweep import sweep
from numpy.testing import assert_array_equal

W = np.array([0.02, -0.01, 0.015, 0.005])
R = np.array([10.0, 50.0, 20.0, 5.0])
TRAIN = dict(teacher=W[::-1].copy(), duration=0.02, eta=1e-3, seed=1, test_samples=2, test_bins=20)
FN = _native.functions


def arm(target):
    _native.call(FN["ns_debug_arm_fault"], target.encode())


def goroutines():
    out = np.zeros(1, np.int64)
    _native.call(FN["ns_debug_goroutines"], out)
    return int(out[0])


# One public (or test-hook) call per export, with valid arguments. Exports
# reached only through another call are armed alone, so the fault fires in
# them.
CALLS = {
    "ns_version": _native.version,
    "ns_coefficients": lambda: natspike.coefficients([0.0, 1.0], 3.85, 78.0),
    "ns_fisher_matrix": lambda: natspike.fisher_matrix(W, R),
    "ns_inverse_fisher_matrix": lambda: natspike.inverse_fisher_matrix(W, R),
    "ns_monte_carlo_fisher": lambda: natspike.fisher_matrix(W, R, method="monte_carlo", samples=64, seed=1),
    "ns_sample_usps": lambda: natspike.sample_usps(R, 3, seed=1),
    "ns_transfer": lambda: natspike.Neuron().phi([0.0, 10.0]),
    "ns_usp_traces": lambda: natspike.usp_traces(np.eye(3)),
    "ns_update_directions": lambda: natspike.rule_factors("natural", W, np.ones((2, len(W))), R),
    "ns_voltage_statistics": lambda: natspike.voltage_statistics(W, R),
    "ns_train": lambda: natspike.train("natural", W, R, **TRAIN),
    "ns_run_trials": lambda: natspike.run_trials("natural", W, R, n_trials=3, **TRAIN),
    "ns_run_configurations": lambda: natspike.run_configurations([{"rule": "natural"}], W, R, n_trials=3, **TRAIN),
    "ns_debug_panic": lambda: pytest.raises(ValueError, _native.call, FN["ns_debug_panic"], 99),
    "ns_debug_sleep": lambda: _native.call_cancellable(FN["ns_debug_sleep"], 2),
    "ns_debug_arm_fault": lambda: arm(""),
    "ns_debug_goroutines": goroutines,
}


def test_every_export_has_a_fault_test():
    assert set(CALLS) == set(FN), "add the new export to CALLS"


@pytest.mark.parametrize("export", sorted(CALLS))
def test_a_panic_in_any_export_is_a_runtime_error_and_the_next_call_works(export):
    arm(export)
    with pytest.raises(RuntimeError, match=f"fault injected into {export}"):
        CALLS[export]()
    CALLS[export]()  # works again, the fault was one-shot
    assert natspike.coefficients(0.0, 3.85, 78.0).c1 > 0


WORKER_CALLS = {
    "coefficients (grid of 5000, worker blocks)": lambda: natspike.coefficients(np.linspace(-5, 5, 5000), 3.85, 78.0),
    "sample_usps (600 samples, worker blocks)": lambda: natspike.sample_usps(R, 600, bins=20, seed=2),
    "monte_carlo_fisher (8 chains)": lambda: natspike.fisher_matrix(W, R, method="monte_carlo", samples=64, seed=1),
    "run_trials (trial goroutines)": lambda: natspike.run_trials("natural", W, R, n_trials=4, workers=2, **TRAIN),
    "run_trials with a store (thread pool)": lambda: natspike.run_trials(
        "natural", W, R, n_trials=4, workers=2, store=_fresh_store(), **TRAIN
    ),
    "run_configurations (trial goroutines)": lambda: natspike.run_configurations(
        [{"rule": "natural"}, {"rule": "euclidean"}], W, R, n_trials=4, workers=2, **TRAIN
    ),
    "sweep (thread pool)": lambda: sweep({"eta": [1e-3, 2e-3]}, rule="natural", weights=W, rates=R, **TRAIN),
}


_TMP = tempfile.TemporaryDirectory(prefix="natspike-fault-")


def _fresh_store():
    return tempfile.mkdtemp(dir=_TMP.name) + "/store"


@pytest.mark.parametrize("what", list(WORKER_CALLS))
def test_a_panic_in_a_worker_goroutine_is_a_runtime_error_and_the_next_call_works(what):
    before = goroutines()
    arm("worker")
    with pytest.raises(RuntimeError, match="fault injected into a worker goroutine"):
        WORKER_CALLS[what]()
    WORKER_CALLS[what]()
    assert goroutines() <= before + 2


def test_faults_fire_once_per_arming_and_can_be_disarmed():
    arm("ns_fisher_matrix")
    arm("ns_fisher_matrix")
    for _ in range(2):
        with pytest.raises(RuntimeError):
            natspike.fisher_matrix(W, R)
    natspike.fisher_matrix(W, R)
    arm("ns_sample_usps")
    arm("")
    natspike.sample_usps(R, 2, seed=1)
    with pytest.raises(ValueError, match="target must be"):
        arm("ns_no_such_export")


def test_many_faults_in_a_row_leave_the_runtime_healthy():
    before = goroutines()
    for i in range(200):
        export = sorted(CALLS)[i % len(CALLS)]
        arm(export)
        with pytest.raises(RuntimeError):
            CALLS[export]()
    arm("")
    res = natspike.run_trials("natural", W, R, n_trials=2, **TRAIN)
    assert np.isfinite(res.weights).all()
    assert goroutines() <= before + 2


# --- numerical blow-up ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["euclidean", "natural", "approximate"])
def test_enormous_eta_in_run_trials_names_trial_time_and_quantity(rule):
    quantity = "(membrane potential|weights|fisher coefficients)"
    with pytest.raises(
        natspike.DivergenceError, match=rf"trial \d+: learning diverged at t = [0-9.e+-]+ s \(bin \d+\): {quantity}"
    ):
        natspike.run_trials(rule, W, R, n_trials=3, **{**TRAIN, "eta": 1e300, "duration": 0.5})


def test_divergence_in_a_sweep_names_the_grid_point():
    with pytest.raises(natspike.DivergenceError, match=r"grid point eta=1e\+200: .*diverged at t = .* s"):
        sweep({"eta": [1e-3, 1e200]}, rule="natural", weights=W, rates=R, **{**TRAIN, "duration": 0.5})


def test_a_metric_that_overflows_is_a_divergence_naming_time_and_quantity():
    # Found by FuzzRunTrials: with the unbounded rectified quadratic the
    # student's spike probability φ·dt exceeds 1 on the test set, and the
    # Bernoulli D_KL became NaN while the run reported success. (The teacher's
    # V* stays below θ = 10 mV: φ* = 0, a valid probability.)
    neuron = natspike.Neuron(transfer="rectified_quadratic")
    with pytest.raises(natspike.DivergenceError, match=r"at t = [0-9.e+-]+ s \(record \d+\): kl is NaN"):
        natspike.run_trials(
            "natural",
            np.array([52.01, -52.01]),
            np.array([10.0, 5.0]),
            n_trials=2,
            teacher=np.array([0.02, 0.02]),
            duration=1.0,
            eta=1.0,
            neuron=neuron,
            seed=1,
        )


@pytest.mark.parametrize("call", ["train", "run_trials"])
def test_a_teacher_spike_probability_above_one_is_refused_before_learning(call):
    # A realizable teacher of the unbounded rectified quadratic at V* ≈ 220 mV on average: φ*·dt = (V* − 10)²/4 · 0.0005 ≈ 5.5,
    # no Bernoulli probability. Its D_KL's first term alone gave a finite 1.21 and the run succeeded; then it was
    # reported as a divergence at t = 0. It is a parameter error, named before the first bin.
    args = ("natural", np.full(20, 0.5), np.full(20, 20.0))
    kw = dict(teacher=np.full(20, 0.55), duration=1.0, eta=1e-4, seed=1)
    kw["neuron"] = natspike.Neuron(transfer="rectified_quadratic")
    if call == "run_trials":
        kw["n_trials"] = 2
    with pytest.raises(
        ValueError, match=r"teacher: its spike probability phi\*·dt reaches [0-9.]+ .*lower its scale"
    ) as err:
        getattr(natspike, call)(*args, **kw)
    assert not isinstance(err.value, natspike.DivergenceError)
    kw["neuron"] = natspike.Neuron(
        transfer="rectified_quadratic", scale=0.25 / 100
    )  # φ*·dt ≈ 0.055 on average, at most 0.13: learns
    getattr(natspike, call)(*args, **kw)


def test_a_teacher_spike_probability_above_one_in_a_training_bin_is_a_divergence_at_that_bin():
    # θ = −60 mV: on every test sample the teacher's φ*·dt stays below 1 (the run is accepted), but with 4
    # afferents a training bin's V* climbs higher than any test sample's. That bin was a teacher spike whatever
    # the uniform, a silent clamp; now the run stops there. The bin is found independently: a student with the
    # teacher's weights that does not learn (η = 1e-200; a Poisson teacher, so it runs on) traces φ(V*) in every bin.
    rates = np.array([10.0, 10.0, 50.0, 50.0])
    w_star = 0.8 * np.cos(5 * np.arange(4) + 2) / 4
    kw = dict(duration=2.0, seed=7, test_samples=20, neuron=natspike.Neuron(transfer="rectified_quadratic", theta=-60))
    dt = 0.0005
    traced = natspike.train("euclidean", w_star, rates, teacher=20.0, eta=1e-200, trace_every=dt, **kw)
    assert_array_equal(traced.final_weights, w_star)
    first = int(np.argmax(traced.rate * dt > 1))
    assert traced.rate[first] * dt > 1 and first > 0
    w0 = 0.8 * np.sin(3 * np.arange(4) + 1) / 4
    with pytest.raises(
        natspike.DivergenceError,
        match=rf"diverged at t = {first * dt:g} s \(bin {first}\): teacher: its spike probability phi\*·dt reaches "
        r"1\.[0-9]+ in this training bin .*the test set stayed below.*lower its scale",
    ):
        natspike.train("natural", w0, rates, teacher=w_star, eta=1e-3, **kw)
    kw["duration"] = first * dt  # the bins before it learn
    natspike.train("natural", w0, rates, teacher=w_star, eta=1e-3, **kw)
    # run_trials' trial 0 is train with the same seed: the same bin.
    with pytest.raises(
        natspike.DivergenceError, match=rf"trial 0: learning diverged at t = {first * dt:g} s \(bin {first}\): teacher"
    ):
        natspike.run_trials("natural", w0, rates, n_trials=1, teacher=w_star, eta=1e-3, **{**kw, "duration": 2.0})


def test_non_finite_outputs_of_extreme_parameters_are_refused():
    with pytest.raises(ValueError, match="outside the numerically representable range"):
        natspike.sample_usps(R, 3, neuron=natspike.Neuron(eps0=1e308), seed=1)


@pytest.mark.parametrize("call", ["train", "run_trials"])
def test_recording_the_spikes_of_a_student_whose_spike_probability_exceeds_one_is_a_divergence(call):
    # The student of the unbounded rectified quadratic at V ≈ 200 mV: φ·dt ≈ 4.5. Its recorded spike train was a
    # spike in every bin whatever the uniform (a silent clamp); now recording stops at the first such bin (V
    # grows from 0 as the traces fill), naming the student.
    # A Poisson teacher, so the teacher's own probability is not in question.
    args = ("natural", np.full(20, 0.5), np.full(20, 20.0))
    kw = dict(teacher=20.0, duration=1.0, eta=1e-4, seed=1, record_spikes=True)
    kw["neuron"] = natspike.Neuron(transfer="rectified_quadratic")
    if call == "run_trials":
        kw["n_trials"] = 2
    with pytest.raises(
        natspike.DivergenceError,
        match=r"diverged at t = [0-9.]+ s \(bin \d+\): student: its spike probability phi·dt reaches [0-9.]+ .*do not record",
    ):
        getattr(natspike, call)(*args, **kw)
    kw["neuron"] = natspike.Neuron(transfer="rectified_quadratic", scale=0.25 / 1000)  # φ·dt < 0.01: records
    spikes = getattr(natspike, call)(*args, **kw).spikes
    for times in [spikes] if call == "train" else spikes:
        assert ((0 <= times) & (times < 1.0)).all()
