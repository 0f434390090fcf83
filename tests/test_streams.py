"""Every per-trial callable of run_trials and sweep draws from its own stream (seed, trial, argument)."""

import zlib

import natspike
import numpy as np

N, RATES = 6, np.linspace(10.0, 40.0, 6)
UNIFORM = lambda rng: rng.uniform(-0.2, 0.2, N)  # one function for both weights and teacher
KW = dict(n_trials=4, seed=77, duration=0.05, eta=1e-3, record_every=0.05)


def _documented(root, trial, purpose):
    """The derivation the docs state, written out: SeedSequence(root, spawn_key=(trial, CRC-32 of the name))."""
    seq = np.random.SeedSequence(root, spawn_key=(trial, zlib.crc32(purpose.encode())))
    return UNIFORM(np.random.default_rng(seq))


def test_the_same_callable_for_weights_and_teacher_draws_different_vectors():
    res = natspike.run_trials("natural", UNIFORM, RATES, teacher=UNIFORM, **KW)
    for i in range(KW["n_trials"]):
        assert not np.allclose(res.initial_weights[i], res.target_weights[i])
        np.testing.assert_array_equal(res.initial_weights[i], _documented(77, i, "weights"))
        np.testing.assert_array_equal(res.target_weights[i], _documented(77, i, "teacher"))
    assert res.weight_distance[:, 0].min() > 0.1  # learning starts away from the optimum


def test_streams_do_not_depend_on_workers_or_a_store(tmp_path):
    one = natspike.run_trials("natural", UNIFORM, RATES, teacher=UNIFORM, workers=1, **KW)
    two = natspike.run_trials("natural", UNIFORM, RATES, teacher=UNIFORM, workers=2, **KW)
    stored = natspike.run_trials("natural", UNIFORM, RATES, teacher=UNIFORM, workers=2, store=tmp_path, **KW)
    for other in (two, stored):
        for name in ("initial_weights", "target_weights", "weights", "kl"):
            np.testing.assert_array_equal(getattr(one, name), getattr(other, name))


def test_sweep_points_give_each_callable_its_own_stream():
    ds = natspike.sweep(
        {"eta": [1e-3, 2e-3]},
        weights=UNIFORM,
        teacher=UNIFORM,
        rule="natural",
        rates=RATES,
        duration=0.05,
        n_trials=3,
        seed=5,
    )
    w0, wstar = ds["initial_weights"].values, ds["target_weights"].values
    assert w0.shape == wstar.shape == (2, 3, N)
    assert all(not np.allclose(w0[p, i], wstar[p, i]) for p in range(2) for i in range(3))
    np.testing.assert_array_equal(w0[1, 2], _documented(5, 2, "weights"))  # shared streams: the root seed
