"""Command line: ``python -m natspike demo`` and ``python -m natspike figure NAME``
(also installed as the ``natspike`` command; ``--version`` prints the version).

``python -m natspike figure 3f [--full] [--trials N] [--seed S] [--out DIR]``
runs one figure's experiment, writes ``figureNAME.png`` and the data
(``figureNAME.nc``, netCDF), and prints the figure's claim check in one line.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import time
from pathlib import Path

from .experiments import FIGURES  # the figure registry: CLI name -> (function name, module)


def _parser():
    p = argparse.ArgumentParser(
        prog="python -m natspike", description="Natural-gradient learning for spiking neurons (Kreutzer et al. 2022)."
    )
    p.add_argument("--version", action="version", version=f"natspike {_version()}")
    sub = p.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="the paper's central result (Fig 3F) at reduced size")
    demo.add_argument("--out", default="demo_output", help="output folder (default: demo_output)")
    fig = sub.add_parser("figure", help="reproduce one figure")
    fig.add_argument("name", choices=sorted(FIGURES), type=str.lower)
    fig.add_argument("--full", action="store_true", help="the paper's size (slow)")
    fig.add_argument("--trials", type=int, help="trials (or replicates) per condition")
    fig.add_argument("--minutes", type=float, help="simulated learning time (Figs 3F, 9, 12C-F)")
    fig.add_argument("--seed", type=int, default=2022)
    fig.add_argument("--out", default="figures", help="output folder (default: figures)")
    fig.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return p


def _version():
    from . import __version__

    return __version__


def _options(fn, args):
    """Keyword arguments of the experiment that the command line set."""
    accepted = inspect.signature(fn).parameters
    given = {
        "seed": args.seed,
        "full": args.full,
        "n_trials": args.trials,
        "duration_minutes": args.minutes,
        "progress": not args.no_progress,
    }
    flags = {"n_trials": "trials", "duration_minutes": "minutes"}
    unknown = [flags[k] for k in flags if given[k] is not None and k not in accepted]
    if unknown:
        raise SystemExit(f"figure {args.name} has no --{unknown[0]} option")
    return {k: v for k, v in given.items() if k in accepted and v is not None}


def _check_args(args) -> Path:
    """SystemExit naming the option for a bad value, before anything is computed; returns --out."""
    for option, lo in (("trials", 1), ("seed", 0)):
        value = getattr(args, option, None)
        if value is not None and value < lo:
            raise SystemExit(f"--{option} must be >= {lo}, got {value}")
    minutes = getattr(args, "minutes", None)
    if minutes is not None and not 0 < minutes < float("inf"):
        raise SystemExit(f"--minutes must be a positive finite number, got {minutes}")
    return _writable_folder(args.out)


def _writable_folder(out: str) -> Path:
    """--out as a folder natspike can write into (created if missing); SystemExit otherwise."""
    path = Path(out).expanduser()
    resolved = path.resolve()
    if not out.strip() or any(resolved.is_relative_to(p) for p in ("/proc", "/sys", "/dev")):
        raise SystemExit(f"--out must be a folder for the results, got {out!r}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".natspike-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SystemExit(f"--out {out!r} is not a writable folder ({exc.strerror or exc})") from None
    return path


def run_figure(name, args):
    """Run figure ``name``; return (Dataset, matplotlib Figure, claim line)."""
    from . import experiments, plotting

    fn_name = FIGURES[name][0]
    fn = getattr(experiments, fn_name)
    ds = fn(**_options(fn, args))
    drawn = getattr(plotting, fn_name)(ds)
    fig = drawn if hasattr(drawn, "savefig") else drawn.figure
    claim = getattr(experiments, f"claim_{fn_name}")(ds)
    return ds, fig, claim


def _save(ds, fig, out: Path, stem: str):
    out.mkdir(parents=True, exist_ok=True)
    png, data = out / f"{stem}.png", out / f"{stem}.nc"
    fig.savefig(png, dpi=150)
    ds.to_netcdf(data, engine="scipy")  # netCDF3 through SciPy: no HDF5 library needed
    return png, data


def main(argv=None):
    import matplotlib

    matplotlib.use("Agg")
    args = _parser().parse_args(argv)
    out = _check_args(args)
    start = time.perf_counter()
    if args.command == "demo":
        demo = argparse.Namespace(name="3f", seed=2022, full=False, trials=None, minutes=None, no_progress=False)
        ds, fig, claim = run_figure("3f", demo)
        png, data = _save(ds, fig, out, "figure3f")
    else:
        ds, fig, claim = run_figure(args.name, args)
        png, data = _save(ds, fig, out, f"figure{args.name}")
    print(claim)
    print(f"wrote {png} and {data} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
