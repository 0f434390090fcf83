"""Opt-in speed options of train/run_trials: event-driven evaluation and the coefficient cache.

Both change numbers only by rounding or by a bounded interpolation error; the issue's bar for such
shortcuts is trajectories within 1e-6 relative of the default per-bin dense exact evaluation.
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
    [{"event_driven": True}, {"coefficient_tolerance": 1e-9}, {"event_driven": True, "coefficient_tolerance": 1e-9}],
)
def test_speed_options_stay_within_1e_6_of_the_exact_dense_run(rule, options):
    kw = dict(teacher=WSTAR, duration=20.0, eta=ETA[rule], record_every=1.0, seed=3, trace_every=0.05)
    exact = natspike.train(rule, W0, RATES, **kw)
    fast = natspike.train(rule, W0, RATES, **kw, **options)
    assert _deviation(fast.weights, exact.weights) < 1e-6
    assert _deviation(fast.voltage, exact.voltage) < 1e-6
    np.testing.assert_allclose(fast.kl, exact.kl, rtol=1e-6)
    assert np.abs(exact.weights[-1] - exact.weights[0]).max() > 1e-4, "weights did not move"
    assert fast.params.get("event_driven", False) == options.get("event_driven", False)


def test_event_driven_run_trials_is_independent_of_workers():
    kw = dict(teacher=WSTAR, n_trials=4, seed=5, duration=2.0, eta=2e-3, event_driven=True, coefficient_tolerance=1e-9)
    one = natspike.run_trials("natural", W0, RATES, workers=1, **kw)
    two = natspike.run_trials("natural", W0, RATES, workers=2, **kw)
    np.testing.assert_array_equal(one.weights, two.weights)


@pytest.mark.parametrize(
    "kwargs,exc,words",
    [
        ({"coefficient_tolerance": 0.0}, ValueError, "coefficient_tolerance"),
        ({"coefficient_tolerance": 2.0}, ValueError, "coefficient_tolerance"),
        ({"event_driven": 1}, TypeError, "event_driven"),
        ({"event_driven": True, "neuron": natspike.Neuron(tau_s=0.01)}, ValueError, "event_driven"),
    ],
)
def test_bad_speed_options_raise_naming_the_parameter(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        natspike.train("natural", W0, RATES, teacher=WSTAR, duration=0.1, eta=1e-3, **kwargs)
