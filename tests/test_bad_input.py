"""A catalogue of malformed calls across the public API.

Every call must raise TypeError (wrong kind of value), ValueError (wrong
value or shape) or MemoryError (a size that cannot fit) whose message names
the offending parameter, and leave the process and the Go runtime working.
Inputs that are merely unusual (strided, read-only, byte-swapped,
misaligned, integer or object arrays of numbers) must be accepted and give
the same numbers. Hypothesis searches the numeric ranges for anything that
escapes as another exception or as a NaN result.
"""

import os

import natspike
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from natspike import _native
from natspike._sweep import sweep

N = 4
W = np.array([0.02, -0.01, 0.015, 0.005])
R = np.array([10.0, 50.0, 20.0, 5.0])
NAN, INF = float("nan"), float("inf")
ABSURD = 10**6  # n for n×n outputs: 8 TB


def _train(**kw):
    args = dict(
        rule="natural",
        weights=W,
        rates=R,
        teacher=W[::-1].copy(),
        duration=0.01,
        eta=1e-3,
        seed=1,
        test_samples=2,
        test_bins=20,
    )
    args.update(kw)
    return natspike.train(args.pop("rule"), args.pop("weights"), args.pop("rates"), **args)


def _trials(**kw):
    args = dict(
        rule="natural",
        weights=W,
        rates=R,
        teacher=W[::-1].copy(),
        n_trials=2,
        duration=0.01,
        eta=1e-3,
        seed=1,
        test_samples=2,
        test_bins=20,
    )
    args.update(kw)
    return natspike.run_trials(args.pop("rule"), args.pop("weights"), args.pop("rates"), **args)


def _sweep(grid=None, **kw):
    args = dict(
        rule="natural",
        weights=W,
        rates=R,
        teacher=W[::-1].copy(),
        duration=0.01,
        eta=1e-3,
        seed=1,
        test_samples=2,
        test_bins=20,
    )
    args.update(kw)
    return sweep({"eta": [1e-3, 2e-3]} if grid is None else grid, **args)


def _neuron(**kw):
    return natspike.Neuron(**kw)


CASES = []  # (id, call, exception types, word the message must contain)


def case(id, call, error, word):
    CASES.append(pytest.param(call, error, word, id=id))


# --- Neuron: every parameter, every kind of bad value ------------------------------------------------------
POSITIVE = ("phi_max", "beta", "tau_m", "tau_s", "dt", "eps0", "scale")
for name in POSITIVE + ("theta",):
    extra = {"transfer": "rectified_quadratic"} if name == "scale" else {}
    for label, value in (("nan", NAN), ("inf", INF), ("-inf", -INF)):
        case(f"Neuron-{name}-{label}", lambda n=name, v=value, e=extra: _neuron(**{n: v}, **e), ValueError, name)
    for label, value in (
        ("str", "1"),
        ("None", None),
        ("list", [1.0]),
        ("complex", 1 + 0j),
        ("bool", False),
        ("array", np.ones(2)),
    ):
        case(f"Neuron-{name}-{label}", lambda n=name, v=value: _neuron(**{n: v}), TypeError, name)
for name in POSITIVE:
    extra = {"transfer": "rectified_quadratic"} if name == "scale" else {}
    for label, value in (("zero", 0.0), ("negative", -0.5), ("-0", -0.0)):
        case(f"Neuron-{name}-{label}", lambda n=name, v=value, e=extra: _neuron(**{n: v}, **e), ValueError, name)
case("Neuron-dt-above-tau_s", lambda: _neuron(dt=0.004), ValueError, "dt")
case("Neuron-tau_s-below-dt", lambda: _neuron(tau_s=1e-4), ValueError, "dt")
case("Neuron-transfer-unknown", lambda: _neuron(transfer="exponential"), ValueError, "transfer")
case("Neuron-transfer-int", lambda: _neuron(transfer=1), TypeError, "transfer")
case("Neuron-transfer-None", lambda: _neuron(transfer=None), TypeError, "transfer")
case("Neuron-unknown-keyword", lambda: _neuron(tau=0.01), TypeError, "tau")
case("Neuron-from_dict-unknown-key", lambda: natspike.Neuron.from_dict({"gain": 1.0}), TypeError, "gain")

