"""Shortcuts that cut the fixed cost of every train and run_trials call,
each pinned to what it replaces.

natspike._units.converts_units converts a plainly bound call in place
(train and the Fisher functions go through it on every call); these tests
pin it to binding every call with inspect.Signature.bind_partial, written
here, for every shape of call: the function receives the same values, the
same UnitWarnings are issued in the same order, and a call that does not
bind raises the same TypeError. run_trials allocates its outputs from the
plan it made while checking the call instead of asking Go for it again, and
train and run_trials send Go one configuration text for the plan and the
run, which Go parses once (capi/plans.go)."""

import functools
import inspect
import warnings

import numpy as np
import pytest
import quantities as pq
from natspike._units import converts_units, physical

NAMES = ("rates", "duration", "eta", "dt", "tau_m")


def by_bind_partial(*names):
    """The decorator's definition: bind every call with bind_partial, convert the named arguments in order."""

    def wrap(func):
        signature = inspect.signature(func)

        @functools.wraps(func)
        def converted(*args, **kwargs):
            bound = signature.bind_partial(*args, **kwargs)
            for name in names:
                if name in bound.arguments:
                    bound.arguments[name] = physical(bound.arguments[name], name)
            return func(*bound.args, **bound.kwargs)

        return converted

    return wrap


def run(rule, rates, /, duration, eta=1.0, *, dt=0.0005, tau_m=0.01, seed=None):
    return {"rule": rule, "rates": rates, "duration": duration, "eta": eta, "dt": dt, "tau_m": tau_m, "seed": seed}


def run_var(rule, rates, *more, duration, **options):
    return {"rule": rule, "rates": rates, "more": more, "duration": duration, **options}


R = [10.0, 50.0]
CALLS = {
    "positional": (("x", R, 1.0), {}),
    "all positional": (("x", R, 1.0, 0.5), {}),
    "keywords": (("x", R), {"duration": 2.0, "eta": 0.1, "dt": 0.001, "seed": 3}),
    "quantities": (("x", R * pq.Hz), {"duration": 100 * pq.ms, "tau_m": 20 * pq.ms}),
    "a quantity positionally": (("x", np.array(R) * pq.kHz, 2 * pq.s), {"eta": 0.1}),
    "plain numbers that warn, in order": (("x", R, 1000), {"tau_m": 10.0, "dt": 0.5}),
    "two wrong dimensions: the first named": (("x", R * pq.s), {"duration": 3 * pq.Hz}),
    "wrong dimension after a warning": (("x", R, 2000), {"tau_m": 5 * pq.Hz}),
    "missing required": (("x", R), {"eta": 0.1}),
    "missing required after a conversion": (("x", R * pq.Hz), {"tau_m": 10.0}),
    "too many positional": (("x", R, 1.0, 0.5, 0.1), {}),
    "given twice": (("x", R, 1.0), {"duration": 2.0}),
    "unknown keyword": (("x", R, 1.0), {"bogus": 1}),
    "positional-only by keyword": (("x",), {"rates": R, "duration": 1.0}),
    "nothing": ((), {}),
}


def outcome(func, args, kwargs):
    """What a call does: the values the function received (or the exception) and the warnings, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            got = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in func(*args, **dict(kwargs)).items()}
        except (TypeError, ValueError) as exc:
            got = (type(exc), str(exc))
    return got, [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("func", [run, run_var], ids=["plain signature", "*args and **kwargs"])
@pytest.mark.parametrize("call", sorted(CALLS))
def test_every_call_shape_is_converted_as_bind_partial_converts_it(func, call):
    args, kwargs = CALLS[call]
    fast, reference = converts_units(*NAMES)(func), by_bind_partial(*NAMES)(func)
    assert outcome(fast, args, kwargs) == outcome(reference, args, kwargs)


def test_the_calls_reach_every_outcome():
    """The cases above are not all alike: conversions, warnings and each kind of refusal occur."""
    fast = converts_units(*NAMES)(run)
    results = {call: outcome(fast, *CALLS[call]) for call in CALLS}
    assert results["quantities"][0]["duration"] == pytest.approx(0.1) and results["quantities"][0]["rates"] == R
    assert results["a quantity positionally"][0]["rates"] == [10000.0, 50000.0]
    assert [m.split(" is read")[0] for _, m in results["plain numbers that warn, in order"][1]] == [
        "duration = 1000",
        "dt = 0.5",
        "tau_m = 10.0",
    ]
    assert results["two wrong dimensions: the first named"][0][1].startswith("rates must be a rate")
    assert results["wrong dimension after a warning"][0][1].startswith("tau_m must be a time")
    assert "duration" in results["missing required"][0][1]
    for call in ("too many positional", "given twice", "unknown keyword", "positional-only by keyword"):
        assert results[call][0][0] is TypeError, call


def test_train_keeps_its_signature_for_introspection():
    import natspike

    params = inspect.signature(natspike.train).parameters
    assert list(params)[:3] == ["rule", "weights", "rates"] and params["teacher"].kind is params["teacher"].KEYWORD_ONLY


@pytest.mark.parametrize("options", [{}, {"record_every": 0.01, "neurons": 2}], ids=["one neuron", "a layer"])
def test_run_trials_allocates_from_the_plan_go_would_give_again(options):
    from natspike import _describe, _trials

    w0 = np.full(4, 0.01) if "neurons" not in options else np.full((2, 4), 0.01)
    kw = dict(n_trials=3, seed=1, teacher=np.zeros(w0.shape), options=dict(duration=0.05, eta=1e-3, **options))
    point = _trials._prepare("natural", w0, np.full(4, 10.0), **kw)
    again = point.job.outputs(point.n_trials)
    mine = _describe.allocate(point.plan)
    assert {k: a.shape for k, a in mine.items()} == {k: a.shape for k, a in again.items()}
    assert "completed" in mine and mine["weights"].shape[0] == 3


@pytest.mark.parametrize("call", ["train", "train, a layer", "run_trials"])
def test_a_call_parses_its_configuration_once(call):
    """Go counts the configuration texts it parses: the plan call and the run of one call parse one (a seed no
    other test uses, so that no earlier call planned the same text)."""
    import natspike
    from natspike import _native

    w0, r = np.full((2, 4) if "layer" in call else 4, 0.01), np.full(4, 10.0)
    kw = dict(teacher=-w0, duration=0.005, eta=1e-3, seed=730_416_981, test_samples=2, test_bins=3)
    before = _native.go.TrainParses()
    if call == "run_trials":
        result = natspike.run_trials("natural", w0, r, n_trials=3, workers=1, **kw)
    else:
        result = natspike.train("natural", w0, r, **kw)
    assert _native.go.TrainParses() - before == 1
    assert np.all(np.isfinite(result.weights)) and result.weights.shape[-1] == 4
