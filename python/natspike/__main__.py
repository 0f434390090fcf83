"""Command line: ``python -m natspike demo``, ``python -m natspike figure NAME`` and
``python -m natspike paper`` (also installed as the ``natspike`` command; ``--version`` prints the version).

``python -m natspike figure 3f [--full] [--trials N] [--seed S] [--out DIR]``
runs one figure's experiment, writes ``figureNAME.png`` and the data
(``figureNAME.nc``, netCDF), and prints the figure's claim check in one line.

``python -m natspike paper [--full] [--store DIR] [--out DIR] [--only 3f,9] [--seed S] [--no-progress]
[--scheduler ADDRESS]`` runs every figure (:func:`natspike.experiments.paper`), resumably through a results
folder (default ``OUT/store``): run it again after Ctrl-C or a kill and it continues where it stopped.
``--scheduler`` runs the learning trials on the Dask cluster whose scheduler is at ADDRESS (the same
numbers). With the
environment variable ``NATSPIKE_SMOKE=1`` it uses tiny sizes (for tests), as the notebooks do.
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
    whole = sub.add_parser("paper", help="every figure, resumable through a results folder")
    whole.add_argument("--full", action="store_true", help="the paper's sizes (many CPU-hours)")
    whole.add_argument("--store", help="results folder for resuming (default: OUT/store)")
    whole.add_argument("--out", default="paper", help="output folder (default: paper)")
    whole.add_argument("--only", type=_figure_list, help="comma-separated figures, e.g. 3f,9 (default: all)")
    whole.add_argument("--seed", type=int, default=2022)
    whole.add_argument("--no-progress", action="store_true", help="no progress lines or bars")
    whole.add_argument(
        "--scheduler", metavar="ADDRESS", help="run the learning trials on this Dask scheduler, e.g. tcp://host:8786"
    )
    return p


def _figure_list(text: str) -> list[str]:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in FIGURES]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"figures must be among {', '.join(FIGURES)}, got {text!r}")
    return names


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


def _writable_folder(out: str, option: str = "--out") -> Path:
    """``out`` (the value of ``option``) as a folder natspike can write into (created if missing); SystemExit
    otherwise."""
    path = Path(out).expanduser()
    resolved = path.resolve()
    if not out.strip() or any(resolved.is_relative_to(p) for p in ("/proc", "/sys", "/dev")):
        raise SystemExit(f"{option} must be a folder for the results, got {out!r}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".natspike-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise SystemExit(f"{option} {out!r} is not a writable folder ({exc.strerror or exc})") from None
    return path


def run_figure(name, args):
    """Run figure ``name``'s experiment with the command line's options; return its Dataset."""
    from . import experiments

    fn = getattr(experiments, FIGURES[name][0])
    return fn(**_options(fn, args))


def _run_paper(args, out: Path) -> int:
    from .experiments._paper import SMOKE_SIZES, paper, results_folder

    store = out / "store" if args.store is None else _writable_folder(args.store, "--store")
    try:
        results_folder(store)
    except ValueError as exc:
        raise SystemExit(f"--store: {exc}") from None
    sizes = SMOKE_SIZES if os.environ.get("NATSPIKE_SMOKE") == "1" else None
    client = None if args.scheduler is None else _dask_client(args.scheduler)
    try:
        paper(out, full=args.full, store=store, only=args.only, seed=args.seed, sizes=sizes,
              progress=not args.no_progress, client=client)  # fmt: skip
    except KeyboardInterrupt:
        return 130  # paper() said where the results are and how to resume
    finally:
        if client is not None:
            client.close()
    return 0


#: How long --scheduler waits for the scheduler to answer.
SCHEDULER_TIMEOUT = "30s"


def _dask_client(address: str):
    """A dask.distributed Client of the scheduler at ``address``; SystemExit naming --scheduler if Dask is
    missing or the scheduler does not answer."""
    try:
        from distributed import Client
    except ImportError:
        raise SystemExit("--scheduler needs dask.distributed: pip install 'natspike[dask]'") from None
    try:
        return Client(address, timeout=SCHEDULER_TIMEOUT, set_as_default=False)  # dask's global scheduler stays
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise SystemExit(
            f"--scheduler: could not reach a Dask scheduler at {address!r} (waiting up to {SCHEDULER_TIMEOUT}): {exc}"
        ) from None


def main(argv=None):
    import matplotlib

    matplotlib.use("Agg")
    from .experiments._paper import draw_and_save

    args = _parser().parse_args(argv)
    out = _check_args(args)
    if args.command == "paper":
        return _run_paper(args, out)
    start = time.perf_counter()
    if args.command == "demo":
        demo = argparse.Namespace(name="3f", seed=2022, full=False, trials=None, minutes=None, no_progress=False)
        png, data, claim = draw_and_save("3f", run_figure("3f", demo), out)
    else:
        png, data, claim = draw_and_save(args.name, run_figure(args.name, args), out)
    print(claim)
    print(f"wrote {png} and {data} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
