"""Fig 9D's early stop: the runs at η/η0 ≠ 1 go in passes of increasing length, each rerunning from the start
only the runs whose trial-averaged D_KL has not crossed 5e-5 yet. It rests on a trial's numbers not depending
on the run's length (a shorter run is bit for bit the start of a longer one), checked here for the evaluations
and input protocols Fig 9 can use; and it must give the convergence times of full-length runs exactly."""

import natspike
import numpy as np
import pytest
from natspike import _native
from natspike import experiments as ex
from natspike.experiments._figure3 import PAPER_ETA, crossing_times, learning_curves
from natspike.experiments._figure9 import FIRST_PASS_FRACTION, pass_seconds

N = 10
R = np.repeat([10.0, 50.0], N // 2)
DRAW = lambda rng: rng.uniform(-1 / N, 1 / N, N)
PER_RECORD = ("weights", "kl", "rate_error", "weight_distance")

# n = 20, 2 trials, 8 min, records every 10 s: passes of 170 and 340 s, then 480 s. With these factors runs
# cross in each of the three passes and some never (checked below).
SMALL = dict(n_trials=2, duration_minutes=8.0, n=20, eta_factors=(3.0, 4.0, 8.0, 10.0), record_every=10.0)


@pytest.mark.parametrize(
    "speed",
    [{}, {"exact": True}, {"input_pool_size": 3}, {"event_driven": True, "coefficient_tolerance": 1e-9}],
    ids=["default", "exact", "input pool", "event-driven"],
)
def test_a_shorter_run_is_bit_for_bit_the_start_of_a_longer_one(speed):
    """Records of a 3-s run equal the first records of a 7.5-s run (and of one whose length is no whole
    number of records), for every trial, rule and evaluation; its final weights are the longer run's
    weights at 3 s."""
    kw = dict(n_trials=3, seed=7, teacher=DRAW, lr_convention="authors", record_every=0.5, **speed)
    configs = [{"rule": "natural", "eta": 6e-3}, {"rule": "euclidean", "eta": 4.5e-5}]
    short = natspike.run_configurations(configs, DRAW, R, duration=3.0, **kw)
    for duration in (7.5, 4.25):
        long = natspike.run_configurations(configs, DRAW, R, duration=duration, **kw)
        for a, b in zip(short, long):
            m = a.times.size
            assert m == 7 and b.times.size > m
            np.testing.assert_array_equal(a.times, b.times[:m])
            for name in PER_RECORD:
                np.testing.assert_array_equal(getattr(a, name), getattr(b, name)[:, :m], err_msg=name)
            np.testing.assert_array_equal(a.final_weights, b.weights[:, m - 1])
            assert not np.array_equal(a.final_weights, b.final_weights)  # the longer run did learn on


def test_pass_lengths_double_from_35_percent_in_whole_records():
    assert pass_seconds(8000 / 60, 100.0) == [2800.0, 5600.0]  # the paper's 133.3 min: 46.7 and 93.3 min, then all
    assert pass_seconds(100.0, 100.0) == [2100.0, 4200.0]  # the default 100 min
    assert pass_seconds(8.0, 10.0) == [170.0, 340.0]  # 168 s rounded up to whole records
    assert pass_seconds(1.0, 20.0) == [40.0]  # the paper command's smoke size; 80 s would be all of it
    assert pass_seconds(250 / 60, 100.0) == [100.0]  # the last record is at 200 s: a 200-s pass would be all
    assert f"first lasts {FIRST_PASS_FRACTION * 100:g} % of" in " ".join(ex.figure9.__doc__.split())  # one value
    assert pass_seconds(1.0, 60.0) == pass_seconds(1.0, None) == pass_seconds(1e-3, 100.0) == []
    for bad in (float("nan"), float("inf"), 10**400, -1.0, 0.0, "60", True):  # left to the full-length run to refuse
        assert pass_seconds(bad, 10.0) == pass_seconds(1.0, bad) == []


@pytest.fixture(scope="module")
def both():
    """SMALL with the early stop and with full-length curves for every factor."""
    return ex.figure9(**SMALL), ex.figure9(**SMALL, full_curves=True)


def _full_length_reference():
    """The old computation, independent of figure9: every (factor, rule) at the whole learning time, each
    factor on its own (numbers as in one shared call: run_configurations is bit for bit run_trials)."""
    kw = {k: v for k, v in SMALL.items() if k != "eta_factors"}
    n_trials, minutes = kw.pop("n_trials"), kw.pop("duration_minutes")
    out = {}
    for x in (1.0,) + SMALL["eta_factors"]:
        ds = learning_curves(
            {r: x * PAPER_ETA[r] for r in ("natural", "euclidean")}, (10.0, 50.0), n_trials, minutes, 2022, **kw
        )
        out[x] = ds
    return out


def test_early_stop_gives_the_convergence_times_of_full_length_runs(both):
    early, full = both
    ref = _full_length_reference()
    want = np.array([ref[x]["crossing_time"].values for x in early["eta_factor"].values])
    want_kl = np.stack([ref[x]["kl"].values for x in early["eta_factor"].values])
    # the reference's crossings, from its own mean D_KL: natural crosses in each pass, Euclidean never
    np.testing.assert_array_equal(want, crossing_times(want_kl, ref[1.0]["time"].values))
    np.testing.assert_array_equal(early["convergence_time"].values, want)
    np.testing.assert_array_equal(full["convergence_time"].values, want)
    np.testing.assert_array_equal(full["kl_sweep"].values, want_kl)
    # early stop: the mean D_KL of every run up to the end of the pass it crossed in, NaN after it
    ends = np.select([want <= 170, want <= 340], [170, 340], 480)  # NaN (never) compares False: the last pass
    ends[0] = 480  # x = 1 runs the whole learning time
    assert set(ends[1:].ravel()) == {170, 340, 480} and np.isnan(want[1:]).any()
    computed = np.isfinite(early["kl_sweep"].values)
    np.testing.assert_array_equal(early["kl_sweep"].values[computed], want_kl[computed])
    np.testing.assert_array_equal(computed, early["time"].values <= ends[..., None])
    assert (~computed).any()
    for name in set(early.data_vars) - {"kl_sweep"}:  # Panels A-C: the x = 1 runs, always full length
        assert early[name].identical(full[name]), name
    np.testing.assert_array_equal(early["kl_trials"].values, ref[1.0]["kl_trials"].values)
    assert ex.claim_figure9(early) == ex.claim_figure9(full)


def test_the_plot_draws_a_sweep_with_nan_tails(both):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from natspike import plotting

    early, full = both
    a, b = plotting.figure9(early), plotting.figure9(full)
    lines = lambda ax: [
        (np.asarray(ln.get_xdata()).tolist(), np.asarray(ln.get_ydata()).tolist()) for ln in ax.get_lines()
    ]
    for ax_a, ax_b in zip(a.axes, b.axes):  # every panel as drawn from full-length curves
        assert lines(ax_a) == lines(ax_b)
    t = early["convergence_time"].sel(rule="natural").values
    assert lines(a.axes[3])[0] == (
        early["eta_factor"].values[np.isfinite(t)].tolist(),
        (t[np.isfinite(t)] / 60).tolist(),
    )
    import matplotlib.pyplot as plt

    plt.close(a)
    plt.close(b)


def test_a_second_run_with_the_same_store_computes_nothing(tmp_path, monkeypatch, both):
    early, _ = both
    store = tmp_path / "store"
    first = ex.figure9(**SMALL, store=store)
    calls = []
    real = _native.functions["ns_run_configurations"]
    monkeypatch.setitem(_native.functions, "ns_run_configurations", lambda *a: calls.append(1) or real(*a))
    again = ex.figure9(**SMALL, store=store)
    assert calls == []
    # one results store per run of every pass: 8 in the 170-s pass, then one per run not crossed yet
    t = early["convergence_time"].drop_sel(eta_factor=1.0).values
    stores = 8 + (~(t <= 170)).sum() + (~(t <= 340)).sum() + 2
    assert len([p for p in (store / "runs").iterdir() if p.is_dir()]) == stores < 3 * 8 + 2
    for ds in (first, again):
        for name in early.data_vars:
            np.testing.assert_array_equal(ds[name].values, early[name].values, err_msg=name)
