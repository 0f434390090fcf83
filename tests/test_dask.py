"""Scale-out on Dask: run_trials(client=...) and sweep(..., client=...) on a
LocalCluster of two worker processes on the loopback interface give the
local numbers bit for bit, spread the work over both workers, resume from a
store, and report worker faults and divergences like local runs."""

import natspike
import numpy as np
import pytest
from natspike._sweep import sweep

distributed = pytest.importorskip("dask.distributed")

N = 10
R = np.r_[np.full(N // 2, 10.0), np.full(N - N // 2, 50.0)]
DRAW = lambda rng: rng.uniform(-1 / N, 1 / N, (2, N))
TRIALS = dict(
    teacher=lambda rng: DRAW(rng)[1],
    duration=0.5,
    eta=6e-4,
    lr_convention="authors",
    record_every=0.25,
    seed=2022,
    test_samples=10,
    test_bins=100,
)
FIELDS = (
    "times",
    "weights",
    "kl",
    "rate_error",
    "weight_distance",
    "final_weights",
    "initial_weights",
    "target_weights",
    "completed",
)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _trials(rule="natural", **kw):
    return natspike.run_trials(rule, lambda rng: DRAW(rng)[0], R, **{**TRIALS, **kw})


IDENTITY = {}


@pytest.mark.timeout(120)
def test_run_trials_on_dask_is_bit_identical_and_uses_both_workers(client):
    local = _trials(n_trials=12)
    with distributed.get_task_stream(client) as stream:
        remote = _trials(n_trials=12, client=client, chunk_size=2, progress=True)
    for name in FIELDS:
        assert np.array_equal(getattr(local, name), getattr(remote, name)), name
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2, workers
    IDENTITY["run_trials"] = dict(trials=12, tasks=len(stream.data), workers=len(workers), identical=True)


@pytest.mark.timeout(120)
def test_input_pool_on_dask_is_bit_identical(client):
    pool = dict(n_trials=6, input_pool_size=100, input_pool_interval=0.1)
    local = _trials(**pool)
    remote = _trials(**pool, client=client, chunk_size=2)
    for name in FIELDS:
        assert np.array_equal(getattr(local, name), getattr(remote, name)), name
    assert remote.params["input_pool_size"] == 100


def _fig9d(**kw):
    eta0 = {"natural": 6e-4, "euclidean": 4.5e-7}
    return sweep(
        {"rule": ["natural", "euclidean"], "eta_factor": [0.5, 1.0, 2.0]},
        setup=lambda rule, eta_factor: {"eta": eta_factor * eta0[rule]},
        weights=lambda rng: DRAW(rng)[0],
        rates=R,
        n_trials=3,
        **{**TRIALS, "eta": None},
        **kw,
    )


def _fig7(**kw):
    values = [1.0 / N, 2.5 / N, 4.5 / N]
    return sweep(
        {"w_stim": values, "w_unstim": values},
        setup=lambda w_stim, w_unstim: {"weights": np.r_[np.full(5, w_stim), np.full(5, w_unstim)]},
        rule="natural",
        rates=np.r_[np.full(5, 5.0), np.zeros(5)],
        teacher=20.0,
        eta=1e-3,
        duration=0.5,
        neuron=natspike.Neuron(theta=15.0),
        coefficient_refresh="frozen",
        n_trials=2,
        seed=7,
        test_samples=10,
        test_bins=100,
        **kw,
    )


@pytest.mark.timeout(120)
@pytest.mark.parametrize("make", [_fig9d, _fig7], ids=["fig9d-learning-rates", "fig7-weight-grid"])
def test_sweeps_on_dask_equal_local_sweeps(make, client):
    local, remote = make(), make(client=client, progress=True)
    assert local.drop_attrs().identical(remote.drop_attrs())
    IDENTITY[make.__name__] = dict(points=int(local["root_seed"].size), identical=True)


@pytest.mark.timeout(120)
def test_a_dask_sweep_resumes_a_local_store_computing_only_the_rest(client, tmp_path):
    store = tmp_path / "fig9d"
    first = _fig9d(store=store, workers=2)
    assert first.attrs["computed_trials"] == 18
    extended = sweep(
        {"rule": ["natural", "euclidean"], "eta_factor": [0.5, 1.0, 2.0]},
        setup=lambda rule, eta_factor: {"eta": eta_factor * {"natural": 6e-4, "euclidean": 4.5e-7}[rule]},
        weights=lambda rng: DRAW(rng)[0],
        rates=R,
        n_trials=5,
        store=store,
        client=client,
        **{**TRIALS, "eta": None},
    )
    assert extended.attrs["loaded_trials"] == 18 and extended.attrs["computed_trials"] == 12
    assert first.drop_attrs().identical(extended.isel(trial=slice(0, 3)).drop_attrs())


def _arm_worker_fault():
    from natspike import _native

    _native.call(_native.functions["ns_debug_arm_fault"], b"worker")


@pytest.mark.timeout(120)
def test_a_panic_on_a_dask_worker_is_a_runtime_error_and_the_cluster_keeps_working(client):
    client.run(_arm_worker_fault)  # on both workers
    with pytest.raises(RuntimeError, match="fault injected into a worker goroutine"):
        _trials(n_trials=2, client=client, chunk_size=2)
    client.run(
        lambda: __import__("natspike")._native.call(__import__("natspike")._native.functions["ns_debug_arm_fault"], b"")
    )
    assert _trials(n_trials=4, client=client).completed.all()


@pytest.mark.timeout(120)
def test_a_divergence_on_dask_names_the_grid_point_and_time(client):
    with pytest.raises(natspike.DivergenceError, match=r"grid point eta=1e\+200: .*diverged at t = "):
        sweep(
            {"eta": [1e-3, 1e200]},
            rule="natural",
            weights=lambda rng: DRAW(rng)[0],
            rates=R,
            n_trials=2,
            client=client,
            **{**TRIALS, "eta": None},
        )


def _divergence(**kw):
    # η = 0.5: trial 0 diverges at 37.0 s, trial 1 at 33.4 s, trial 2 already at 0.19 s
    with pytest.raises(natspike.DivergenceError) as info:
        _trials(**{"eta": 0.5, "n_trials": 8, "duration": 40.0, "record_every": 20.0, **kw})
    return str(info.value)


@pytest.mark.timeout(120)
def test_a_failed_run_on_dask_names_its_lowest_failing_trial_as_a_local_run_does(client):
    # Trials 1 and 2 fail before trial 0 ends: the error is still trial 0's, as it is alone.
    assert _divergence(duration=1.0, record_every=0.5).startswith("trial 2: learning diverged at t = 0.1945 s")
    alone = _divergence(n_trials=1)
    assert alone.startswith("trial 0: learning diverged at t = 36.9965 s (bin 73993)")
    for chunk_size in (1, 3):
        assert _divergence(client=client, chunk_size=chunk_size) == alone


@pytest.mark.timeout(300)
def test_figure9_early_stop_on_dask_equals_the_local_run(client, tmp_path):
    """Fig 9's passes of increasing length on Dask (run_trials per configuration) give the local numbers,
    write the same results stores, and a second run with the store computes nothing."""
    from natspike import experiments as ex

    sizes = dict(n_trials=2, duration_minutes=6.0, n=20, eta_factors=(4.0, 10.0), record_every=10.0)
    local = ex.figure9(**sizes, store=tmp_path / "local")
    remote = ex.figure9(**sizes, client=client, store=tmp_path / "dask")
    assert np.isnan(local["kl_sweep"].values).any()  # some run crossed in a shorter pass
    for name in local.data_vars:
        np.testing.assert_array_equal(remote[name].values, local[name].values, err_msg=name)
    runs = lambda folder: sorted(p.name for p in (folder / "runs").iterdir())
    assert runs(tmp_path / "dask") == runs(tmp_path / "local")
    with distributed.get_task_stream(client) as stream:
        again = ex.figure9(**sizes, client=client, store=tmp_path / "dask")
    assert stream.data == []
    np.testing.assert_array_equal(again["convergence_time"].values, local["convergence_time"].values)


@pytest.mark.timeout(300)
def test_the_paper_on_dask_writes_the_local_figures_and_shares_their_results_folder(client, tmp_path):
    """paper(client=...) runs the figures that take a client on Dask: every figure's data equals the local
    run's bit for bit, and a local results folder finished on Dask is read, not computed again."""
    import xarray as xr
    from natspike.experiments._paper import SMOKE_SIZES, paper

    only = ["3de", "3f", "4", "9", "12cf"]  # 4 takes no client and runs here
    run = lambda out, **kw: paper(tmp_path / out, only=only, sizes=SMOKE_SIZES, progress=False, **kw)
    local = run("local")
    with distributed.get_task_stream(client) as stream:
        remote = run("dask", client=client)
    assert len(stream.data) > 0  # the learning trials ran on the cluster
    assert [r["status"] for r in remote] == ["computed"] * len(only)
    assert [r["trials_computed"] for r in remote] == [r["trials_computed"] for r in local]
    assert [r["claim"] for r in remote] == [r["claim"] for r in local]
    for name in only:
        a, b = (xr.load_dataset(tmp_path / out / f"figure{name}.nc") for out in ("local", "dask"))
        assert sorted(a.data_vars) == sorted(b.data_vars)
        for v in a.data_vars:
            np.testing.assert_array_equal(b[v].values, a[v].values, err_msg=f"{name}: {v}")
    again = paper(tmp_path / "again", store=tmp_path / "dask" / "store", only=only, sizes=SMOKE_SIZES, progress=False)
    assert [r["status"] for r in again] == ["stored"] * len(only)  # the Dask run's folder, read by a local run


@pytest.mark.timeout(300)
def test_the_paper_command_runs_on_the_scheduler_it_is_given(client, tmp_path, monkeypatch, capsys):
    from natspike.__main__ import main

    monkeypatch.setenv("NATSPIKE_SMOKE", "1")
    assert main(["paper", "--only", "3f", "--out", str(tmp_path / "local"), "--no-progress"]) == 0
    local = capsys.readouterr().out
    with distributed.get_task_stream(client) as stream:
        address = client.scheduler.address
        assert (
            main(["paper", "--only", "3f", "--out", str(tmp_path / "dask"), "--no-progress", "--scheduler", address])
            == 0
        )
    assert len(stream.data) > 0
    claim = lambda out: out.splitlines()[0]  # the claim line; the summary's times differ
    assert claim(capsys.readouterr().out) == claim(local)


def test_the_paper_command_names_a_scheduler_it_cannot_reach(tmp_path):
    from natspike.__main__ import main

    with pytest.raises(SystemExit, match=r"--scheduler: could not reach a Dask scheduler at 'nowhere://x'"):
        main(["paper", "--only", "3f", "--out", str(tmp_path), "--scheduler", "nowhere://x"])


CONFIGURATIONS = [
    {"rule": "natural", "eta": 6e-4},
    {"rule": "euclidean", "eta": 4.5e-7},
    {"rule": "approximate", "eta": 4.5e-4},
]
SHARED_TRIALS = {**TRIALS, "n_trials": 6, "duration": 2.0, "record_every": 0.5}
del SHARED_TRIALS["eta"]


def _configurations(**kw):
    return natspike.run_configurations(CONFIGURATIONS, lambda rng: DRAW(rng)[0], R, **{**SHARED_TRIALS, **kw})


@pytest.mark.timeout(120)
def test_run_configurations_on_dask_is_bit_identical_shares_inputs_and_resumes(client, tmp_path):
    """Each Dask task is one shared-input call for a chunk of trials of every configuration: the local
    numbers bit for bit, one task per chunk (not per configuration), and a store finished on Dask is read."""
    local = _configurations()
    with distributed.get_task_stream(client) as stream:
        remote = _configurations(client=client, chunk_size=2, store=tmp_path / "store")
    assert len(stream.data) == 3  # 6 trials in chunks of 2, all three configurations in each task
    for j, (a, b) in enumerate(zip(local, remote)):
        for name in FIELDS:
            np.testing.assert_array_equal(getattr(b, name), getattr(a, name), err_msg=f"configuration {j}: {name}")
    read = _configurations(store=tmp_path / "store")  # locally, from the store the Dask run wrote
    for a, b in zip(local, read):
        np.testing.assert_array_equal(b.weights, a.weights)


@pytest.mark.timeout(120)
def test_run_configurations_on_dask_names_the_lowest_failing_trial_as_a_local_run_does(client):
    # η = 0.5 for the natural rule: trial 2 diverges first (at 0.19 s), trial 0 is the lowest to diverge.
    diverging = [{"rule": "natural", "eta": 0.5}, {"rule": "euclidean", "eta": 4.5e-7}]
    kw = dict(n_trials=8, duration=40.0, record_every=20.0, teacher=lambda rng: DRAW(rng)[1], seed=2022)
    run = lambda **more: natspike.run_configurations(diverging, lambda rng: DRAW(rng)[0], R, **{**TRIALS, **kw, **more})
    with pytest.raises(natspike.DivergenceError) as alone:
        run()
    assert str(alone.value).startswith("trial 0: configuration 0: learning diverged at t = 36.9965 s (bin 73993)")
    for chunk_size in (1, 3):
        with pytest.raises(natspike.DivergenceError) as remote:
            run(client=client, chunk_size=chunk_size)
        assert str(remote.value) == str(alone.value)
