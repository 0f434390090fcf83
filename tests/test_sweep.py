"""natspike.sweep run locally: every grid point equals the run_trials call it
stands for, with the paper's two kinds of grid (Fig 9D learning rates, Fig 7
initial weights) as examples."""

import natspike
import numpy as np
import pytest
from natspike._sweep import sweep

N = 10
R = np.r_[np.full(N // 2, 10.0), np.full(N - N // 2, 50.0)]
DRAW = lambda rng: rng.uniform(-1 / N, 1 / N, (2, N))
ETA0 = {"natural": 6e-4, "euclidean": 4.5e-7}
COMMON = dict(duration=0.5, lr_convention="authors", record_every=0.25, test_samples=10, test_bins=100)


def test_fig9d_learning_rate_sweep_equals_run_trials_at_every_point():
    factors = [0.5, 1.0, 2.0]
    ds = sweep(
        {"rule": ["natural", "euclidean"], "eta_factor": factors},
        setup=lambda rule, eta_factor: {"eta": eta_factor * ETA0[rule]},
        weights=lambda rng: DRAW(rng)[0],
        teacher=lambda rng: DRAW(rng)[1],
        rates=R,
        n_trials=3,
        seed=9,
        progress=True,
        **COMMON,
    )
    assert ds["kl"].dims == ("rule", "eta_factor", "trial", "time")
    assert ds.attrs["computed_trials"] == 18 and ds["completed"].all()
    for rule in ETA0:
        for x in factors:
            ref = natspike.run_trials(
                rule,
                lambda rng: DRAW(rng)[0],
                R,
                teacher=lambda rng: DRAW(rng)[1],
                n_trials=3,
                seed=9,
                eta=x * ETA0[rule],
                **COMMON,
            )
            point = ds.sel(rule=rule, eta_factor=x)
            for name in ("weights", "kl", "rate_error", "weight_distance", "final_weights"):
                assert np.array_equal(point[name].values, getattr(ref, name)), (rule, x, name)
    # shared streams: every point starts trial i from the same w0 and w*
    w0 = ds["initial_weights"].values.reshape(-1, 3, N)
    assert (w0 == w0[0]).all()


def test_fig7_weight_grid_equals_train_at_every_point():
    values = [1.0 / N, 3.0 / N]
    neuron = natspike.Neuron(theta=15.0)
    rates = np.r_[np.full(5, 5.0), np.zeros(5)]
    options = dict(
        rule="natural",
        rates=rates,
        teacher=20.0,
        eta=1e-3,
        duration=0.5,
        neuron=neuron,
        coefficient_refresh="frozen",
        test_samples=10,
        test_bins=100,
    )
    ds = sweep(
        {"w_stim": values, "w_unstim": values},
        setup=lambda w_stim, w_unstim: {"weights": np.r_[np.full(5, w_stim), np.full(5, w_unstim)]},
        n_trials=2,
        seed=3,
        **options,
    )
    assert "weight_distance" not in ds and "target_weights" not in ds  # Poisson teacher
    w = np.r_[np.full(5, values[1]), np.full(5, values[0])]
    ref = natspike.run_trials(options.pop("rule"), w, options.pop("rates"), n_trials=2, seed=3, **options)
    assert np.array_equal(ds["final_weights"].sel(w_stim=values[1], w_unstim=values[0]).values, ref.final_weights)


def test_independent_streams_differ_between_points_and_are_reproducible():
    kw = dict(
        rule="euclidean",
        weights=lambda rng: DRAW(rng)[0],
        teacher=20.0,
        rates=R,
        n_trials=2,
        seed=4,
        streams="independent",
        **{**COMMON, "lr_convention": "exact"},
    )
    a = sweep({"eta": [1e-3, 1e-3 * (1 + 1e-12)]}, **kw)
    b = sweep({"eta": [1e-3, 1e-3 * (1 + 1e-12)]}, **kw)
    assert a.drop_attrs().identical(b.drop_attrs())
    roots = a["root_seed"].values
    assert roots[0] != roots[1]
    assert not np.array_equal(a["initial_weights"].values[0], a["initial_weights"].values[1])


def test_an_empty_grid_is_one_point_and_axes_may_be_options():
    ds = sweep(
        {},
        rule="natural",
        weights=lambda rng: DRAW(rng)[0],
        teacher=lambda rng: DRAW(rng)[1],
        rates=R,
        eta=1e-3,
        n_trials=2,
        seed=1,
        **{**COMMON, "lr_convention": "exact"},
    )
    assert ds["weights"].dims == ("trial", "time", "synapse")
    ds2 = sweep(
        {"rule": ["approximate"], "c_w": [0.05, 0.1]},
        weights=lambda rng: DRAW(rng)[0],
        teacher=lambda rng: DRAW(rng)[1],
        rates=R,
        eta=1e-3,
        n_trials=1,
        seed=1,
        **{**COMMON, "lr_convention": "exact"},
    )
    assert ds2["kl"].shape == (1, 2, 1, 3)
    assert not np.array_equal(ds2["final_weights"].values[0, 0], ds2["final_weights"].values[0, 1])


@pytest.mark.parametrize("workers", [1, 2])
def test_errors_stop_the_sweep_and_name_the_point(workers):
    with pytest.raises(ValueError, match=r"grid point eta=-1\.0: eta"):
        sweep(
            {"eta": [1e-3, -1.0]},
            rule="natural",
            weights=lambda rng: DRAW(rng)[0],
            rates=R,
            teacher=20.0,
            n_trials=2,
            seed=1,
            workers=workers,
            **COMMON,
        )
