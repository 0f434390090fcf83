"""More of the bad-input catalogue: the audit's misleading or missing errors,
a generated catalogue of Python ints beyond the float range for every
real-valued parameter, and Hypothesis over the train options and the
experiments' arguments. `make soak` raises the number of examples."""

import os

import natspike
import natspike.experiments as ex
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from natspike._sweep import sweep

N = 4
W = np.array([0.02, -0.01, 0.015, 0.005])
R = np.array([10.0, 50.0, 20.0, 5.0])
HUGE = 10**400  # a Python int no float can hold
SMALL = dict(duration=0.01, eta=1e-3, seed=1, test_samples=2, test_bins=20)


def _train(rule="natural", weights=W, rates=R, **kw):
    return natspike.train(rule, weights, rates, **{"teacher": W[::-1].copy(), **SMALL, **kw})


def _trials(rule="natural", weights=W, rates=R, **kw):
    return natspike.run_trials(rule, weights, rates, **{"teacher": W[::-1].copy(), "n_trials": 2, **SMALL, **kw})


AUDIT = {
    "zero-weights-natural": (lambda: _train(weights=np.zeros(N)), ValueError, "σ_V² = 0"),
    "zero-weights-natural-trials": (lambda: _trials(weights=lambda rng: np.zeros(N)), ValueError, "σ_V² = 0"),
    "inputs-without-spikes-rates-none": (
        lambda: _train(rates=None, inputs=(np.array([], int), np.array([]))),
        ValueError,
        "rates: every rate is 0",
    ),
    "phi_max-at-1/dt": (  # a bin's spike probability φ·dt would reach 1 (Bernoulli): refused, not clamped
        lambda: _train(neuron=natspike.Neuron(phi_max=2000.0)),
        ValueError,
        r"phi_max must be < 1/dt = 2000 Hz",
    ),
    "phi_max-beyond-1/dt-layer": (
        lambda: _train(weights=np.vstack([W, W]), teacher=20.0, neuron=natspike.Neuron(phi_max=3000.0)),
        ValueError,
        r"phi_max must be < 1/dt = 2000 Hz",
    ),
    "figure3f-eta-typo": (
        lambda: ex.figure3f(eta={"natual": 1e-2}, n_trials=1, duration_minutes=0.1),
        ValueError,
        "natual",
    ),
    "masked-weights": (lambda: _train(weights=np.ma.masked_array(W, [0, 1, 0, 0])), TypeError, "masked"),
    "masked-rates": (lambda: natspike.fisher_matrix(W, np.ma.masked_array(R, [1, 0, 0, 0])), TypeError, "rates"),
    "list-with-True": (lambda: _train(weights=[0.01, True, 0.02, 0.01]), TypeError, "weights"),
    "nested-list-with-True": (lambda: natspike.coefficients([[0.0], [True]], 3.85, 78.0), TypeError, "mean"),
    "c_u-negative": (lambda: _train(rule="approximate", c_u=-0.5), ValueError, "c_u"),
    "c_w-negative": (lambda: _train(rule="approximate", c_w=-1.0), ValueError, "c_w"),
    "c_u-for-natural": (lambda: _train(rule="natural", c_u=0.5), ValueError, "approximate"),
    "c_w-for-euclidean": (lambda: _train(rule="euclidean", c_w=0.1), ValueError, "approximate"),
    "record_every-not-whole-bins": (lambda: _train(record_every=0.00123), ValueError, "record_every"),
    "trace_every-not-whole-bins": (lambda: _train(trace_every=0.0007), ValueError, "trace_every"),
    "eps0-tiny": (lambda: natspike.Neuron(eps0=1e-300), ValueError, "eps0"),
    "figure11-c_w-nan": (lambda: ex.figure11(samples=1, usp_samples=2, c_w=float("nan")), ValueError, "c_w"),
    "figure12-c_u-nan": (lambda: ex.figure12_angles(n_trials=1, usp_samples=2, c_u=float("nan")), ValueError, "c_u"),
    "figure12-c_w-nan": (lambda: ex.figure12_angles(n_trials=1, usp_samples=2, c_w=float("nan")), ValueError, "c_w"),
}


