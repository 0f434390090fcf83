"""Soak tests, run by `make soak` (NATSPIKE_SOAK=1), not by `make test`:
the reliability checks of the other test files, repeated long enough to
catch slow leaks, rare races and timing-dependent failures."""

import _thread
import gc
import os
import signal
import subprocess
import sys
import threading
import time

import natspike
import numpy as np
import pytest
from natspike import _native
from natspike._sweep import sweep

pytestmark = pytest.mark.skipif(not os.environ.get("NATSPIKE_SOAK"), reason="soak tests run with `make soak`")

N = 10
R = np.r_[np.full(5, 10.0), np.full(5, 50.0)]
DRAW = lambda rng: rng.uniform(-0.1, 0.1, (2, N))
KW = dict(
    weights=lambda rng: DRAW(rng)[0], teacher=lambda rng: DRAW(rng)[1], eta=1e-3, seed=5, test_samples=10, test_bins=100
)


def _goroutines():
    out = np.zeros(1, np.int64)
    _native.call(_native.functions["ns_debug_goroutines"], out)
    return int(out[0])


@pytest.mark.timeout(1800)
def test_soak_rss_over_100k_calls():
    sys.path.insert(0, os.path.dirname(__file__))
    from test_concurrency import LEAK_CALLS, _rss

    for i in range(2000):
        LEAK_CALLS[i % len(LEAK_CALLS)]()
    gc.collect()
    before, samples = _rss(), []
    for _block in range(10):
        for i in range(10_000):
            LEAK_CALLS[i % len(LEAK_CALLS)]()
        gc.collect()
        samples.append((_rss() - before) / 2**20)
    print(f"RSS growth after each 10^4 of 10^5 calls (MiB): {[round(s, 2) for s in samples]}")
    assert samples[-1] < 10


RUNS = {
    "train": lambda: natspike.train(
        "natural",
        DRAW(np.random.default_rng(0))[0],
        R,
        teacher=DRAW(np.random.default_rng(1))[1],
        duration=1e5,
        eta=1e-3,
        seed=1,
    ),
    "run_trials": lambda: natspike.run_trials("natural", rates=R, n_trials=64, duration=200.0, **KW),
    "sweep": lambda: sweep(
        {"eta": [1e-3, 2e-3]}, rule="natural", rates=R, n_trials=32, duration=200.0, **{**KW, "eta": None}
    ),
    "coefficients": lambda: natspike.coefficients(np.linspace(-5, 5, 2_000_000), 3.85, 78.0),
}


@pytest.mark.timeout(1800)
def test_soak_repeated_interrupts():
    # Import everything first: Ctrl-C landing inside an import (here, sweep's first `import xarray`)
    # can leave a CPython module lock held, which deadlocks later imports (Dask's, in the next test).
    sweep({"eta": [1e-3]}, rule="natural", rates=R, n_trials=1, duration=0.01, **{**KW, "eta": None})
    latencies = {name: [] for name in RUNS}
    rng = np.random.default_rng(1)
    for i in range(120):
        name = list(RUNS)[i % len(RUNS)]
        delay = float(rng.uniform(0.05, 0.6))
        timer = threading.Timer(delay, _thread.interrupt_main)
        timer.start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            RUNS[name]()
            time.sleep(5)  # finished before the timer: wait for it
        latencies[name].append(time.monotonic() - start - delay)
        assert _goroutines() == 0, f"goroutines left after interrupt {i} ({name})"
    worst = {name: max(v) for name, v in latencies.items()}
    print(
        f"interrupt latency over 120 interrupts, worst per call (ms): "
        f"{ {k: round(v * 1000) for k, v in worst.items()} }"
    )
    assert max(worst.values()) < 1.0


@pytest.mark.timeout(1800)
def test_soak_many_faults():
    sys.path.insert(0, os.path.dirname(__file__))
    from test_faults import CALLS, WORKER_CALLS, arm

    exports, workers = sorted(CALLS), list(WORKER_CALLS)
    for i in range(3000):
        if i % 3:
            arm(exports[i % len(exports)])
            call = CALLS[exports[i % len(exports)]]
        else:
            arm("worker")
            call = WORKER_CALLS[workers[i % len(workers)]]
        with pytest.raises(RuntimeError):
            call()
    arm("")
    assert _goroutines() == 0
    assert natspike.run_trials("natural", rates=R, n_trials=4, duration=1.0, **KW).completed.all()
    print("3000 faults injected (2000 in exports, 1000 in worker goroutines); runtime healthy")


@pytest.mark.timeout(1800)
def test_soak_dask_identity_on_a_larger_sweep():
    from dask.distributed import Client, LocalCluster

    grid = {"rule": ["natural", "euclidean", "approximate"], "eta_factor": [0.5, 1.0, 2.0]}
    eta0 = {"natural": 6e-4, "euclidean": 4.5e-7, "approximate": 4.5e-4}
    kw = dict(
        setup=lambda rule, eta_factor: {"eta": eta_factor * eta0[rule]},
        rates=R,
        n_trials=40,
        duration=20.0,
        record_every=5.0,
        lr_convention="authors",
        **{**KW, "eta": None},
    )
    local = sweep(grid, **kw)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        remote = sweep(grid, client=client, **kw)
    assert local.drop_attrs().identical(remote.drop_attrs())
    print(f"Dask identity: {local['completed'].size} trials on 9 grid points, bit-identical to the local run")


KILLED = """
import sys, numpy as np
from natspike._sweep import sweep
R = np.r_[np.full(5, 10.0), np.full(5, 50.0)]
DRAW = lambda rng: rng.uniform(-0.1, 0.1, (2, 10))
sweep({"eta": [5e-4, 1e-3, 2e-3]}, rule="natural", weights=lambda rng: DRAW(rng)[0], teacher=lambda rng: DRAW(rng)[1],
      rates=R, duration=5.0, n_trials=40, seed=3, test_samples=10, test_bins=100, store=sys.argv[1])
"""


@pytest.mark.timeout(1800)
def test_soak_repeated_sigkill_then_resume(tmp_path):
    store = tmp_path / "s"
    rng = np.random.default_rng(2)
    kills = []
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", KILLED, str(store)])
        time.sleep(float(rng.uniform(1.0, 3.0)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills.append(len([f for f in os.listdir(store / "shards") if not f.startswith(".")]))
    kw = dict(
        rule="natural",
        weights=lambda rng: DRAW(rng)[0],
        teacher=lambda rng: DRAW(rng)[1],
        rates=R,
        duration=5.0,
        n_trials=40,
        seed=3,
        test_samples=10,
        test_bins=100,
    )
    resumed = sweep({"eta": [5e-4, 1e-3, 2e-3]}, store=store, **kw)
    reference = sweep({"eta": [5e-4, 1e-3, 2e-3]}, **kw)
    assert resumed.drop_attrs().identical(reference.drop_attrs())
    print(f"stored trials after each of 8 SIGKILLs: {kills}; resumed run computed {resumed.attrs['computed_trials']}")
