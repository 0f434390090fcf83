"""Wall and CPU time of every figure, at default size and at the paper's size (README cost table).

Default size: each figure exactly as ``python -m natspike figure NAME`` runs it (a subprocess;
its CPU time includes all Go worker threads). Paper size: the cheap figures run ``--full`` in
full; for the expensive ones the paper's protocol runs with a few trials (or grid points) and
the cost is extrapolated to the paper's count. Trials are independent and equally long, so the
cost is linear in their number: two subset sizes give the fixed part (cost landscapes, test
sets) and the per-trial part.

CPU time ÷ 2 is the wall time on two free cores (``run_trials`` keeps both busy: parallel
efficiency ≈ 100 % in ``make bench``).

Usage::

    python tests/benchmarks/figure_costs.py [--only 3f,9] [--skip-default] [--skip-full] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

FIGURES = ("3bc", "3de", "3f", "4", "5", "7", "7eg", "9", "10", "11", "12ab", "12cf")
#: Figures whose ``--full`` run is affordable here (the rest are scaled from a subset).
RUN_FULL = ("3bc", "4", "5", "7eg", "10", "11", "12ab")


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cli_cost(name, *flags):
    """Wall and CPU seconds of ``python -m natspike figure NAME FLAGS`` (claim line kept)."""
    with tempfile.TemporaryDirectory() as out:
        cpu0, t0 = child_cpu(), time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "natspike", "figure", name, "--no-progress", "--out", out, *flags],
            capture_output=True,
            text=True,
            check=True,
        )
        wall, cpu = time.perf_counter() - t0, child_cpu() - cpu0
    claim = next((line for line in done.stdout.splitlines() if line.startswith("Fig")), "")
    return {"wall_s": wall, "cpu_s": cpu, "claim": claim}


def timed(run):
    cpu0, t0 = self_cpu(), time.perf_counter()
    run()
    return time.perf_counter() - t0, self_cpu() - cpu0


def subset_cost(make_run, small, large, full):
    """Run the paper's protocol with ``small`` and ``large`` units of work (trials or grid points)
    in-process and extrapolate linearly to ``full`` units: fixed part + per-unit part."""
    (w1, c1), (w2, c2) = timed(make_run(small)), timed(make_run(large))

    def extrapolate(a, b):
        per_unit = (b - a) / (large - small)
        return max(a - small * per_unit, 0.0) + full * per_unit

    return {
        "units": [small, large],
        "full": full,
        "subset_wall_s": [w1, w2],
        "subset_cpu_s": [c1, c2],
        "full_wall_s": extrapolate(w1, w2),
        "full_cpu_s": extrapolate(c1, c2),
    }


def full_subsets():
    """Paper-size protocols as functions of the number of trials (Fig 7: rows of the 600 × 600 grid,
    each 50 of its points), with the two subset sizes measured and the paper's count."""
    from natspike import experiments as ex

    minutes = ex.PAPER_MINUTES
    st = 0.25 + np.arange(1, 601) * 4.75 / 600
    ust = np.linspace(0.25, 5.0, 600)
    return {
        "3de": (
            lambda k: lambda: ex.figure3de(n_trials=k, duration_minutes=100.0, samples=2000, cost_step=0.006),
            2,
            6,
            500,
        ),
        "3f": (lambda k: lambda: ex.figure3f(n_trials=k, duration_minutes=minutes), 2, 6, 1000),
        "9": (
            lambda k: lambda: ex.figure9(n_trials=k, duration_minutes=minutes, eta_factors=ex.PAPER_ETA_FACTORS),
            2,
            4,
            1000,
        ),
        "12cf": (lambda k: lambda: ex.figure12_curves(n_trials=k, duration_minutes=minutes), 2, 4, 1000),
        "7": (lambda k: lambda: ex.figure7(grid=(st[: k // 50], ust[::12]), n_trials=1), 100, 300, 600 * 600),
    }


def hours(seconds):
    return f"{seconds / 3600:.2f} h" if seconds >= 3600 else f"{seconds:.0f} s"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default=",".join(FIGURES), help="comma-separated figure names")
    p.add_argument("--skip-default", action="store_true")
    p.add_argument("--skip-full", action="store_true")
    p.add_argument("--json", help="write all numbers here")
    args = p.parse_args()
    names = [n for n in args.only.split(",") if n]
    results = {"load_start": os.getloadavg()[0], "cpus": os.cpu_count()}
    subsets = {} if args.skip_full else full_subsets()
    for name in names:
        row = {}
        if not args.skip_default:
            row["default"] = cli_cost(name)
            d = row["default"]
            print(f"{name:5s} default: wall {d['wall_s']:.1f} s, CPU {d['cpu_s']:.1f} s | {d['claim']}", flush=True)
        if not args.skip_full and name in RUN_FULL:
            row["full"] = cli_cost(name, "--full")
            f = row["full"]
            print(f"{name:5s} full (run): wall {f['wall_s']:.1f} s, CPU {f['cpu_s']:.1f} s", flush=True)
        elif not args.skip_full and name in subsets:
            row["full"] = f = subset_cost(*subsets[name])
            print(
                f"{name:5s} full (from {f['units'][0]} and {f['units'][1]} of {f['full']}): subset wall "
                f"{f['subset_wall_s'][0]:.1f}, {f['subset_wall_s'][1]:.1f} s, CPU {f['subset_cpu_s'][0]:.1f}, "
                f"{f['subset_cpu_s'][1]:.1f} s -> full CPU {hours(f['full_cpu_s'])}, "
                f"2 free cores ≈ {hours(f['full_cpu_s'] / 2)}",
                flush=True,
            )
        results[name] = row
    results["load_end"] = os.getloadavg()[0]
    print(f"load average {results['load_start']:.1f} at start, {results['load_end']:.1f} at end")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)


if __name__ == "__main__":
    main()
