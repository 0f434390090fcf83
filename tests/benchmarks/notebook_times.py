"""Wall and CPU time of every notebook run top to bottom at its default size (not the smoke size).

The limit the project sets itself is 3 minutes of wall time per notebook on 2 cores. CPU time
includes the kernel and its Go worker threads (the kernel is a child process, counted once it
has exited).

Usage::

    python tests/benchmarks/notebook_times.py [--only figure4,figure9] [--limit 180]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(path):
    """Execute one notebook at default size; return (wall s, CPU s)."""
    env = {k: v for k, v in os.environ.items() if k != "NATSPIKE_SMOKE"}
    os.environ.clear()
    os.environ.update({**env, "MPLBACKEND": "Agg"})
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        client = NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": tmp}})
        cpu0, t0 = child_cpu(), time.perf_counter()
        client.execute()
        return time.perf_counter() - t0, child_cpu() - cpu0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="", help="comma-separated notebook stems (default: all)")
    p.add_argument("--limit", type=float, default=180.0, help="wall-time limit in s to flag (default 180)")
    args = p.parse_args()
    only = {s for s in args.only.split(",") if s}
    over = []
    print(f"load average {os.getloadavg()[0]:.1f} at start")
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        if only and path.stem not in only:
            continue
        wall, cpu = run(path)
        flag = "  OVER LIMIT" if wall > args.limit else ""
        over += [path.name] if flag else []
        print(f"{path.name:45s} wall {wall:6.1f} s  CPU {cpu:6.1f} s{flag}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
