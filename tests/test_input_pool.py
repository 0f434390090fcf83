"""The authors' input pool (spec §10.6), opt-in via ``input_pool_size`` of train/run_trials.

The NumPy cross-check of the learning dynamics with the reset traces is in test_crosscheck.py, the
statistics of the pool (rates, first-bin quirk, ramp-up transient) in core/input and core/learn.
"""

import natspike
import numpy as np
import pytest

N = 10
RATES = np.where(np.arange(N) < N // 2, 10.0, 50.0)
W0 = np.random.default_rng(4).uniform(-1 / N, 1 / N, N)
# A silent Poisson teacher makes the weights a function of the inputs alone: equal inputs, equal weights.
SHARED = dict(teacher=0.0, duration=0.6, eta=2e-3, seed=9, input_pool_interval=0.2)


def test_trials_share_one_pool_so_a_pool_of_one_train_gives_every_trial_the_same_inputs():
    pooled = natspike.run_trials("natural", W0, RATES, n_trials=3, input_pool_size=1, **SHARED)
    assert pooled.params["input_pool_size"] == 1
    assert np.array_equal(pooled.final_weights[0], pooled.final_weights[1])
    assert np.array_equal(pooled.final_weights[0], pooled.final_weights[2])
    assert not np.array_equal(pooled.final_weights[0], W0), "weights did not learn"
    poisson = natspike.run_trials("natural", W0, RATES, n_trials=2, **{**SHARED, "input_pool_interval": 1.0})
    assert poisson.params["input_pool_size"] is None
    assert not np.array_equal(poisson.final_weights[0], poisson.final_weights[1])
    other = natspike.run_trials("natural", W0, RATES, n_trials=1, input_pool_size=1, input_pool_stream=1, **SHARED)
    assert not np.array_equal(other.final_weights[0], pooled.final_weights[0]), "input_pool_stream was ignored"


def test_input_pool_results_do_not_depend_on_workers_or_tasks(tmp_path):
    kw = dict(
        teacher=lambda rng: rng.uniform(-1 / N, 1 / N, N),
        n_trials=4,
        seed=5,
        duration=0.5,
        eta=2e-3,
        input_pool_size=50,
        input_pool_interval=0.1,
    )
    one = natspike.run_trials("natural", W0, RATES, workers=1, **kw)
    two = natspike.run_trials("natural", W0, RATES, workers=2, **kw)
    tasks = natspike.run_trials("natural", W0, RATES, workers=2, store=tmp_path / "store", **kw)
    for res in (two, tasks):
        np.testing.assert_array_equal(res.weights, one.weights)
        np.testing.assert_array_equal(res.kl, one.kl)
    assert not np.array_equal(one.final_weights[0], one.final_weights[1])


def test_train_with_the_pool_restarts_the_inputs_every_interval():
    res = natspike.train(
        "natural",
        W0,
        RATES,
        teacher=W0[::-1],
        duration=0.3,
        eta=1e-3,
        seed=1,
        trace_every=5e-4,
        input_pool_size=20,
        input_pool_interval=0.1,
    )
    starts = np.arange(0, 600, 200)
    assert np.all(res.voltage[starts] == 0) and np.all(res.voltage[starts + 1] == 0)
    assert np.all(res.voltage[starts[1:] - 1] != 0)


@pytest.mark.parametrize(
    "kwargs,exc,words",
    [
        ({"input_pool_size": 0}, ValueError, r"input_pool_size must be None \(off\) or in \[1, 1000000\]"),
        ({"input_pool_size": 10**6 + 1}, ValueError, "input_pool_size"),
        ({"input_pool_size": 2.5}, TypeError, "input_pool_size"),
        ({"input_pool_size": True}, TypeError, "input_pool_size"),
        ({"input_pool_size": 8, "input_pool_interval": 1e-4}, ValueError, "input_pool_interval must be finite, >= dt"),
        ({"input_pool_size": 8, "input_pool_interval": 0.10025}, ValueError, "whole number of bins"),
        ({"input_pool_size": 8, "input_pool_interval": float("nan")}, ValueError, "input_pool_interval"),
        ({"input_pool_size": 8, "input_pool_stream": -1}, ValueError, "input_pool_stream"),
        ({"input_pool_interval": 0.5}, ValueError, "need input_pool_size"),
        ({"input_pool_size": 8, "event_driven": True}, ValueError, "input_pool_size and event_driven"),
        ({"input_pool_size": 8, "inputs": np.zeros((200, N), np.uint8)}, ValueError, "input_pool_size and inputs"),
        ({"input_pool_size": 10**6, "input_pool_interval": 100.0}, ValueError, "expected pool spikes"),
    ],
)
def test_bad_input_pool_options_raise_naming_the_parameter(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        natspike.train("natural", W0, RATES, teacher=W0, duration=0.1, eta=1e-3, **kwargs)


def test_run_trials_rejects_the_pool_with_event_driven():
    with pytest.raises(ValueError, match="input_pool_size and event_driven"):
        natspike.run_trials("natural", W0, RATES, n_trials=2, event_driven=True, input_pool_size=8, **SHARED)


def test_learning_curve_experiments_offer_the_authors_input_pool():
    from natspike import experiments

    kw = dict(n_trials=2, duration_minutes=1.0, seed=3, rules=("natural",), record_every=10.0)
    pooled = experiments.figure3f(input_pool_size=200, **kw)
    stream = experiments.figure3f(**kw)
    assert pooled.attrs["input_pool_size"] == 200 and stream.attrs["input_pool_size"] == 0
    assert pooled.attrs["event_driven"] == 0, "the pool has no event-driven form"
    assert np.all(np.isfinite(pooled["kl_trials"].values)) and np.all(pooled["kl_trials"].values > 0)
    # Same seed, same w0 and w*: the test set is the same, the training inputs are not.
    np.testing.assert_array_equal(pooled["kl_trials"].values[..., 0], stream["kl_trials"].values[..., 0])
    assert not np.array_equal(pooled["kl_trials"].values[..., -1], stream["kl_trials"].values[..., -1])
    for bad, error in ((0, ValueError), (-5, ValueError), (10**7, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(error, match="input_pool"):  # the error types of natspike.train's input_pool_size
            experiments.figure3f(input_pool_size=bad, **kw)
