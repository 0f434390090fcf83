"""Same seed, same bits: whatever the worker count, chunking, results store,
Go thread count (GOMAXPROCS) or Python thread count. (Local versus Dask:
tests/test_dask.py; worker counts of the native path: tests/test_api.py.)"""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import natspike
import numpy as np
import pytest
from natspike._sweep import sweep

N = 8
R = np.r_[np.full(N // 2, 10.0), np.full(N // 2, 50.0)]
DRAW = lambda rng: rng.uniform(-0.1, 0.1, (2, N))
TRIALS = dict(
    weights=lambda rng: DRAW(rng)[0],
    teacher=lambda rng: DRAW(rng)[1],
    n_trials=7,
    duration=0.3,
    eta=1e-3,
    seed=2**63 + 5,
    record_every=0.1,
    test_samples=5,
    test_bins=50,
)


def _trials(**kw):
    args = {**TRIALS, **kw}
    return natspike.run_trials("natural", args.pop("weights"), R, **args)


FIELDS = ("weights", "kl", "rate_error", "weight_distance", "final_weights", "times")


def _same(a, b):
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in FIELDS)


@pytest.mark.parametrize("workers, chunk_size", [(1, 1), (2, 3), (3, 7), (8, 2)])
def test_task_runs_with_a_store_match_the_native_run_bit_for_bit(workers, chunk_size, tmp_path):
    reference = _trials()
    stored = _trials(workers=workers, chunk_size=chunk_size, store=tmp_path / "s")
    assert _same(reference, stored)
    assert _same(reference, _trials(store=tmp_path / "s"))  # read back from disk


def test_sweep_points_match_run_trials_for_any_worker_count():
    grid = {"eta": [5e-4, 2e-3], "rule": ["natural", "euclidean"]}
    a = sweep(grid, rates=R, workers=1, **{k: v for k, v in TRIALS.items() if k != "eta"})
    b = sweep(grid, rates=R, workers=3, chunk_size=2, **{k: v for k, v in TRIALS.items() if k != "eta"})
    assert a.drop_attrs().identical(b.drop_attrs())
    ref = natspike.run_trials(
        "euclidean", TRIALS["weights"], R, **{**{k: v for k, v in TRIALS.items() if k != "weights"}, "eta": 2e-3}
    )
    assert np.array_equal(a["weights"].sel(eta=2e-3, rule="euclidean").values, ref.weights)


def _digest(arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, np.float64).tobytes())
    return h.hexdigest()


COMPUTE = textwrap.dedent("""
    import json, numpy as np, natspike
    R = np.r_[np.full(4, 10.0), np.full(4, 50.0)]
    W = np.linspace(-0.05, 0.08, 8)
    out = {
        "coefficients": [natspike.coefficients(np.linspace(-8, 8, 5000), 3.85, 78.0).g4],
        "sample_usps": [natspike.sample_usps(R, 700, bins=100, seed=3)],
        "monte_carlo": [natspike.fisher_matrix(W, R, method="monte_carlo", samples=3000, seed=4)],
        "run_trials": [natspike.run_trials("approximate", W, R, teacher=W[::-1].copy(), n_trials=6, duration=0.2,
                                           eta=1e-3, seed=5, record_every=0.1, test_samples=5, test_bins=50).weights],
    }
""")


def _digests_in_child(gomaxprocs):
    script = COMPUTE + textwrap.dedent("""
        import hashlib
        def digest(arrays):
            h = hashlib.sha256()
            for a in arrays:
                h.update(np.ascontiguousarray(a, np.float64).tobytes())
            return h.hexdigest()
        print(json.dumps({k: digest(v) for k, v in out.items()}))
    """)
    env = dict(os.environ, GOMAXPROCS=str(gomaxprocs))
    res = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    return json.loads(res.stdout)


@pytest.mark.timeout(300)
def test_go_thread_count_does_not_change_a_bit():
    one, four = _digests_in_child(1), _digests_in_child(4)
    scope = {}
    exec(COMPUTE, scope)
    here = {k: _digest(v) for k, v in scope["out"].items()}
    assert one == four == here


def test_python_thread_count_does_not_change_a_bit():
    def job(seed):
        return _trials(seed=seed, n_trials=3).final_weights

    serial = [job(s) for s in range(6)]
    for threads in (2, 6):
        with ThreadPoolExecutor(threads) as ex:
            assert all(np.array_equal(a, b) for a, b in zip(ex.map(job, range(6)), serial))


@pytest.mark.parametrize("teacher", ["realizable", "poisson"])
def test_trials_stepped_in_lockstep_equal_trials_run_alone(teacher):
    # One worker steps up to 4 trials in lockstep (fewer when n_trials / workers is small): 9 trials on 1 or
    # 2 workers (batches of 4), 3 on 1 (one batch of 3) and 3 or 1 on 2 (every trial alone) give the same
    # trials bit for bit.
    kw = dict(event_driven=True, coefficient_tolerance=1e-9)
    if teacher == "poisson":
        kw["teacher"] = 20.0
    runs = {(t, w): _trials(n_trials=t, workers=w, **kw) for t, w in [(9, 1), (9, 2), (3, 1), (3, 2), (1, 2)]}
    full = runs[9, 1]
    assert full.completed.all() and not np.array_equal(full.final_weights[0], full.final_weights[1])
    for (t, w), r in runs.items():
        np.testing.assert_array_equal(r.times, full.times)
        for f in FIELDS[:-1]:  # every per-trial output (no weight distance without target weights)
            if getattr(full, f) is not None:
                np.testing.assert_array_equal(
                    getattr(r, f), getattr(full, f)[:t], err_msg=f"{f}: {t} trials, {w} workers"
                )


# With η = 10, trial 0 diverges at bin 374 (0.187 s) and trial 1 already at bin 155 (0.0775 s).
DIVERGING = dict(eta=10.0, n_trials=7)


def _divergence(**kw):
    with pytest.raises(natspike.DivergenceError) as info:
        _trials(**{**DIVERGING, **kw})
    return str(info.value)


def test_the_earlier_divergence_is_trial_1s():
    # Cut at 0.15 s, before trial 0 diverges: the run's error is trial 1's, at bin 155.
    assert _divergence(duration=0.15).startswith("trial 1: learning diverged at t = 0.0775 s (bin 155)")


@pytest.mark.parametrize(
    "how",
    [dict(workers=1), dict(workers=2), dict(), dict(workers=2, chunk_size=1), dict(workers=3, chunk_size=2)],
    ids=["native-1", "native-2", "native-all", "tasks-2x1", "tasks-3x2"],
)
def test_a_failed_run_names_its_lowest_failing_trial_whatever_fails_first(how, tmp_path):
    # Trial 1 diverges first in time and in bins (in lockstep too); the error is trial 0's, exactly as trial 0
    # alone gives it, on any number of workers, in one native call or in tasks of a results store.
    alone = _divergence(n_trials=1)
    assert alone.startswith("trial 0: learning diverged at t = 0.187 s (bin 374)")
    if "chunk_size" in how:
        how = {**how, "store": tmp_path / "s"}
    assert _divergence(**how) == alone
