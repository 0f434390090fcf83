"""The evaluations of train/run_trials: the fast default (event-driven where it applies, the coefficient
cache), its overrides, and ``exact=True``, the per-bin dense quadrature reference.

The speed options change numbers only by rounding or by a bounded interpolation error; the bar for the
default is trajectories within 1e-8 of the weight change of ``exact=True`` (they share random streams);
each override alone is held to 1e-6 relative.
"""

import natspike
import numpy as np
import pytest

N = 40
RATES = np.where(np.arange(N) < N // 2, 10.0, 50.0)
RNG = np.random.default_rng(11)
W0, WSTAR = RNG.uniform(-1 / N, 1 / N, (2, N))
ETA = {"euclidean": 1.5e-6, "natural": 2e-3, "approximate": 1.5e-3}


def _deviation(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


@pytest.mark.parametrize("rule", ["euclidean", "natural", "approximate"])
@pytest.mark.parametrize(
    "options",
    [
        {"event_driven": True, "coefficient_tolerance": 0},
        {"event_driven": False, "coefficient_tolerance": 1e-9},
        {"event_driven": True, "coefficient_tolerance": 1e-9},
    ],
)
def test_speed_options_stay_within_1e_6_of_the_exact_dense_run(rule, options):
    kw = dict(teacher=WSTAR, duration=20.0, eta=ETA[rule], record_every=1.0, seed=3, trace_every=0.05)
    exact = natspike.train(rule, W0, RATES, **kw, exact=True)
    fast = natspike.train(rule, W0, RATES, **kw, **options)
    assert _deviation(fast.weights, exact.weights) < 1e-6
    assert _deviation(fast.voltage, exact.voltage) < 1e-6
    np.testing.assert_allclose(fast.kl, exact.kl, rtol=1e-6)
    assert np.abs(exact.weights[-1] - exact.weights[0]).max() > 1e-4, "weights did not move"
    assert fast.params["event_driven"] == options["event_driven"]


@pytest.mark.parametrize("rule", ["euclidean", "natural", "approximate"])
@pytest.mark.parametrize("teacher", ["realizable", "poisson"])
@pytest.mark.parametrize("dendritic", [False, True])
def test_default_agrees_with_exact_to_1e_8_of_the_weight_change(rule, teacher, dendritic):
    """Default and exact=True share their random streams (same teacher and input spikes), so their
    trajectories differ only by rounding and the cache's bounded error."""
    kw = dict(teacher=WSTAR if teacher == "realizable" else 20.0, duration=10.0, eta=ETA[rule], record_every=0.5)
    kw.update(seed=4, attenuation=np.linspace(0.3, 1.0, N) if dendritic else None)
    exact = natspike.train(rule, W0, RATES, **kw, exact=True).weights
    default = natspike.train(rule, W0, RATES, **kw).weights
    change = np.abs(exact - exact[0]).max()
    assert change > 1e-3 / N, "weights did not move"
    assert np.abs(default - exact).max() <= 1e-8 * change


@pytest.mark.parametrize(
    "kwargs,words",
    [
        ({"event_driven": True}, "event_driven=True and exact=True"),
        ({"coefficient_tolerance": 1e-9}, "coefficient_tolerance=1e-09 and exact=True"),
    ],
)
def test_exact_refuses_contradicting_overrides_naming_both(kwargs, words):
    with pytest.raises(ValueError, match=words):
        natspike.train("natural", W0, RATES, teacher=WSTAR, duration=0.1, eta=1e-3, exact=True, **kwargs)


def test_exact_accepts_overrides_that_repeat_it():
    kw = dict(teacher=WSTAR, duration=0.5, eta=1e-3, seed=1, exact=True)
    plain = natspike.train("natural", W0, RATES, **kw).weights
    same = natspike.train("natural", W0, RATES, **kw, event_driven=False, coefficient_tolerance=0).weights
    np.testing.assert_array_equal(plain, same)


def test_event_driven_run_trials_is_independent_of_workers():
    kw = dict(teacher=WSTAR, n_trials=4, seed=5, duration=2.0, eta=2e-3, event_driven=True, coefficient_tolerance=1e-9)
    one = natspike.run_trials("natural", W0, RATES, workers=1, **kw)
    two = natspike.run_trials("natural", W0, RATES, workers=2, **kw)
    np.testing.assert_array_equal(one.weights, two.weights)


@pytest.mark.parametrize(
    "kwargs,exc,words",
    [
        ({"coefficient_tolerance": 1e-15}, ValueError, "coefficient_tolerance"),
        ({"coefficient_tolerance": -1.0}, ValueError, "coefficient_tolerance"),
        ({"coefficient_tolerance": 2.0}, ValueError, "coefficient_tolerance"),
        ({"event_driven": 1}, TypeError, "event_driven"),
        ({"event_driven": True, "neuron": natspike.Neuron(tau_s=0.01)}, ValueError, "event_driven"),
    ],
)
def test_bad_speed_options_raise_naming_the_parameter(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        natspike.train("natural", W0, RATES, teacher=WSTAR, duration=0.1, eta=1e-3, **kwargs)
