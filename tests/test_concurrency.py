"""Concurrency and leaks: many Python threads at once, 10⁴ calls, and
processes started with spawn, forkserver and (refused) fork."""

import gc
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import natspike
import numpy as np
import pytest
from natspike import _native
from natspike._sweep import sweep

W = np.array([0.02, -0.01, 0.015, 0.005, 0.01, -0.02])
R = np.array([10.0, 50.0, 20.0, 5.0, 0.0, 30.0])
TEACHER = W[::-1].copy()
SMALL = dict(test_samples=5, test_bins=50)

CALLS = {
    "coefficients": lambda: natspike.coefficients(np.linspace(-5, 5, 50), 3.85, 78.0).g1,
    "fisher_matrix": lambda: natspike.fisher_matrix(W, R),
    "inverse_fisher_matrix": lambda: natspike.inverse_fisher_matrix(W, R + 1),
    "monte_carlo_fisher": lambda: natspike.fisher_matrix(W, R, method="monte_carlo", samples=200, seed=3),
    "sample_usps": lambda: natspike.sample_usps(R, 40, seed=4),
    "train": lambda: (
        natspike.train(
            "natural", W, R, teacher=TEACHER, duration=0.2, eta=1e-3, seed=5, record_every=0.05, **SMALL
        ).weights
    ),
    "run_trials": lambda: (
        natspike.run_trials(
            "approximate", W, R, teacher=20.0, n_trials=3, duration=0.1, eta=1e-3, seed=6, workers=2, **SMALL
        ).final_weights
    ),
    "sweep": lambda: (
        sweep(
            {"eta": [1e-3, 2e-3]},
            rule="euclidean",
            weights=W,
            rates=R,
            teacher=TEACHER,
            duration=0.1,
            seed=7,
            workers=2,
            **SMALL,
        )["kl"].values
    ),
}


@pytest.mark.timeout(300)
def test_eight_threads_at_once_give_the_serial_results():
    serial = {name: call() for name, call in CALLS.items()}
    names = list(CALLS)
    start = threading.Barrier(8)
    mismatches, errors = [], []

    def worker(k):
        start.wait()
        try:
            for rep in range(3):
                for name in names[k % len(names) :] + names[: k % len(names)]:  # a different order per thread
                    if not np.array_equal(CALLS[name](), serial[name]):
                        mismatches.append((k, rep, name))
        except BaseException as exc:  # reported below
            errors.append((k, exc))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    assert not errors and not mismatches


def _rss() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


LEAK_CALLS = [
    lambda: natspike.coefficients(0.5, 3.85, 78.0),
    lambda: natspike.fisher_matrix(W, R),
    lambda: natspike.sample_usps(R, 4, bins=20, seed=1),
    lambda: natspike.train(
        "euclidean", W, R, teacher=TEACHER, duration=0.005, eta=1e-3, seed=2, test_samples=2, test_bins=10
    ),
    lambda: natspike.run_trials(
        "euclidean", W, R, teacher=TEACHER, n_trials=2, duration=0.005, eta=1e-3, seed=3, test_samples=2, test_bins=10
    ),
    lambda: pytest.raises(ValueError, natspike.coefficients, 100.0, 1.0, 1.0),  # an error from Go
    lambda: pytest.raises(RuntimeError, _native.call, _native.functions["ns_debug_panic"], 0),  # a recovered panic
]
RSS_GROWTH = {}


@pytest.mark.timeout(300)
def test_ten_thousand_calls_grow_resident_memory_by_less_than_10_mb():
    for i in range(1400):  # warm-up: allocator arenas, Go heap, lazy imports
        LEAK_CALLS[i % len(LEAK_CALLS)]()
    gc.collect()
    before = _rss()
    for i in range(10_000):
        LEAK_CALLS[i % len(LEAK_CALLS)]()
    gc.collect()
    growth = _rss() - before
    RSS_GROWTH["bytes"] = growth
    print(f"RSS growth over 10^4 calls: {growth / 2**20:.2f} MiB")
    assert growth < 10 * 2**20


def _run_trials_in_child(seed):
    import natspike as ns

    return ns.run_trials(
        "natural", W, R, teacher=TEACHER, n_trials=3, duration=0.2, eta=1e-3, seed=seed, **SMALL
    ).final_weights


@pytest.mark.timeout(180)
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_spawned_and_forkserver_processes_compute_the_same_numbers(method):
    with _native.mp_context(method).Pool(2) as pool:
        children = pool.map(_run_trials_in_child, [11, 12])
    for seed, child in zip([11, 12], children):
        assert np.array_equal(child, _run_trials_in_child(seed))


def test_mp_context_refuses_fork():
    with pytest.raises(ValueError, match="spawn"):
        _native.mp_context("fork")


@pytest.mark.timeout(120)
def test_a_fork_pool_fails_clearly_instead_of_hanging():
    script = textwrap.dedent("""
        import multiprocessing, warnings
        import natspike
        warnings.simplefilter("ignore")
        def work(_):
            return float(natspike.coefficients(0.0, 3.85, 78.0).c1)
        if __name__ == "__main__":
            pool = multiprocessing.get_context("fork").Pool(1)
            try:
                pool.apply(work, (0,))
                print("ran")
            except RuntimeError as exc:
                print("refused:", exc)
            finally:
                pool.terminate()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=100)
    assert out.stdout.startswith("refused:") and "spawn" in out.stdout, out.stdout + out.stderr