# --- coefficients(mean, var, q) -----------------------------------------------------------------------------
GOOD = {"mean": 0.0, "var": 3.85, "q": 78.0}


def _coef(**kw):
    return natspike.coefficients(**{**GOOD, **kw})


for name in GOOD:
    for label, value in (("nan-in-array", [1.0, NAN]), ("inf", INF), ("-inf-in-grid", [[1.0], [-INF]])):
        case(f"coefficients-{name}-{label}", lambda n=name, v=value: _coef(**{n: v}), ValueError, name)
    for label, value in (
        ("str", "1.0"),
        ("None", None),
        ("complex-array", np.ones(2, complex)),
        ("bool-array", np.ones(2, bool)),
        ("object-None", np.array([1.0, None], object)),
        ("datetime", np.array(["2020-01-01"], "datetime64[D]")),
        ("dict", {"a": 1}),
    ):
        case(f"coefficients-{name}-{label}", lambda n=name, v=value: _coef(**{n: v}), TypeError, name)
    case(f"coefficients-{name}-ragged", lambda n=name: _coef(**{n: [[1.0], [1.0, 2.0]]}), ValueError, name)
for name in ("var", "q"):
    case(f"coefficients-{name}-negative-in-grid", lambda n=name: _coef(**{n: [1.0, 2.0, -3.0]}), ValueError, name)
    case(f"coefficients-{name}-zero-array", lambda n=name: _coef(**{n: np.zeros(3)}), ValueError, name)
case("coefficients-impossible-operating-point", lambda: _coef(mean=100.0, var=1.0, q=1.0), ValueError, "mean")
case("coefficients-broadcast-3-vs-2", lambda: _coef(mean=np.zeros(3), var=np.ones(2)), ValueError, "broadcast")
case(
    "coefficients-absurd-grid",
    lambda: _coef(mean=np.zeros((ABSURD, 1)), var=np.ones((1, ABSURD))),
    MemoryError,
    "mean, var and q",
)
case("coefficients-neuron-dict", lambda: _coef(neuron={"beta": 0.3}), TypeError, "neuron")
case("coefficients-neuron-Go-object", lambda: _coef(neuron=_native.go.NewNeuron()), TypeError, "neuron")

# --- fisher_matrix / inverse_fisher_matrix --------------------------------------------------------------------
for fn_name, fn in (
    ("fisher_matrix", natspike.fisher_matrix),
    ("inverse_fisher_matrix", natspike.inverse_fisher_matrix),
):
    for label, w in (
        ("nan", np.r_[W[:-1], NAN]),
        ("-inf", np.r_[-INF, W[1:]]),
        ("2d", W[None, :]),
        ("scalar", 0.01),
        ("empty", np.empty(0)),
    ):
        case(f"{fn_name}-weights-{label}", lambda f=fn, w=w: f(w, R), ValueError, "weights")
    for label, w in (
        ("str", ["a"] * N),
        ("complex", W + 1j),
        ("bool", W > 0),
        ("None", None),
        ("object-None", np.array([0.1, None, 0.1, 0.1], object)),
    ):
        case(f"{fn_name}-weights-{label}", lambda f=fn, w=w: f(w, R), TypeError, "weights")
    for label, r in (("nan", np.r_[R[:-1], NAN]), ("negative", -R), ("2d", R[:, None]), ("short", R[:2])):
        case(f"{fn_name}-rates-{label}", lambda f=fn, r=r: f(W, r), ValueError, "rates")
    case(f"{fn_name}-rates-str", lambda f=fn: f(W, "10 Hz"), TypeError, "rates")
    case(f"{fn_name}-absurd-n", lambda f=fn: f(np.full(ABSURD, 0.01), 10.0), MemoryError, "weights")
    case(f"{fn_name}-neuron-str", lambda f=fn: f(W, R, neuron="paper"), TypeError, "neuron")
case("inverse_fisher_matrix-rates-zero-scalar", lambda: natspike.inverse_fisher_matrix(W, 0.0), ValueError, "rates")
case("fisher_matrix-method-unknown", lambda: natspike.fisher_matrix(W, R, method="numerical"), ValueError, "method")
case("fisher_matrix-samples-analytic", lambda: natspike.fisher_matrix(W, R, samples=10), ValueError, "samples")
MC = dict(method="monte_carlo", samples=64, seed=1)
for label, value, error in (
    ("zero", 0, ValueError),
    ("negative", -5, ValueError),
    ("huge", 2**40, ValueError),
    ("float", 64.0, TypeError),
    ("str", "64", TypeError),
    ("bool", True, TypeError),
):
    case(
        f"fisher_matrix-mc-samples-{label}",
        lambda v=value: natspike.fisher_matrix(W, R, **{**MC, "samples": v}),
        error,
        "samples",
    )
