"""The whole paper in one call: every figure of :data:`FIGURES`, resumable through one results folder.

:func:`paper` runs the figures in the registry's order, writes each one's PNG and netCDF data, prints its
claim line and at the end a summary (wall and CPU time, trials computed and read, claim verdict per figure).

A results folder (``store``) makes it resumable. It holds

* ``figures/<name>-<key>.nc`` and ``.json``: a finished figure's data and what it took, where ``key`` is the
  digest of the figure's full run description (figure, options, seed, natspike version and the engine's
  numbers version). A figure whose
  record exists is read, not recomputed; other settings give another key, so they are never reused;
* ``runs/<digest>/``: one results store per learning run (``natspike._store.RunLibrary``), named by the digest
  of everything that determines its numbers, so an interrupted figure resumes trial by trial and a run that
  two figures contain is computed once. Which runs are shared, read from the code: Fig 9 at η/η0 = 1 runs
  Fig 3F's natural and Euclidean trials, and the 10/50-Hz pattern of Fig 12C–F runs all three of Fig 3F's
  rules (same seed, rates, learning rates, records and trial streams), whenever their trial counts and
  learning times are equal, as at the paper's size (1000 trials × 133.3 min each).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from .._store import RunLibrary, atomic_write
from . import FIGURES
from ._common import flag

if TYPE_CHECKING:
    from distributed import Client

#: The marker of a paper results folder (and its format).
MARKER, FORMAT = "natspike-paper.json", "natspike-paper/1"

#: Tiny sizes for tests (the command line's ``NATSPIKE_SMOKE=1``): every figure in seconds. Figs 3F, 9 and
#: 12C–F share trial count and learning time, so their common runs are shared as at the paper's size.
SMOKE_SIZES: dict[str, dict[str, Any]] = {
    "3bc": {"duration_minutes": 0.5, "repetitions": 20},
    "3de": {"n_trials": 1, "duration_minutes": 0.5, "samples": 20, "record_every": 10.0},
    "3f": {"n_trials": 2, "duration_minutes": 1.0, "record_every": 20.0},
    "4": {"duration": 1.0},
    "5": {"n_trials": 2, "duration": 0.5},
    "7": {"grid": 3, "n_trials": 1, "duration": 1.0},
    "7eg": {"n_trials": 1, "duration": 1.0},
    "9": {"n_trials": 2, "duration_minutes": 1.0, "record_every": 20.0},
    "10": {"samples": 5},
    "11": {"samples": 5, "usp_samples": 5},
    "12ab": {"n_trials": 3, "usp_samples": 5},
    "12cf": {"n_trials": 2, "duration_minutes": 1.0, "record_every": 20.0},
}


def paper(
    out: str | os.PathLike[str] = "paper",
    *,
    full: bool = False,
    store: str | os.PathLike[str] | None = None,
    only: Iterable[str] | None = None,
    seed: int = 2022,
    sizes: Mapping[str, Mapping[str, Any]] | None = None,
    progress: bool = True,
    file: TextIO | None = None,
    client: Client | None = None,
) -> list[dict[str, Any]]:
    """Run every figure of the paper (or those in ``only``), resumably; return the summary rows.

    Before the first figure runs, every figure still to compute makes the checks it makes before its own first
    run (the ``plan_only`` of Figs 3F, 9 and 12C–F: arguments and memory for the records of all their runs), so
    a late figure too large for this machine is refused at once, not after hours of the figures before it.

    Parameters
    ----------
    out : str or os.PathLike
        Folder for ``figure<NAME>.png`` and ``figure<NAME>.nc`` (created if missing).
    full : bool
        The paper's sizes (each figure's ``full=True``); default: the figures' reduced defaults.
    store : str or os.PathLike, optional
        The results folder (default ``<out>/store``): finished figures and every learning run's finished
        trials. Running again with the same folder resumes: finished figures are read, an interrupted figure
        computes only its missing trials, and runs shared by figures are computed once. A folder that exists,
        is not empty and is not a paper results folder raises ``ValueError``.
    only : iterable of str, optional
        Figure names of :data:`FIGURES` (e.g. ``["3f", "9"]``), run in the registry's order.
    seed : int
        Root seed of every figure.
    sizes : mapping, optional
        Per figure name, keyword arguments of its experiment that override the sizes (e.g.
        ``{"3f": {"n_trials": 2}}``; :data:`SMOKE_SIZES` are the test sizes). They are part of the figure's
        run description, so results made with other sizes are not reused. NumPy arrays and scalars count as the
        equal Python lists and numbers; a value with no JSON form raises ``TypeError`` before anything runs.
    progress : bool
        A line per figure as it starts and ends ("k of N figures") and the experiments' progress bars.
    file : text stream, optional
        Where the claim lines and the summary go (default: standard output; progress goes to standard error).
    client : dask.distributed.Client, optional
        Run the learning trials of the figures that take a ``client`` (Figs 3D–E, 3F, 9 and 12C–F) on this Dask
        cluster, the others here. The numbers are the local ones bit for bit, so a results folder is shared
        between local and Dask runs: a figure or trial finished either way is read, not computed again. A
        figure's configurations share their inputs on Dask as they do locally; the rows' ``cpu_s`` counts
        this process only, not the workers.

    Returns
    -------
    list of dict
        One row per figure: ``figure``, ``status`` ("computed" or "stored"), ``wall_s`` and ``cpu_s`` (of the
        run that computed it; CPU time of all threads), ``trials_computed`` and ``trials_loaded`` (learning
        trials computed and read from the store in this call), ``claim`` and ``verdict`` ("yes" or "NO").
        Ctrl-C raises ``KeyboardInterrupt`` after saying where to resume; everything finished is on disk.
    """
    names = _names(only)
    extra = dict(sizes or {})
    unknown = sorted(set(extra) - set(FIGURES))
    if unknown:
        raise ValueError(f"sizes: unknown figures {unknown}; figures are {sorted(FIGURES)}")
    out_dir = Path(out).expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = {name: _figure_options(name, full, seed, extra.get(name, {})) for name in names}  # checked up front
    folder = results_folder(out_dir / "store" if store is None else store)
    for name, options in plan.items():  # every figure still to compute checks its runs before the first computes
        if not _finished(_record(name, options, folder)):
            _check(name, options)
    library, stream = RunLibrary(folder), sys.stdout if file is None else file
    rows = []
    for k, (name, options) in enumerate(plan.items(), 1):
        try:
            counter = f"[{k} of {len(names)} figures]"
            row = _one_figure(name, options, out_dir, folder, library, progress, counter, client)
        except KeyboardInterrupt:
            _note(
                True,
                f"interrupted in figure {name}: {k - 1} of {len(names)} figures finished; their results and the "
                f"finished trials are in {folder}; run the same command again to resume",
            )
            raise
        print(row["claim"], file=stream, flush=True)
        rows.append(row)
    print(summary(rows), file=stream, flush=True)
    return rows


def _names(only):
    if only is None:
        return list(FIGURES)
    wanted = [only] if isinstance(only, str) else [str(n).lower() for n in only]
    bad = sorted(set(wanted) - set(FIGURES))
    if bad or not wanted:
        raise ValueError(f"only must name figures among {sorted(FIGURES)}, got {bad or wanted}")
    return [n for n in FIGURES if n in wanted]


def results_folder(folder: str | os.PathLike[str]) -> Path:
    """``folder`` as a paper results folder (created, or checked to be one); ValueError if it is something else."""
    path = Path(folder).expanduser()
    marker = path / MARKER
    if marker.exists():
        try:
            found = json.loads(marker.read_text()).get("format")
        except (OSError, ValueError, AttributeError):
            found = None
        if found != FORMAT:
            raise ValueError(f"store: {path} has format {found!r}, expected {FORMAT!r}; use another folder")
        return path
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ValueError(f"store: {path} exists and is not an (empty) paper results folder; choose another")
    path.mkdir(parents=True, exist_ok=True)
    atomic_write(marker, json.dumps({"format": FORMAT}).encode())
    return path


def _figure_options(name, full, seed, sizes) -> dict[str, Any]:
    """The keyword arguments of figure ``name``'s experiment: full, seed, then the given sizes."""
    accepted = inspect.signature(_experiment(name)).parameters
    bad = sorted(set(sizes) - set(accepted))
    if bad:
        raise ValueError(f"sizes[{name!r}]: {FIGURES[name][0]} has no arguments {bad}")
    given = {"full": flag(full, "full"), "seed": _plain(seed, "seed")}
    sizes = {k: _plain(v, f"sizes[{name!r}][{k!r}]") for k, v in sizes.items()}
    return {**{k: v for k, v in given.items() if k in accepted}, **sizes}


