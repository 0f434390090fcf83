"""What ``python -m natspike paper --full`` costs, estimated from a small subset of it (minutes, not hours).

The figures and their order come from the paper command itself (``natspike.experiments.paper``), and every
measurement runs through it: one ``paper(only=[name], sizes=...)`` call per figure, all figures of one size
sharing one results folder, so that the runs which figures share at the paper's size (Fig 3F's inside
Fig 9 at η/η0 = 1 and the 10/50-Hz pattern of Fig 12C–F) are read from the store here too and cost nothing.

* Figures whose learning runs are expensive (:data:`SUBSETS`) run their paper-size protocol with a few units
  of work (trials at the full learning time; for Fig 7B–D grid points spread over the full grid) at two
  sizes. Trials are independent and, for one figure, equally long, so the cost is linear in their number:
  the two sizes give the fixed part (cost landscapes, test sets, analysis) and the part per unit, which is
  extrapolated to the paper's count.
* Every other figure runs at the paper's size (``full=True``): it is cheap.

CPU time is ``resource.getrusage`` of this process and its children (Go worker threads included) around
each call; the wall time on two cores is CPU ÷ 2 (``run_trials`` keeps both busy). The measured wall times
are in the JSON output; on a machine that others share they are not the ones two free cores give.

Usage::

    python tests/benchmarks/paper_cost.py [--only 3f,9] [--json OUT]
"""

from __future__ import annotations

import argparse
import inspect
import io
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SEED = 2022  # paper()'s default root seed


@dataclass(frozen=True)
class Subset:
    """A figure's paper-size protocol as a function of its units of work."""

    unit: str  # what is counted: "trials" or "grid points"
    paper_units: int  # how many of them ``full=True`` runs
    sizes: Callable[[int], dict[str, Any]]  # the experiment's keyword arguments for k units (full=False)
    measured: tuple[int, int]  # the two subset sizes that are run


def _minutes_and_factors():
    from natspike import experiments as ex

    return ex.PAPER_MINUTES, ex.PAPER_ETA_FACTORS


