"""Parameter sweeps: :func:`sweep` runs :func:`natspike.run_trials` at every
point of a grid, locally or on a Dask cluster, optionally into a resumable
results store."""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Callable, Mapping, Sequence
from itertools import islice, product
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _describe, _native
from ._checks import MAX_TRIALS
from ._export import label
from ._recorded import NOT_EXPORTED, padded_variables
from ._seeds import root_seed
from ._trials import (
    TRAIN_OPTIONS,
    TrialsInterrupted,
    _check_client,
    _check_size,
    _check_store_seed,
    _chunk_size,
    _count,
    _prepare,
    _TaskRun,
    _workers,
)
from ._typing import Seed
from ._validate import check_memory

if TYPE_CHECKING:
    import xarray as xr
    from distributed import Client

#: What a grid point may set: the arguments of run_trials that describe trials.
POINT_OPTIONS = ("rule", "weights", "rates", "teacher") + TRAIN_OPTIONS
_REQUIRED = ("rule", "weights", "rates", "teacher", "duration", "eta")
_RESERVED_DIMS = ("trial", "time", "synapse")
STREAMS = ("shared", "independent")


def sweep(
    grid: Mapping[str, Sequence[Any]],
    *,
    seed: Seed,
    n_trials: int = 1,
    setup: Callable[..., Mapping[str, Any]] | None = None,
    streams: str = "shared",
    store: str | os.PathLike[str] | None = None,
    client: Client | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
    **options: Any,
) -> xr.Dataset:
    """Run :func:`natspike.run_trials` at every point of a parameter grid.

    The grid is the Cartesian product of its axes (in the order given).
    Every point runs ``n_trials`` trials with the fixed ``options``,
    updated by the point's values: an axis named like an argument of
    :func:`run_trials` (``eta``, ``rule``, ``duration``, ``teacher``, …)
    sets it directly; ``setup(**point)`` may return further arguments
    computed from the point (e.g. weight vectors, or η = x·η0[rule]). All
    points' trials run as one pool of tasks: on ``workers`` local threads,
    or on a Dask cluster with ``client``. With ``store`` each finished task
    is saved at once and a rerun computes only what is missing.

    Parameters
    ----------
    grid : dict
        Axis name → 1-D sequence of distinct scalar values (numbers,
        strings or bools). ``{}`` is a single point.
    seed : int, SeedSequence or Generator
        Root seed (not None with a store).
    n_trials : int
        Trials per grid point.
    setup : callable, optional
        ``setup(**point) -> dict`` of run_trials arguments for that point;
        required for axes that are not run_trials arguments.
    streams : {"shared", "independent"}
        "shared" (default): every point uses the root seed, so trial ``i``
        sees the same inputs, teacher spikes, test set and initial weights
        at every point (common random numbers, as in the paper's Fig 9D
        comparison). "independent": point ``k`` uses the root
        ``SeedSequence(seed, spawn_key=(0x53574545, k))``.
    store : str or os.PathLike, optional
        Directory of a resumable results store (see ``natspike._store``).
    client : dask.distributed.Client, optional
        Run the tasks on this Dask cluster.
    workers : int, optional
        Local threads (default: all cores). Ignored with Dask.
    chunk_size : int, optional
        Trials per task; a task never spans two grid points, and a store
        gets one file per task. Default: locally one trial per task, or
        (trials in all)/10⁴ up to ``n_trials`` beyond 10⁴ trials; on Dask
        about 4 tasks per worker thread.
    progress : bool
        Show a tqdm progress bar (simulated bins locally, trials on Dask).
    **options
        The fixed arguments of :func:`run_trials` for every point: ``rule``,
        ``weights``, ``rates`` (an array or a :class:`natspike.RateSchedule`),
        ``teacher``, ``duration``, ``eta``, … (not ``inputs`` or
        ``trace_every``). Every point must give the same
        number of records and synapses and the same kind of teacher.

    Returns
    -------
    xarray.Dataset
        Dims: the grid axes (with their values as coordinates), then
        ``trial``, ``time`` (s) and ``synapse``. Variables: ``weights``,
        ``final_weights``, ``initial_weights``, ``completed``, and where
        defined ``kl``, ``rate_error``, ``weight_distance``,
        ``target_weights``; ``root_seed`` per point. Attributes: ``seed``,
        ``streams``, ``n_trials``, ``version``, ``numbers_version`` (the
        engine's), ``params`` (JSON of point
        0's parameters), ``computed_trials`` and ``loaded_trials`` (read
        from the store).

    Raises
    ------
    TypeError, ValueError
        For a bad grid or bad options; errors found while running name the
        grid point. A store written with other parameters is refused.
    MemoryError
        If the results would not fit in memory (before anything runs).
    TrialsInterrupted
        On Ctrl-C; ``.result`` is the Dataset of what finished (see
        ``completed``), and a store holds it on disk.

    Examples
    --------
    Fig 9D's learning-rate sweep (small): η = x·η0 for two rules.

    >>> import numpy as np, natspike
    >>> from natspike._sweep import sweep
    >>> eta0 = {"natural": 6e-4, "euclidean": 4.5e-7}
    >>> draw = lambda rng: rng.uniform(-0.1, 0.1, (2, 10))  # w0 and w* of a trial
    >>> ds = sweep({"rule": ["natural", "euclidean"], "eta_factor": [0.5, 2.0]},
    ...            setup=lambda rule, eta_factor: {"eta": eta_factor * eta0[rule]},
    ...            weights=lambda rng: draw(rng)[0], teacher=lambda rng: draw(rng)[1],
    ...            rates=np.r_[np.full(5, 10.0), np.full(5, 50.0)], duration=1.0, lr_convention="authors",
    ...            n_trials=2, seed=1)
    >>> ds["kl"].dims
    ('rule', 'eta_factor', 'trial', 'time')

    Fig 7's weight grid (small): stimulated and unstimulated weights.

    >>> ds = sweep({"w_stim": [0.1, 0.3], "w_unstim": [0.1, 0.3]},
    ...            setup=lambda w_stim, w_unstim: {"weights": np.r_[np.full(5, w_stim), np.full(5, w_unstim)]},
    ...            rule="natural", rates=np.r_[np.full(5, 5.0), np.zeros(5)], teacher=20.0, eta=1e-3,
    ...            duration=1.0, neuron=natspike.Neuron(theta=15.0), coefficient_refresh="frozen", seed=2)
    >>> ds["final_weights"].shape
    (2, 2, 1, 10)
    """
    axes = _axes(grid, setup)  # first: a grid too large to run is refused at once
    import xarray  # noqa: F401  (now, not on Ctrl-C: a first import takes ~1 s)

    n_trials = _count(n_trials, "n_trials", MAX_TRIALS)
    workers, chunk_size = _workers(workers), _chunk_size(chunk_size)
    _check_client(client)
    _check_store_seed(seed, store)
    if streams not in STREAMS:
        raise ValueError(f"streams must be one of {STREAMS}, got {streams!r}")
    if setup is not None and not callable(setup):
        raise TypeError(f"setup must be callable or None, got {type(setup).__name__}")
    _check_options(options, "options")
    root = root_seed(seed)
    total = math.prod(len(v) for v in axes.values())
    points = []
    for k, values in enumerate(product(*axes.values())):  # lazily: nothing per point before the size checks
        points.append(
            _point(k, dict(zip(axes, values)), setup, options, _point_root(root, k, streams), n_trials, store)
        )
        if k == 0:
            _check_grid_memory(points[0], total)
            _check_size(points * total)  # before preparing the other points
    _check_uniform(points)
    run = _TaskRun(points, store=store, grid={"axes": axes, "streams": streams})
    make = lambda: _dataset(run, axes, root, streams)
    run.execute(
        client=client,
        workers=workers,
        chunk_size=chunk_size,
        progress=bool(progress),
        interrupted=lambda: TrialsInterrupted(make),
    )
    return make()