def _plain(value, where: str):
    """``value`` with NumPy arrays and scalars as the equal Python lists and numbers (so that a figure's run
    description, written as JSON, is the same as for the Python values); TypeError, naming ``where``, for a
    value that has no JSON form, before anything is computed."""
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.tolist()
    if isinstance(value, (list, tuple)):  # a tuple stays one (a named tuple becomes a plain one)
        items = [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, Mapping):
        return {k: _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{where}: a value of type {type(value).__name__} cannot be recorded in the figure's run description; "
            "give numbers, strings, booleans, None, or lists, tuples, dicts or NumPy arrays of them"
        ) from None
    return value


def _experiment(name):
    from .. import experiments

    return getattr(experiments, FIGURES[name][0])


def run_description(name: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """What determines figure ``name``'s results: its experiment, options, the natspike version and the numbers
    version of the engine (a figure computed by another engine is computed again, as its runs are)."""
    from .. import __version__, _native

    return {
        "figure": name,
        "function": FIGURES[name][0],
        "options": dict(options),
        "version": __version__,
        "numbers_version": _native.numbers_version(),
    }


def _key(description) -> str:
    return hashlib.sha256(json.dumps(description, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _record(name, options, folder: Path) -> Path:
    """Where figure ``name`` with ``options`` keeps its finished result in ``folder`` (``.json`` and ``.nc``)."""
    return folder / "figures" / f"{name}-{_key(run_description(name, options))}"


def _finished(record: Path) -> bool:
    return record.with_suffix(".json").exists() and record.with_suffix(".nc").exists()


def _check(name, options) -> None:
    """The checks figure ``name`` makes before its first run (its ``plan_only``), if it has them: a figure of
    several long runs (Figs 3F, 9, 12C–F) refuses one too large for memory before the paper's first figure runs."""
    fn = _experiment(name)
    if "plan_only" in inspect.signature(fn).parameters:
        fn(**options, plan_only=True)


def _one_figure(name, options, out_dir, folder, library, progress, counter, client=None) -> dict[str, Any]:
    description = run_description(name, options)
    record = _record(name, options, folder)
    if _finished(record):
        row = json.loads(record.with_suffix(".json").read_text())["row"]
        _note(progress, f"{counter} figure {name}: finished earlier, read from {record.with_suffix('.nc')}")
        _write_stored(name, record.with_suffix(".nc"), out_dir)
        return {**row, "status": "stored", "trials_computed": 0, "trials_loaded": 0}
    others = [p.stem for p in (folder / "figures").glob(f"{name}-*.json")]
    extra = f" (the store's {len(others)} other result(s) of this figure have other settings)" if others else ""
    _note(progress, f"{counter} figure {name}: started{extra}")
    before, wall, cpu = library.counts(), time.perf_counter(), time.process_time()
    ds = _run(name, options, library, progress, client)
    png, data, claim = draw_and_save(name, ds, out_dir)
    wall, cpu, after = time.perf_counter() - wall, time.process_time() - cpu, library.counts()
    row = {
        "figure": name,
        "status": "computed",
        "wall_s": wall,
        "cpu_s": cpu,
        "trials_computed": after["computed"] - before["computed"],
        "trials_loaded": after["loaded"] - before["loaded"],
        "claim": claim,
        "verdict": verdict(claim),
    }
    record.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(record.with_suffix(".nc"), data.read_bytes())
    atomic_write(record.with_suffix(".json"), json.dumps({"description": description, "row": row}).encode())
    _note(progress, f"{counter} figure {name}: done in {wall:.1f} s wall, {cpu:.1f} CPU-s; wrote {png} and {data}")
    return row


def _run(name, options, library, progress, client=None):
    """Figure ``name``'s Dataset: its experiment with the figure's options and this call's execution settings
    (progress, the results library, a Dask client), which are not part of its run description."""
    fn = _experiment(name)
    accepted = inspect.signature(fn).parameters
    given = {"progress": progress, "store": library, **({} if client is None else {"client": client})}
    return fn(**options, **{k: v for k, v in given.items() if k in accepted})


def _write_stored(name, stored: Path, out_dir: Path) -> None:
    """A finished figure's outputs from its stored data: the netCDF file as it was, the PNG drawn again."""
    import xarray as xr

    with xr.open_dataset(stored, engine="scipy") as opened:
        ds = opened.load()
    data = out_dir / f"figure{name}.nc"
    atomic_write(data, stored.read_bytes())
    fig, _ = draw(name, ds)
    _save_png(fig, out_dir / f"figure{name}.png")


def draw(name: str, ds) -> tuple[Any, str]:
    """The matplotlib Figure of figure ``name``'s Dataset and its claim line."""
    from .. import experiments, plotting

    fn_name = FIGURES[name][0]
    drawn = getattr(plotting, fn_name)(ds)
    fig = drawn if hasattr(drawn, "savefig") else drawn.figure
    return fig, getattr(experiments, f"claim_{fn_name}")(ds)


def draw_and_save(name: str, ds, out_dir: Path, stem: str | None = None) -> tuple[Path, Path, str]:
    """Write ``<stem>.png`` and ``<stem>.nc`` (default stem ``figure<name>``) into ``out_dir``; return both
    paths and the claim line."""
    fig, claim = draw(name, ds)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or f"figure{name}"
    png, data = out_dir / f"{stem}.png", out_dir / f"{stem}.nc"
    _save_png(fig, png)
    ds.to_netcdf(data, engine="scipy")  # netCDF3 through SciPy: no HDF5 library needed
    return png, data, claim


def _save_png(fig, png: Path) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(png, dpi=150)
    plt.close(fig)


def verdict(claim: str) -> str:
    """ "NO" if the claim line reports a failed check, else "yes"."""
    return "NO" if re.search(r"\bNO\b", claim) else "yes"


def summary(rows: list[dict[str, Any]]) -> str:
    """The summary table of :func:`paper`'s rows."""
    stored = sum(r["status"] == "stored" for r in rows)
    lines = [
        f"summary: {len(rows)} figures ({stored} read from the store; their times are those of the run that "
        "computed them)",
        f"{'figure':6s} {'status':8s} {'wall s':>9s} {'CPU s':>9s} {'trials computed/read':>21s}  claim",
    ]
    for r in rows:
        trials = f"{r['trials_computed']}/{r['trials_loaded']}"
        times = f"{r['wall_s']:9.1f} {r['cpu_s']:9.1f}"
        lines.append(f"{r['figure']:6s} {r['status']:8s} {times} {trials:>21s}  {r['verdict']}")
    wall, cpu = sum(r["wall_s"] for r in rows), sum(r["cpu_s"] for r in rows)
    failed = [r["figure"] for r in rows if r["verdict"] != "yes"]
    lines.append(f"{'total':6s} {'':8s} {wall:9.1f} {cpu:9.1f}  claims failed: {', '.join(failed) or 'none'}")
    return "\n".join(lines)


def _note(enabled, text):
    if enabled:
        print(text, file=sys.stderr, flush=True)