@pytest.mark.parametrize("name", sorted(AUDIT))
def test_audit_cases_get_a_clear_error(name):
    call, error, word = AUDIT[name]
    with pytest.raises(error, match=word):
        call()


def test_approximate_rule_still_takes_its_constants():
    a = _train(rule="approximate", c_u=0.9, c_w=0.04)
    b = _train(rule="approximate")
    assert np.isfinite(a.kl).all() and not np.array_equal(a.final_weights, b.final_weights)


def test_record_every_on_the_grid_is_accepted():
    assert _train(record_every=0.005).weights.shape[0] == 3  # t = 0, 0.005 and 0.01 s


@pytest.mark.parametrize("kind", ["not-npz", "npz-without-meta", "bad-meta-json", "empty", "missing"])
def test_load_of_a_foreign_or_corrupt_file_names_it(kind, tmp_path):
    f = tmp_path / "r.npz"
    if kind == "not-npz":
        f.write_text("hello")
    elif kind == "npz-without-meta":
        np.savez(f, x=np.ones(2))
    elif kind == "bad-meta-json":
        np.savez(f, __meta__=np.array("{broken"))
    elif kind == "empty":
        f.write_bytes(b"")
    with pytest.raises((ValueError, OSError), match=r"r\.npz"):
        natspike.load(f)


# --- Python ints beyond float: a catalogue generated over every real-valued parameter ---------------------------

NEURON_PARAMS = ("phi_max", "beta", "theta", "tau_m", "tau_s", "dt", "eps0", "scale")
TRAIN_REALS = ("eta", "duration", "c_u", "c_w", "silent_rate", "record_every", "trace_every", "coefficient_tolerance")
HUGE_CASES = (
    [(f"Neuron-{p}", (lambda p=p: natspike.Neuron(**{p: HUGE})), p) for p in NEURON_PARAMS]
    + [(f"train-{p}", (lambda p=p: _train(rule="approximate", **{p: HUGE})), p) for p in TRAIN_REALS]
    + [(f"run_trials-{p}", (lambda p=p: _trials(rule="approximate", **{p: HUGE})), p) for p in TRAIN_REALS]
    + [
        (f"coefficients-{p}", (lambda p=p: natspike.coefficients(**{**dict(mean=0, var=3.85, q=78), p: HUGE})), p)
        for p in ("mean", "var", "q")
    ]
    + [
        ("train-teacher-rate", lambda: _train(teacher=HUGE), "teacher"),
        ("train-weights-entry", lambda: _train(weights=[HUGE, 0.0, 0.0, 0.0]), "weights"),
        ("train-rates-entry", lambda: _train(rates=[HUGE, 1.0, 1.0, 1.0]), "rates"),
        ("fisher-weights-entry", lambda: natspike.fisher_matrix([HUGE, 0.1], 10.0), "weights"),
        ("fisher-rates", lambda: natspike.fisher_matrix(W, HUGE), "rates"),
        ("sample_usps-rates", lambda: natspike.sample_usps([HUGE], 2, seed=1), "rates"),
        (
            "sweep-axis-value",
            lambda: sweep({"eta": [HUGE]}, rule="natural", weights=W, rates=R, teacher=0.0, duration=0.01, seed=1),
            "eta",
        ),
    ]
)


@pytest.mark.parametrize("name, call, word", HUGE_CASES, ids=[c[0] for c in HUGE_CASES])
def test_ints_beyond_float_are_refused_naming_the_parameter(name, call, word):
    with pytest.raises((TypeError, ValueError), match=word):
        call()


# --- Hypothesis: train options and experiment arguments ----------------------------------------------------------

# `make test`: a fixed set of examples (derandomized), `make soak`: 2000 random ones.
PROPERTY = settings(
    max_examples=int(os.environ.get("NATSPIKE_HYPOTHESIS_EXAMPLES", 40)),
    derandomize="NATSPIKE_HYPOTHESIS_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ODD = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**400), 10**400),
    st.sampled_from([0, -1, True, None, "1", [1.0], 1e-300, 1e300]),
)