def _axes(grid, setup) -> dict:
    """The grid as {name: list of Python scalars}, validated."""
    if not isinstance(grid, dict):
        raise TypeError(f"grid must be a dict of axis name -> values, got {type(grid).__name__}")
    axes = {}
    for name, values in grid.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"grid axis names must be identifiers, got {name!r}")
        if name in _RESERVED_DIMS or name in ("seed", "n_trials", "inputs", "trace_every"):
            raise ValueError(f"grid axis {name!r} is reserved; sweep it with separate calls")
        if name not in POINT_OPTIONS and setup is None:
            raise ValueError(
                f"grid axis {name!r} is not an argument of run_trials; pass setup=... to map it "
                f"(arguments: {', '.join(POINT_OPTIONS)})"
            )
        axes[name] = _axis_values(name, values)
    _check_grid_shape(axes)
    return axes


#: Values per axis and points per grid: far beyond any sweep that can run, small enough to refuse at once.
MAX_AXIS_VALUES = 10**5
MAX_GRID_POINTS = 10**6


def _check_grid_shape(axes: dict) -> None:
    """ValueError naming the grid when it has more than MAX_GRID_POINTS points."""
    total = math.prod(len(v) for v in axes.values())
    if total > MAX_GRID_POINTS:
        shape = " x ".join(f"{len(v)} {a}" for a, v in axes.items())
        raise ValueError(f"grid has {total} points ({shape}), more than {MAX_GRID_POINTS}; sweep fewer values")


