"""Command line: ``python -m natspike demo`` and ``python -m natspike figure 3f``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

FIGURES = ("3f",)


def _parser():
    p = argparse.ArgumentParser(prog="python -m natspike",
                                description="Natural-gradient learning for spiking neurons (Kreutzer et al. 2022).")
    sub = p.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="the paper's central result (Fig 3F) at reduced size")
    demo.add_argument("--out", default="demo_output", help="output folder (default: demo_output)")
    fig = sub.add_parser("figure", help="reproduce one figure")
    fig.add_argument("name", choices=FIGURES, type=str.lower)
    fig.add_argument("--full", action="store_true", help="the paper's size (slow)")
    fig.add_argument("--trials", type=int, help="trials per condition")
    fig.add_argument("--minutes", type=float, help="simulated learning time (Fig 3F)")
    fig.add_argument("--seed", type=int, default=2022)
    fig.add_argument("--out", default="figures", help="output folder (default: figures)")
    fig.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return p


def _figure3f(args):
    from . import experiments, plotting

    kw = {k: v for k, v in (("trials", args.trials), ("minutes", args.minutes)) if v is not None}
    ds = experiments.figure3f(seed=args.seed, full=args.full, progress=not args.no_progress, **kw)
    ax = plotting.figure3f(ds)
    crossing = ", ".join(f"{r} {t:.1f} min" if t == t else f"{r} never"
                         for r, t in zip(ds["rule"].values, ds["crossing_time"].values))
    claim = (f"Fig 3F ({ds.attrs['trials']} trials, {ds.attrs['minutes']:.1f} min): mean D_KL < 5e-5 at {crossing}; "
             f"natural before Euclidean: {_before(ds, 'natural', 'euclidean')}")
    return ds, ax.figure, claim


def _before(ds, a, b):
    ta, tb = (float(ds["crossing_time"].sel(rule=r)) for r in (a, b))
    if ta != ta:
        return "NO (natural never crossed)"
    return "yes" if tb != tb or ta < tb else "NO"


def _save(ds, fig, out: Path, stem: str):
    out.mkdir(parents=True, exist_ok=True)
    png, data = out / f"{stem}.png", out / f"{stem}.nc"
    fig.savefig(png, dpi=150)
    ds.to_netcdf(data)
    return png, data


def main(argv=None):
    import matplotlib

    matplotlib.use("Agg")
    args = _parser().parse_args(argv)
    start = time.perf_counter()
    if args.command == "demo":
        args.full, args.trials, args.minutes, args.seed, args.no_progress = False, None, None, 2022, False
        ds, fig, claim = _figure3f(args)
        png, data = _save(ds, fig, Path(args.out), "figure3f")
    else:
        ds, fig, claim = _figure3f(args)
        png, data = _save(ds, fig, Path(args.out), f"figure{args.name}")
    print(claim)
    print(f"wrote {png} and {data} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
