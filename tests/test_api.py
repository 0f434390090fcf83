"""API behaviour of train / run_trials / Result: shapes, dtypes, seeds, errors, persistence."""

import natspike
import numpy as np
import pytest

N = 10
RATES = np.r_[np.full(N // 2, 10.0), np.full(N - N // 2, 50.0)]
W0 = np.linspace(-0.05, 0.05, N)
WSTAR = np.linspace(0.04, -0.03, N)


def _train(rule="natural", **kw):
    opts = dict(teacher=WSTAR, duration=1.0, eta=1e-3, record_every=0.25, seed=11)
    opts.update(kw)
    return natspike.train(rule, W0, RATES, **opts)


def test_train_returns_records_with_documented_shapes_and_dtypes():
    res = _train()
    assert res.times.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert res.weights.shape == (5, N) and res.weights.dtype == np.float64
    for name in ("kl", "rate_error", "weight_distance"):
        assert getattr(res, name).shape == (5,)
    np.testing.assert_array_equal(res.weights[0], W0)
    np.testing.assert_array_equal(res.weights[-1], res.final_weights)
    assert res.weight_distance[0] == pytest.approx(np.linalg.norm(W0 - WSTAR), rel=1e-12)
    assert res.seed == 11 and res.version == natspike.__version__
    assert res.params["rule"] == "natural" and res.params["rates"] == RATES.tolist()


def test_poisson_teacher_has_no_weight_distance_and_replay_has_no_objective():
    res = _train(teacher=20.0)
    assert res.weight_distance is None and res.kl.shape == (5,)
    res = _train(teacher=natspike.SpikeTrain([], t_stop=1.0))
    assert res.kl is None and res.rate_error is None and res.weight_distance is None


def test_same_seed_same_numbers_and_other_seed_other_numbers():
    a, b, c = _train(seed=5), _train(seed=5), _train(seed=6)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert not np.array_equal(a.weights, c.weights)


@pytest.mark.parametrize("make", [lambda: np.random.SeedSequence(42), lambda: np.random.default_rng(42)])
def test_seed_accepts_seedsequence_and_generator_reproducibly(make):
    a, b = _train(seed=make()), _train(seed=make())
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.seed == b.seed


def test_seed_none_is_recorded_and_replays():
    a = _train(seed=None)
    b = _train(seed=a.seed)
    np.testing.assert_array_equal(a.weights, b.weights)


def test_traces_are_recorded_on_request():
    res = _train(trace_every=0.01)
    assert res.voltage.shape == (100,) and res.rate.shape == (100,)
    assert np.all((res.rate > 0) & (res.rate < 100))


@pytest.mark.parametrize("name", ["run.nc", "run", "run.NPZ"])
def test_save_refuses_a_path_numpy_would_rename(tmp_path, name):
    # np.savez writes run.nc as run.nc.npz, which natspike.load("run.nc") then does not find.
    with pytest.raises(ValueError, match=r"path must end in \.npz"):
        _train().save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_save_load_round_trip_keeps_everything(tmp_path):
    res = _train()
    path = tmp_path / "run.npz"
    res.save(path)
    back = natspike.load(path)
    for name in ("times", "weights", "kl", "rate_error", "weight_distance", "final_weights", "initial_weights"):
        np.testing.assert_array_equal(getattr(back, name), getattr(res, name))
    assert back.params == res.params and back.seed == res.seed and back.version == res.version


def test_to_xarray_labels_dimensions():
    ds = _train().to_xarray()
    assert ds["weights"].dims == ("time", "synapse")
    assert ds["kl"].dims == ("time",) and ds.attrs["seed"] == "11"


def test_run_trials_stacks_trials_and_is_identical_for_any_worker_count():
    kw = dict(
        n_trials=5, seed=3, teacher=lambda rng: rng.uniform(-0.05, 0.05, N), duration=0.5, eta=1e-3, record_every=0.25
    )
    one = natspike.run_trials("natural", lambda rng: rng.uniform(-0.05, 0.05, N), RATES, workers=1, **kw)
    two = natspike.run_trials("natural", lambda rng: rng.uniform(-0.05, 0.05, N), RATES, workers=2, **kw)
    assert one.weights.shape == (5, 3, N) and one.kl.shape == (5, 3) and one.completed.all()
    np.testing.assert_array_equal(one.weights, two.weights)
    np.testing.assert_array_equal(one.kl, two.kl)
    assert not np.array_equal(one.initial_weights[0], one.initial_weights[1])


def test_run_trials_chunk_equals_the_same_trials_of_a_full_run():
    kw = dict(seed=8, teacher=WSTAR, duration=0.25, eta=1e-3)
    full = natspike.run_trials("euclidean", W0, RATES, n_trials=4, **kw)
    single = natspike.train("euclidean", W0, RATES, **kw)
    np.testing.assert_array_equal(full.final_weights[0], single.final_weights)


@pytest.mark.parametrize(
    "kwargs,exc,words",
    [
        (dict(rule="newton"), ValueError, "rule"),
        (dict(rule=3), TypeError, "rule"),
        (dict(eta=-1.0), ValueError, "eta"),
        (dict(eta=float("nan")), ValueError, "eta"),
        (dict(duration=1e-6), ValueError, "duration"),
        (dict(weights=W0[:-1]), ValueError, "same length"),
        (dict(weights=np.r_[W0[:-1], np.nan]), ValueError, "weights"),
        (dict(rates=-RATES), ValueError, "rates"),
        (dict(rates=RATES * 1e3), ValueError, "rates"),
        (dict(teacher=WSTAR[:3]), ValueError, "teacher"),
        (dict(teacher=np.array([0, 2, 1], dtype=np.uint8)), ValueError, "teacher"),
        (dict(attenuation=np.full(N, 1.5)), ValueError, "attenuation"),
        (dict(lr_convention="fast"), ValueError, "lr_convention"),
        (dict(coefficient_refresh=0), ValueError, "coefficient_refresh"),
        (dict(record_every=1e-9), ValueError, "record_every"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(seed="x"), TypeError, "seed"),
        (dict(neuron="paper"), TypeError, "neuron"),
        (dict(inputs=np.zeros((3, N))), ValueError, "inputs"),
    ],
)
def test_bad_input_raises_naming_the_parameter(kwargs, exc, words):
    args = dict(rule="natural", weights=W0, rates=RATES)
    for k in list(args):
        if k in kwargs:
            args[k] = kwargs.pop(k)
    with pytest.raises(exc, match=words):
        _train(args["rule"], **{**kwargs}) if args["weights"] is W0 and args["rates"] is RATES else natspike.train(
            args["rule"],
            args["weights"],
            args["rates"],
            teacher=kwargs.pop("teacher", WSTAR),
            duration=1.0,
            eta=1e-3,
            **kwargs,
        )


@pytest.mark.parametrize("rule", ["euclidean", "natural", "approximate"])
def test_divergence_raises_divergence_error_naming_time_and_quantity(rule):
    with pytest.raises(
        natspike.DivergenceError,
        match=r"diverged at t = [0-9.e-]+ s \(bin \d+\): (membrane potential|weights|weight factor)",
    ):
        _train(eta=1e12, rule=rule)