for label, value, error in (
    ("negative", -1, ValueError),
    ("2**64", 2**64, ValueError),
    ("float", 1.5, TypeError),
    ("str", "1", TypeError),
    ("list", [1], TypeError),
):
    case(
        f"fisher_matrix-mc-seed-{label}",
        lambda v=value: natspike.fisher_matrix(W, R, **{**MC, "seed": v}),
        error,
        "seed",
    )
case("fisher_matrix-mc-rate-dt-1", lambda: natspike.fisher_matrix(W, np.full(N, 2000.0), **MC), ValueError, "rates")
case(
    "fisher_matrix-mc-absurd-n",
    lambda: natspike.fisher_matrix(np.full(ABSURD // 10, 0.01), 10.0, **MC),
    MemoryError,
    "weights",
)

# --- sample_usps ------------------------------------------------------------------------------------------------
for label, r, error in (
    ("nan", np.r_[NAN, R[1:]], ValueError),
    ("negative", -R, ValueError),
    ("rate-dt-1", np.full(N, 2000.0), ValueError),
    ("huge", np.full(N, 1e300), ValueError),
    ("2d", np.ones((2, 2)), ValueError),
    ("empty", [], ValueError),
    ("str", "abc", TypeError),
    ("complex", R + 0j, TypeError),
):
    case(f"sample_usps-rates-{label}", lambda r=r: natspike.sample_usps(r, 3, seed=1), error, "rates")
for label, value, error in (
    ("negative", -1, ValueError),
    ("huge", 2**40, ValueError),
    ("float", 3.0, TypeError),
    ("None", None, TypeError),
    ("bool", True, TypeError),
    ("absurd", 2**33, MemoryError),
):
    case(f"sample_usps-samples-{label}", lambda v=value: natspike.sample_usps(R, v, seed=1), error, "samples")
for label, value, error in (
    ("zero", 0, ValueError),
    ("negative", -5, ValueError),
    ("huge", 2**40, ValueError),
    ("float", 10.5, TypeError),
    ("str", "10", TypeError),
):
    case(f"sample_usps-bins-{label}", lambda v=value: natspike.sample_usps(R, 3, bins=v, seed=1), error, "bins")
case("sample_usps-seed-float", lambda: natspike.sample_usps(R, 3, seed=0.5), TypeError, "seed")
case("sample_usps-neuron-int", lambda: natspike.sample_usps(R, 3, neuron=1), TypeError, "neuron")

# --- train --------------------------------------------------------------------------------------------------------
for label, w, error in (
    ("inf", np.r_[INF, W[1:]], ValueError),
    ("2d", np.stack([W, W]), ValueError),
    ("empty", [], ValueError),
    ("object-str", np.array(["a"] * N, object), TypeError),
    ("bool", W > 0, TypeError),
    ("ragged", [[1.0], [1.0, 2.0]], ValueError),
):
    case(f"train-weights-{label}", lambda w=w: _train(weights=w), error, "weights")
for label, r, error in (
    ("nan", np.r_[NAN, R[1:]], ValueError),
    ("rate-dt-exactly-1", np.full(N, 2000.0), ValueError),
    ("huge", np.full(N, 1e300), ValueError),
    ("2d", R[None], ValueError),
    ("None", None, TypeError),
    ("short", R[:3], ValueError),
    ("dict", {"r": 1}, TypeError),
):
    case(f"train-rates-{label}", lambda r=r: _train(rates=r), error, "rates" if label != "short" else "length")
for label, t, error in (
    ("nan-rate", NAN, ValueError),
    ("inf-rate", INF, ValueError),
    ("negative-rate", -1.0, ValueError),
    ("rate-above-1/dt", 5000.0, ValueError),
    ("nan-weights", np.r_[NAN, W[1:]], ValueError),
    ("2d-weights", np.stack([W, W]), ValueError),
    ("str", "poisson", TypeError),
    ("None", None, TypeError),
    ("bool", True, TypeError),
    ("spikes-unwrapped", np.zeros(3, np.int8), TypeError),
    ("spikes-short", natspike.SpikeTrain([], t_stop=0.001), ValueError),
    ("spikes-not-binary", np.full(40, 3, np.int64), ValueError),
):
    case(f"train-teacher-{label}", lambda t=t: _train(teacher=t), error, "teacher")
for name in ("eta", "duration", "c_u", "c_w", "silent_rate"):
    for label, value in (("nan", NAN), ("inf", INF), ("-inf", -INF)):
        case(f"train-{name}-{label}", lambda n=name, v=value: _train(**{n: v}), ValueError, name)
    for label, value in (("str", "1"), ("None", None), ("complex", 1j), ("array", np.ones(1))):
        case(f"train-{name}-{label}", lambda n=name, v=value: _train(**{n: v}), TypeError, name)
for name, value in (
    ("eta", 0.0),
    ("eta", -1e-3),
    ("duration", 0.0),
    ("duration", -1.0),
    ("duration", 1e300),
    ("silent_rate", 0.0),
    ("silent_rate", -1.0),
):
    case(f"train-{name}-{value}", lambda n=name, v=value: _train(**{n: v}), ValueError, name)
for name in ("record_every", "trace_every"):
    for label, value, error in (
        ("zero", 0.0, ValueError),
        ("negative", -1.0, ValueError),
        ("nan", NAN, ValueError),
        ("str", "1", TypeError),
    ):
        case(f"train-{name}-{label}", lambda n=name, v=value: _train(**{n: v}), error, name)
    case(f"train-{name}-absurd", lambda n=name: _train(duration=1e8, **{n: 0.0005}), MemoryError, name)
for name, most in (("test_samples", 2**20), ("test_bins", 2**24)):  # Go's bounds (the run description)
    for label, value, error in (
        ("zero", 0, ValueError),
        ("negative", -3, ValueError),
        ("huge", most + 1, ValueError),
        ("float", 5.0, TypeError),
        ("str", "5", TypeError),
    ):
        case(f"train-{name}-{label}", lambda n=name, v=value: _train(**{n: v}), error, name)
case("train-test-set-work", lambda: _train(test_samples=2**20, test_bins=2**20), ValueError, "test_samples")
for label, value, error in (
    ("unknown", "gauss-newton", ValueError),
    ("upper", "NATURAL", ValueError),
    ("None", None, TypeError),
    ("list", ["natural"], TypeError),
):
    case(f"train-rule-{label}", lambda v=value: _train(rule=v), error, "rule")
for label, value, error in (("unknown", "paper", ValueError), ("int", 1, TypeError)):
    case(f"train-lr_convention-{label}", lambda v=value: _train(lr_convention=v), error, "lr_convention")
for label, value, error in (
    ("negative", -2, ValueError),
    ("float", 2.5, TypeError),
    ("str", "never", ValueError),
    ("bool", True, TypeError),
    ("None", None, TypeError),
    ("huge", 2**70, ValueError),
):
    case(
        f"train-coefficient_refresh-{label}",
        lambda v=value: _train(coefficient_refresh=v),
        error,
        "coefficient_refresh",
    )
for label, value, error in (
    ("zero", np.zeros(N), ValueError),
    ("above-1", np.full(N, 1.01), ValueError),
    ("nan", np.r_[NAN, np.ones(N - 1)], ValueError),
    ("short", np.ones(2), ValueError),
    ("str", ["a"] * N, TypeError),
):
    case(f"train-attenuation-{label}", lambda v=value: _train(attenuation=v), error, "attenuation")
for label, value, error in (
    ("not-binary", np.full((40, N), 2), ValueError),
    ("wrong-n", np.zeros((40, N + 1), int), ValueError),
    ("too-few-bins", np.zeros((5, N), int), ValueError),
    ("1d", np.zeros(40 * N, int), ValueError),
    ("complex", np.zeros((40, N), complex), TypeError),
):
    case(f"train-inputs-{label}", lambda v=value: _train(inputs=v), error, "inputs")
for label, value, error in (("2**64", 2**64, ValueError), ("float", 1.0, TypeError), ("bytes", b"1", TypeError)):
    case(f"train-seed-{label}", lambda v=value: _train(seed=v), error, "seed")
case("train-neuron-dict", lambda: _train(neuron={"beta": 0.3}), TypeError, "neuron")
case("train-unknown-keyword", lambda: _train(learning_rate=1e-3), TypeError, "learning_rate")

# --- run_trials -------------------------------------------------------------------------------------------------
for name, bad in (
    (
        "n_trials",
        (
            (0, ValueError),
            (-1, ValueError),
            (10**8, ValueError),
            (2.0, TypeError),
            ("2", TypeError),
            (True, TypeError),
            (None, TypeError),
        ),
    ),
    ("workers", ((0, ValueError), (-2, ValueError), (4096, ValueError), (1.5, TypeError), ("all", TypeError))),
    ("chunk_size", ((0, ValueError), (-1, ValueError), (1.0, TypeError))),
):
    for value, error in bad:
        case(f"run_trials-{name}-{value!r}", lambda n=name, v=value: _trials(**{n: v}), error, name)
for label, value, error in (
    ("stack-wrong-n", np.zeros((2, N + 1)), ValueError),
    ("stack-wrong-trials", np.zeros((3, N)), ValueError),
    ("3d", np.zeros((2, N, 1)), ValueError),
    ("callable-shape", lambda rng: np.zeros(N + 1), ValueError),
    ("callable-nan", lambda rng: np.full(N, NAN), ValueError),
    ("callable-str", lambda rng: ["w"] * N, TypeError),
    ("str", "uniform", TypeError),
):
    case(f"run_trials-weights-{label}", lambda v=value: _trials(weights=v), error, "weights")
for label, value, error in (
    ("callable-inf", lambda rng: np.full(N, INF), ValueError),
    ("spike-train", natspike.SpikeTrain([], t_stop=1.0), ValueError),
    ("spikes-unwrapped", np.zeros(40, np.int8), TypeError),
    ("nan-rate", NAN, ValueError),
    ("stack-wrong-n", np.zeros((2, N - 1)), ValueError),
):
    case(f"run_trials-teacher-{label}", lambda v=value: _trials(teacher=v), error, "teacher")
case("run_trials-inputs", lambda: _trials(inputs=np.full((40, N), 2, int)), ValueError, "inputs")
case("run_trials-trace_every", lambda: _trials(trace_every=0.001), ValueError, "trace_every")
case("run_trials-client-str", lambda: _trials(client="tcp://127.0.0.1:8786"), TypeError, "client")
case("run_trials-seed-float", lambda: _trials(seed=2.5), TypeError, "seed")
case(
    "run_trials-absurd-trials",
    lambda: _trials(n_trials=10**7, duration=100.0, record_every=0.001),
    MemoryError,
    "n_trials",
)
case("run_trials-eta-negative", lambda: _trials(eta=-1.0), ValueError, "eta")
case("run_trials-store-without-seed", lambda: _trials(seed=None, store="unused-store"), ValueError, "seed")
case("run_trials-unknown-keyword", lambda: _trials(etaa=1.0), TypeError, "etaa")

# --- sweep --------------------------------------------------------------------------------------------------------
for label, grid, error, word in (
    ("list", [("eta", [1e-3])], TypeError, "grid"),
    ("empty-axis", {"eta": []}, ValueError, "eta"),
    ("duplicate", {"eta": [1e-3, 1e-3]}, ValueError, "eta"),
    ("scalar-axis", {"eta": 1e-3}, TypeError, "eta"),
    ("string-axis", {"rule": "natural"}, TypeError, "rule"),
    ("array-value", {"eta": [np.ones(2)]}, TypeError, "eta"),
    ("nan-value", {"eta": [NAN]}, ValueError, "eta"),
    ("unknown-axis", {"w_stim": [0.1]}, ValueError, "w_stim"),
    ("reserved-trial", {"trial": [1]}, ValueError, "trial"),
    ("reserved-seed", {"seed": [1, 2]}, ValueError, "seed"),
    ("non-identifier", {"eta factor": [1.0]}, ValueError, "eta factor"),
    ("bad-value-for-option", {"eta": [1e-3, -1.0]}, ValueError, "eta"),
    ("unknown-rule-value", {"rule": ["natural", "hebbian"]}, ValueError, "rule"),
):
    case(f"sweep-grid-{label}", lambda g=grid: _sweep(g), error, word)
case(
    "sweep-grid-non-uniform-records",
    lambda: _sweep({"duration": [0.01, 0.02]}, record_every=0.005),
    ValueError,
    "records",
)
case("sweep-setup-not-callable", lambda: _sweep({"x": [1]}, setup={"eta": 1}), TypeError, "setup")
case("sweep-setup-returns-list", lambda: _sweep({"x": [1]}, setup=lambda x: [x]), TypeError, "setup")
case("sweep-setup-unknown-key", lambda: _sweep({"x": [1]}, setup=lambda x: {"lr": x}), TypeError, "lr")
case(
    "sweep-setup-bad-weights",
    lambda: _sweep({"x": [1, 2]}, setup=lambda x: {"weights": np.ones(x + N)}),
    ValueError,
    "weights",
)
case(
    "sweep-missing-eta",
    lambda: sweep({}, rule="natural", weights=W, rates=R, teacher=W, duration=0.01, seed=1),
    TypeError,
    "eta",
)
case("sweep-streams", lambda: _sweep(streams="fresh"), ValueError, "streams")
case("sweep-unknown-option", lambda: _sweep(learning_rate=1.0), TypeError, "learning_rate")
case("sweep-n_trials-zero", lambda: _sweep(n_trials=0), ValueError, "n_trials")
case("sweep-store-without-seed", lambda: _sweep(seed=None, store="unused-store"), ValueError, "seed")
case("sweep-workers-str", lambda: _sweep(workers="2"), TypeError, "workers")
case(
    "sweep-absurd-grid",
    lambda: _sweep({"eta": list(np.linspace(1e-4, 1e-3, 1000))}, n_trials=10**4, duration=1000.0, record_every=0.001),
    MemoryError,
    "n_trials",
)


def test_the_catalogue_is_large():
    assert len(CASES) >= 200, len(CASES)


@pytest.fixture(scope="module")
def goroutines_before():
    natspike.coefficients(0.0, 3.85, 78.0)
    return _goroutines()


def _goroutines():
    out = np.zeros(1, np.int64)
    _native.call(_native.functions["ns_debug_goroutines"], out)
    return int(out[0])


@pytest.mark.parametrize("call, error, word", CASES)
def test_malformed_call_raises_naming_the_parameter(call, error, word, goroutines_before, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the store cases must fail before creating anything
    with pytest.raises(error) as info:
        call()
    assert word.lower() in str(info.value).lower(), f"message does not name {word!r}: {info.value}"
    assert not list(tmp_path.iterdir())


def test_process_and_go_runtime_alive_after_the_catalogue(goroutines_before):
    assert float(natspike.coefficients(0.0, 3.85, 78.0).c1) == pytest.approx(0.424058, abs=1e-6)
    assert _train().final_weights.shape == (N,)
    assert _goroutines() <= goroutines_before + 2  # nothing left running


# --- unusual but valid inputs -------------------------------------------------------------------------------------


def _misaligned(a):
    raw = np.zeros(a.nbytes + 1, np.uint8)
    view = raw[1:].view(a.dtype)
    view[:] = a
    return view


def _read_only(a):
    a = a.copy()
    a.setflags(write=False)
    return a


@pytest.mark.parametrize(
    "variant",
    [
        lambda a: a[::-1].copy()[::-1],  # negative strides
        lambda a: np.repeat(a, 2)[::2],  # strided
        lambda a: a.astype(">f8"),  # byte-swapped
        _misaligned,
        lambda a: np.array(a.tolist(), dtype=object),  # object array of floats
        _read_only,
        list,
    ],
    ids=["negative-strides", "strided", "big-endian", "misaligned", "object", "read-only", "list"],
)
def test_unusual_layouts_are_accepted_with_identical_results(variant):
    assert np.array_equal(natspike.fisher_matrix(variant(W), variant(R)), natspike.fisher_matrix(W, R))
    assert np.array_equal(natspike.inverse_fisher_matrix(variant(W), variant(R)), natspike.inverse_fisher_matrix(W, R))
    assert np.array_equal(natspike.sample_usps(variant(R), 5, seed=3), natspike.sample_usps(R, 5, seed=3))
    grid = np.array([0.0, 1.0, 2.0, 3.0])
    assert np.array_equal(
        natspike.coefficients(variant(grid), variant(R), 78.0).g1, natspike.coefficients(grid, R, 78.0).g1
    )
    a, b = _train(weights=variant(W), rates=variant(R)), _train()
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.kl, b.kl)
    t, u = _trials(weights=variant(W), teacher=variant(W[::-1].copy())), _trials()
    assert np.array_equal(t.final_weights, u.final_weights)


def test_integer_inputs_are_numbers():
    assert np.array_equal(natspike.fisher_matrix(W, np.array([10, 50, 20, 5])), natspike.fisher_matrix(W, R))
    assert natspike.sample_usps(np.array([10, 50, 20, 5], np.int16), 2, seed=1).shape == (2, N)


def test_empty_grids_return_empty_results():
    c = natspike.coefficients(np.empty(0), 1.0, 78.0)
    assert c.g1.shape == (0,)
    assert natspike.sample_usps(R, 0, seed=1).shape == (0, N)


# --- property-based -----------------------------------------------------------------------------------------------

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
# `make soak` raises the number of examples (NATSPIKE_HYPOTHESIS_EXAMPLES=2000).
PROPERTY = settings(
    max_examples=int(os.environ.get("NATSPIKE_HYPOTHESIS_EXAMPLES", 60)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(mean=FLOATS, var=FLOATS, q=FLOATS)
def test_coefficients_are_finite_or_refused(mean, var, q):
    try:
        c = natspike.coefficients(mean, var, q)
    except ValueError as exc:
        assert any(w in str(exc) for w in ("mean", "var", "q", "Fisher", "mu")), exc
        return
    assert all(np.isfinite(v).all() for v in c.to_dict().values())


@PROPERTY
@given(w=st.lists(FLOATS, min_size=1, max_size=6), rate=st.floats(-10, 3000), inverse=st.booleans())
def test_fisher_matrices_are_finite_symmetric_or_refused(w, rate, inverse):
    fn = natspike.inverse_fisher_matrix if inverse else natspike.fisher_matrix
    try:
        g = fn(w, rate)
    except ValueError as exc:
        assert any(word in str(exc) for word in ("weights", "rates", "variance", "Fisher", "mu", "range")), exc
        return
    assert np.isfinite(g).all() and np.array_equal(g, g.T)


NEURON_VALUES = st.one_of(FLOATS, st.sampled_from([0.0, -1.0, 1e-300, 1e300, 0.001, 0.01, 0.5]))


@PROPERTY
@given(
    params=st.fixed_dictionaries(
        {}, optional={k: NEURON_VALUES for k in ("phi_max", "beta", "theta", "tau_m", "tau_s", "dt", "eps0")}
    )
)
def test_neurons_build_or_are_refused_and_then_compute_finite_numbers(params):
    try:
        neuron = natspike.Neuron(**params)
    except ValueError as exc:
        assert any(k in str(exc) for k in params), (params, exc)
        return
    try:
        usp = natspike.sample_usps(R, 4, bins=50, neuron=neuron, seed=1)
    except ValueError as exc:  # e.g. r·dt ≥ 1 for a coarse dt, or an overflowing eps0
        assert "rates" in str(exc) or "range" in str(exc), exc
        return
    assert np.isfinite(usp).all()


@PROPERTY
@given(
    rule=st.sampled_from(["euclidean", "natural", "approximate"]),
    eta=st.floats(1e-9, 1e6),
    w=st.floats(-2, 2),
    teacher=st.floats(-1, 1),
    rate=st.floats(0, 1999),
)
@example(rule="natural", eta=1.0, w=1.0, teacher=0.0, rate=2.2e-311)  # a subnormal rate is refused, naming rates
def test_training_gives_finite_records_or_an_error(rule, eta, w, teacher, rate):
    rates = np.array([rate, rate / 2, 10.0])
    try:
        res = natspike.train(
            rule,
            np.array([w, -w, w / 2]),
            rates,
            teacher=np.array([teacher, 0.0, -teacher]),
            duration=0.02,
            eta=eta,
            seed=1,
            test_samples=2,
            test_bins=20,
        )
    except ValueError as exc:  # DivergenceError included
        assert "diverged" in str(exc) or "rates" in str(exc) or "variance" in str(exc), exc
        return
    for name in ("weights", "kl", "rate_error", "weight_distance", "final_weights"):
        assert np.isfinite(getattr(res, name)).all(), name