def _check_grid_memory(point, total: int) -> None:
    """MemoryError naming the grid if ``total`` points like ``point`` (its
    initial and target weights) cannot fit."""
    per_point = 8 * point.w0.size * (1 if point.tw is None else 2) + 4096
    check_memory(per_point * total, "grid", f"{total} grid points")


def _axis_values(name, values) -> list:
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"grid[{name!r}] must be a sequence of values, got {type(values).__name__}")
    if isinstance(values, (set, frozenset)):
        raise TypeError(f"grid[{name!r}] must be an ordered sequence (list, tuple, range, array), not a set")
    size = len(values) if hasattr(values, "__len__") else None
    if size is not None and size > MAX_AXIS_VALUES:
        raise ValueError(f"grid[{name!r}] has {size} values, more than {MAX_AXIS_VALUES}; sweep fewer values")
    raw = values.tolist() if isinstance(values, np.ndarray) else list(islice(values, MAX_AXIS_VALUES + 1))
    if len(raw) > MAX_AXIS_VALUES:
        raise ValueError(f"grid[{name!r}] has more than {MAX_AXIS_VALUES} values; sweep fewer values")
    out = []
    for v in raw:
        if isinstance(v, np.generic):
            v = v.item()
        if not isinstance(v, (numbers.Real, str)):
            raise TypeError(f"grid[{name!r}] values must be numbers, strings or bools, got {type(v).__name__}")
        if isinstance(v, float) and not np.isfinite(v):
            raise ValueError(f"grid[{name!r}] values must be finite, got {v}")
        out.append(v)
    if not out:
        raise ValueError(f"grid[{name!r}] must not be empty")
    _check_distinct(name, out)
    return out


def _check_distinct(name, values) -> None:
    """Values equal as numbers (1 and 1.0, True and 1) count as duplicates."""
    seen: dict[tuple[bool, Any], Any] = {}
    for v in values:
        key = (isinstance(v, str), v)
        if key in seen:
            raise ValueError(f"grid[{name!r}] values must be distinct, got {seen[key]!r} and {v!r}")
        seen[key] = v


def _check_options(options, where):
    unknown = sorted(set(options) - set(POINT_OPTIONS))
    if unknown:
        raise TypeError(
            f"sweep {where}: unexpected argument(s) {', '.join(unknown)} "
            f"(run_trials arguments: {', '.join(POINT_OPTIONS)})"
        )