def _figure7_grid(k: int):
    """About ``k`` points of Fig 7's paper grid, rows and columns spread evenly over it (k a square)."""
    from natspike import experiments
    from natspike.experiments._figure7 import _grid_axes

    span = inspect.signature(experiments.figure7).parameters["span"].default
    rows, columns = _grid_axes(None, span, True)
    side = round(k**0.5)
    return rows[:: len(rows) // side][:side].tolist(), columns[:: len(columns) // side][:side].tolist()  # JSON-able


def subsets() -> dict[str, Subset]:
    """The figures measured on a subset, with their paper sizes (what ``full=True`` sets; the test
    tests/test_paper_cost_plan.py checks that the paper's count of these sizes is what ``full=True`` runs)."""
    minutes, factors = _minutes_and_factors()
    curves = lambda k: {"n_trials": k, "duration_minutes": minutes}
    return {
        "3de": Subset(
            "trials",
            500,
            lambda k: {"n_trials": k, "duration_minutes": 100.0, "samples": 2000, "cost_step": 0.006},
            (2, 4),
        ),
        "3f": Subset("trials", 1000, curves, (1, 2)),
        "7": Subset("grid points", 600 * 600, lambda k: {"grid": _figure7_grid(k), "n_trials": 1}, (100, 400)),
        "9": Subset("trials", 1000, lambda k: {**curves(k), "eta_factors": factors}, (1, 2)),
        "12cf": Subset("trials", 1000, curves, (1, 2)),
    }


def figures(only=None) -> list[str]:
    """The figures ``paper --full`` runs, in its order (or those of ``only``)."""
    from natspike.experiments import _paper

    return _paper._names(only)


def cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (user + system)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(name: str, folder: str, *, full: bool, sizes: dict | None = None) -> dict[str, Any]:
    """Run figure ``name`` through the paper command in ``folder`` (its results folder is shared by the
    calls of one size); its CPU and wall seconds and the trials it computed and read from the store."""
    from natspike.experiments import paper

    cpu, wall = cpu_seconds(), time.perf_counter()
    (row,) = paper(
        os.path.join(folder, "out"),
        full=full,
        store=os.path.join(folder, "store"),
        only=[name],
        sizes={name: sizes} if sizes else None,
        seed=SEED,
        progress=False,
        file=io.StringIO(),
    )
    return {
        "cpu_s": cpu_seconds() - cpu,
        "wall_s": time.perf_counter() - wall,
        "trials_computed": row["trials_computed"],
        "trials_loaded": row["trials_loaded"],
        "claim": row["claim"],
    }


def extrapolate(units: tuple[int, int], cpu: tuple[float, float], paper_units: int) -> dict[str, float]:
    """Fixed part + part per unit from two sizes, at ``paper_units`` (without a fixed part if the per-unit
    part of the two sizes came out ≤ 0, as noise on a busy machine can make it)."""
    (k1, k2), (c1, c2) = units, cpu
    per_unit = (c2 - c1) / (k2 - k1)
    if per_unit <= 0:
        per_unit, fixed = c2 / k2, 0.0
    else:
        fixed = max(c1 - k1 * per_unit, 0.0)
    return {"fixed_cpu_s": fixed, "cpu_s_per_unit": per_unit, "paper_cpu_s": fixed + paper_units * per_unit}


def estimate(names: list[str], work: str) -> dict[str, dict[str, Any]]:
    """Measure every figure of ``names``; per figure the measurements and the paper-size CPU seconds."""
    plan, rows = subsets(), {}
    for name in names:
        if name not in plan:
            run = measure(name, os.path.join(work, "full"), full=True)
            rows[name] = {"measured": "paper size", "runs": [run], "paper_cpu_s": run["cpu_s"]}
            report(name, rows[name])
    for i in range(2):  # size i of every subset figure in one folder: shared runs are read, as at paper size
        for name in (n for n in names if n in plan):
            s = plan[name]
            run = measure(name, os.path.join(work, f"subset{i}"), full=False, sizes=s.sizes(s.measured[i]))
            rows.setdefault(name, {"runs": []})["runs"].append(run)
    for name in (n for n in names if n in plan):
        s, row = plan[name], rows[name]
        cpu = tuple(r["cpu_s"] for r in row["runs"])
        row.update(extrapolate(s.measured, cpu, s.paper_units))
        loaded = row["runs"][1]["trials_loaded"] / max(
            1, row["runs"][1]["trials_computed"] + row["runs"][1]["trials_loaded"]
        )
        row.update(measured=f"{s.measured[0]} and {s.measured[1]} of {s.paper_units} {s.unit}", shared_fraction=loaded)
        report(name, row)
    return {name: rows[name] for name in names}


def report(name: str, row: dict[str, Any]) -> None:
    cpu = ", ".join(f"{r['cpu_s']:.1f}" for r in row["runs"])
    print(f"{name:5s} measured {row['measured']}: CPU {cpu} s -> paper size {row['paper_cpu_s'] / 3600:.2f} CPU-h",
          file=sys.stderr, flush=True)  # fmt: skip


def table(rows: dict[str, dict[str, Any]]) -> str:
    """The estimate as one table: figure, measured subset, CPU-s, paper-size CPU-h, wall on 2 cores."""
    lines = [
        f"{'figure':6s} {'measured':38s} {'CPU s':>13s} {'paper CPU-h':>12s} {'wall, 2 cores':>14s}  shared",
    ]
    for name, row in rows.items():
        cpu = " + ".join(f"{r['cpu_s']:.1f}" for r in row["runs"])
        shared = f"{100 * row['shared_fraction']:.0f} % read" if row.get("shared_fraction") else ""
        lines.append(
            f"{name:6s} {row['measured']:38s} {cpu:>13s} {row['paper_cpu_s'] / 3600:12.3f} "
            f"{hours(row['paper_cpu_s'] / 2):>14s}  {shared}"
        )
    total = sum(r["paper_cpu_s"] for r in rows.values())
    measured = sum(r["cpu_s"] for row in rows.values() for r in row["runs"])
    lines.append(f"{'total':6s} {'(after sharing)':38s} {measured:13.1f} {total / 3600:12.2f} {hours(total / 2):>14s}")
    return "\n".join(lines)


def hours(seconds: float) -> str:
    h, m = divmod(round(seconds / 60), 60)
    return f"{h} h {m:02d} min" if h else f"{m} min" if m else f"{seconds:.0f} s"


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="comma-separated figure names (default: every figure of paper --full)")
    p.add_argument("--json", help="write every measurement and estimate here")
    args = p.parse_args(argv)
    names = figures(args.only.split(",") if args.only else None)
    load, cpu, wall = os.getloadavg()[0], cpu_seconds(), time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        rows = estimate(names, work)
    print(table(rows))
    spent = {"cpu_s": cpu_seconds() - cpu, "wall_s": time.perf_counter() - wall}
    print(f"this estimate took {spent['cpu_s']:.0f} CPU-s, {spent['wall_s']:.0f} s wall; load average "
          f"{load:.1f} at start, {os.getloadavg()[0]:.1f} at end; {os.cpu_count()} CPUs")  # fmt: skip
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"figures": rows, "estimate": spent, "load": [load, os.getloadavg()[0]]}, fh, indent=1)


if __name__ == "__main__":
    main()