@PROPERTY
@given(
    option=st.sampled_from([o for o in TRAIN_REALS if o != "duration"]),
    value=ODD,
    rule=st.sampled_from(["natural", "euclidean", "approximate"]),
)
def test_refused_or_finite_train_options(option, value, rule):  # not duration: a valid 10⁸ s run takes hours
    try:
        res = _train(rule=rule, **{option: value})
    except (TypeError, ValueError, MemoryError) as exc:
        assert option in str(exc) or "diverged" in str(exc) or "approximate" in str(exc), (option, value, exc)
        return
    assert np.isfinite(res.kl).all() and np.isfinite(res.final_weights).all()


EXPERIMENT_ARGS = {
    "figure3f": (dict(n_trials=1, duration_minutes=0.05, n=4), ("n_trials", "duration_minutes", "n", "record_every")),
    "figure11": (dict(samples=1, usp_samples=2, n=4), ("samples", "usp_samples", "n", "c_w", "usp_bins")),
    "figure12_angles": (dict(n_trials=1, usp_samples=2, n=4), ("n_trials", "usp_samples", "c_u", "c_w", "bins")),
}


@PROPERTY
@given(data=st.data())
def test_refused_or_finite_experiment_arguments(data):
    name = data.draw(st.sampled_from(sorted(EXPERIMENT_ARGS)))
    base, params = EXPERIMENT_ARGS[name]
    param = data.draw(st.sampled_from(params))
    value = data.draw(ODD)
    try:
        ds = getattr(ex, name)(**{**base, param: value})
    except (TypeError, ValueError, MemoryError) as exc:
        assert param in str(exc), (name, param, value, exc)
        return
    for var in ds.data_vars.values():
        if var.dtype.kind == "f" and var.name not in ("crossing_time",):
            assert np.isfinite(var.values).all(), (name, param, value, var.name)


NUMPY_VALUES_IN_MESSAGES = {
    "weights-nan": (
        lambda: _train(weights=np.array([np.nan, 0, 0, 0.0])),
        "weights must be finite, got nan at index 0",
    ),
    "layer-inf": (
        lambda: _train(weights=np.array([W, [0.01, 0.01, 0.01, np.inf]]), teacher=20.0),
        "weights must be finite, got inf at index (1, 3)",
    ),
    "times-nan": (lambda: natspike.SpikeTrain(np.array([0.1, np.nan]), t_stop=1), "got nan at index 1"),
    "times-unsorted": (lambda: natspike.SpikeTrain(np.array([0.2, 0.1]), t_stop=1), "got 0.1 after 0.2 at index 1"),
    "times-late": (lambda: natspike.SpikeTrain(np.array([0.2, 1.5]), t_stop=1), "< t_stop = 1.0 s, got 1.5"),
    "bins-2": (lambda: natspike.SpikeTrain.from_bins(np.array([0, 2.0]), dt=5e-4), "got 2.0 at index 1"),
    "index-7": (lambda: _train(inputs=(np.array([0, 7]), np.array([0.001, 0.002]))), "got 7 at position 1"),
    "time-late": (lambda: _train(inputs=(np.array([0, 1]), np.array([0.001, 5.2]))), "spike time 5.2 s"),
    "input-2": (lambda: _train(inputs=np.full((20, N), 2.0)), "got 2.0 at index (0, 0)"),
}


@pytest.mark.parametrize("case", sorted(NUMPY_VALUES_IN_MESSAGES))
def test_numpy_values_in_messages_read_as_plain_numbers(case):
    # The offending entry of a NumPy array is shown as the number it holds ("nan", "2.0"), not as its repr
    # ("np.float64(nan)", NumPy >= 2), and a 1-D index as a number, not a 1-tuple.
    call, text = NUMPY_VALUES_IN_MESSAGES[case]
    with pytest.raises(ValueError) as err:
        call()
    assert text in str(err.value) and "np." not in str(err.value), str(err.value)