def _point_root(root, k, streams):
    if streams == "shared":
        return root
    return int(np.random.SeedSequence(root, spawn_key=(0x53574545, k)).generate_state(1, np.uint64)[0])


def _point(k, point, setup, options, root, n_trials, store):
    label = "grid point " + ", ".join(f"{a}={v!r}" for a, v in point.items()) if point else "grid point"
    opts = dict(options)
    opts.update({a: v for a, v in point.items() if a in POINT_OPTIONS})
    if setup is not None:
        extra = setup(**point)
        if not isinstance(extra, dict):
            raise TypeError(f"setup must return a dict of run_trials arguments, got {type(extra).__name__} at {label}")
        _check_options(extra, f"setup at {label}")
        opts.update(extra)
    missing = [name for name in _REQUIRED if name not in opts]
    if missing:
        raise TypeError(f"sweep: missing required argument(s) {', '.join(missing)} at {label}")
    try:
        return _prepare(
            opts.pop("rule"),
            opts.pop("weights"),
            opts.pop("rates"),
            n_trials=n_trials,
            seed=root,
            teacher=opts.pop("teacher"),
            options=opts,
            store=store,
            label=label,
        )
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{label}: {exc}") from exc


def _check_uniform(points):
    first = points[0]
    shape = (first.job.kind, first.job.records, first.job.rates.size, first.cfg.get("neurons"))
    for p in points[1:]:
        other = (p.job.kind, p.job.records, p.job.rates.size, p.cfg.get("neurons"))
        if other != shape:
            raise ValueError(
                f"all grid points must share the teacher kind, number of records, synapses and neurons; "
                f"{p.label} has {other}, {first.label} has {shape}. Sweep such parameters in "
                "separate calls."
            )


def _dataset(run: _TaskRun, axes: dict, root: int, streams: str):
    """The collected results as an xarray.Dataset (dims: axes, trial, time, synapse)."""
    import xarray as xr

    dims, shape, trials = tuple(axes), tuple(len(v) for v in axes.values()), run.n_trials

    def field(a, *rest):
        return dims + ("trial",) + rest, a.reshape(shape + (trials,) + a.shape[1:])

    out, points, described = run.out, run.points, _describe.outputs()
    layer = ("neuron",) if "neurons" in points[0].cfg else ()
    echoed = [p.echoed(0, p.n_trials) for p in points]
    arrays = {**out, **{name: np.concatenate([e[name] for e in echoed]) for name in echoed[0]}}

    def axes_of(name):
        return (layer if described[name]["neuron"] else ()) + tuple(described[name]["dims"])

    data = {name: field(a, *axes_of(name)) for name, a in arrays.items() if not described[name]["shared"]}
    data = {name: v for name, v in data.items() if name not in NOT_EXPORTED}  # spikes padded below; state opaque
    neurons = (points[0].cfg["neurons"],) if layer else ()
    data.update(
        padded_variables(arrays, dims + ("trial",) + layer, shape + (trials,) + neurons, points[0].cfg["neuron"]["dt"])
    )
    data["root_seed"] = (dims, np.array([p.cfg["seed"] for p in points], np.uint64).reshape(shape))
    coords = {**axes, "trial": np.arange(trials), "time": out["times"]}
    ds = label(xr.Dataset(data, coords=coords))
    params = {k: v for k, v in points[0].cfg.items() if k != "seed"}
    params.update(
        rates=points[0].job.rates.tolist(),  # a rate schedule's first segment; the schedule follows
        **{name: a.tolist() for name, a in points[0].job.schedule.items()},
        attenuation=None if points[0].job.attenuation is None else points[0].job.attenuation.tolist(),
    )
    ds.attrs.update(
        seed=str(root),
        streams=streams,
        n_trials=trials,
        version=_native.version(),
        numbers_version=_native.numbers_version(),  # a store of another numbers version is refused, never read
        params=json.dumps(params),
        computed_trials=run.computed,
        loaded_trials=run.loaded,
        store="" if run.store is None else str(run.store.path),
    )
    return ds
