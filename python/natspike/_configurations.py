"""Several configurations of the same trials: :func:`run_configurations`.

Configurations that differ only in the rule, its options or the evaluation
(``natspike._describe.shared_keys()``, Go's ``config.SharedKeys``) draw the
same input spikes and teacher spikes in trial ``i``: those streams depend
only on ``(seed, i)`` (see :func:`natspike.run_trials`). One native call
(``ns_run_configurations``) draws them once per bin for all configurations
and advances one learner per configuration, and configuration ``j``'s
numbers are those of :func:`natspike.run_trials` with its options, bit for
bit. With a results store each configuration is stored under the key
:func:`natspike.run_trials` gives it, and only the trials still missing are
computed. On Dask (``client=``) each task is one such call for a chunk of
trials, on one worker thread: the configurations keep sharing their inputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _describe, _native
from ._checks import MAX_TRIALS
from ._result import Result
from ._store import RunLibrary
from ._trials import (
    TrialsInterrupted,
    _check_client,
    _check_size,
    _chunk_size,
    _collect,
    _cores,
    _count,
    _default_chunk,
    _Point,
    _prepare,
    _TaskRun,
    _workers,
    run_on_dask,
)
from ._typing import ArrayLike, Seed

if TYPE_CHECKING:
    from distributed import Client


def run_configurations(
    configurations: Sequence[Mapping[str, Any]],
    weights: ArrayLike | Callable[[np.random.Generator], ArrayLike],
    rates: ArrayLike | None,
    *,
    n_trials: int,
    seed: Seed,
    teacher: float | ArrayLike | Callable[[np.random.Generator], ArrayLike],
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | RunLibrary | None = None,
    chunk_size: int | None = None,
    **train_options: Any,
) -> list[Result]:
    """Run the same ``n_trials`` trials under several configurations, e.g. rules or learning rates.

    Every configuration sees, in trial ``i``, the same input spikes, the same
    teacher spikes and the same initial and target weights; they are drawn
    once per time bin for all configurations, which costs less than
    :func:`natspike.run_trials` once per configuration (the input draw is
    about a third of a bin at n = 100). The result for configuration ``j``
    is bit for bit ``run_trials(weights, rates, ..., **train_options,
    **configurations[j])``.

    Parameters
    ----------
    configurations : sequence of dict
        One dict of :func:`natspike.train` keywords per configuration, e.g.
        ``[{"rule": "natural", "eta": 2e-3}, {"rule": "euclidean", "eta": 1e-4}]``.
        A configuration may set only ``rule``, ``eta``, ``lr_convention``,
        ``coefficient_refresh``, ``c_u``, ``c_w``, ``silent_rate``,
        ``coefficient_tolerance``, ``event_driven`` and ``exact``
        (everything else changes the trials: pass it in ``train_options``);
        its entries take precedence over ``train_options``.
    weights, rates, n_trials, seed, teacher, workers, client, progress
        As in :func:`natspike.run_trials` (``progress`` counts
        configuration-bins, on Dask configuration-trials). On Dask each task
        runs a chunk of trials of every configuration that still misses
        them, sharing their inputs as a local run does; the numbers are the
        local ones bit for bit.
    chunk_size : int, optional
        Trials per task with Dask or a store (default: about 4 tasks per
        worker thread on Dask; with a local store, ``workers``). A store
        gets one file per task and configuration.
    store : str, os.PathLike or natspike._store.RunLibrary, optional
        A folder of results stores, one per configuration, each at the key
        ``run_trials(..., store=RunLibrary(store))`` gives it: a
        configuration already stored is read, not run again, and of the
        others only the missing trials run.
    **train_options
        Keywords of :func:`natspike.run_trials` shared by every
        configuration (``duration`` is required).

    Returns
    -------
    list of Result
        One :class:`Result` per configuration, in order, as
        :func:`natspike.run_trials` returns it.

    Raises
    ------
    TypeError, ValueError
        For bad arguments, or a configuration that sets a parameter other
        than those above (the message names it).
    MemoryError
        If the results of all configurations would not fit in memory
        together (before anything runs).
    TrialsInterrupted
        On Ctrl-C; its ``result`` is the list of Results, finished trials
        marked in ``completed`` (and a store holds them on disk).
    """
    chunk_size = _chunk_size(chunk_size)
    points, unique, library, n_trials, workers = _planned(
        configurations, weights, rates, n_trials, seed, teacher, workers, store, train_options, client
    )
    # Without a store one call runs every trial of every configuration: Go then writes straight into the results.
    local = library is None and client is None
    stacked = unique[0].job.outputs(n_trials, (len(unique),)) if local else None
    views = [None if stacked is None else {k: a[j] for k, a in stacked.items()} for j in range(len(unique))]
    runs = {p.job.config: _TaskRun([p], store=library, out=v) for p, v in zip(unique, views)}
    ordered = [runs[p.job.config] for p in unique]
    try:
        if client is None:
            tasks = _tasks(ordered, n_trials, None if library is None else chunk_size or workers)
            _execute(unique, ordered, tasks, workers, bool(progress), stacked)
        else:
            _execute_dask(unique, ordered, n_trials, client, bool(progress), chunk_size)
    except KeyboardInterrupt:
        raise TrialsInterrupted(lambda: _results(points, runs)) from None
    return _results(points, runs)


def check_configurations(
    configurations: Sequence[Mapping[str, Any]],
    weights: ArrayLike | Callable[[np.random.Generator], ArrayLike],
    rates: ArrayLike | None,
    *,
    n_trials: int,
    seed: Seed,
    teacher: float | ArrayLike | Callable[[np.random.Generator], ArrayLike],
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    store: str | os.PathLike[str] | RunLibrary | None = None,
    chunk_size: int | None = None,
    **train_options: Any,
) -> None:
    """Every check :func:`run_configurations` makes of these arguments before it runs (the same preparation:
    TypeError, ValueError or MemoryError naming the parameter), with nothing run and no store opened; for a
    caller that must know, before hours of other runs, that this one can start."""
    _planned(configurations, weights, rates, n_trials, seed, teacher, workers, store, train_options, client)
    _chunk_size(chunk_size)


def _planned(configurations, weights, rates, n_trials, seed, teacher, workers, store, train_options, client=None):
    """run_configurations' arguments checked and every configuration prepared (nothing runs): the points in
    order, the distinct ones, the results library, n_trials and the goroutines."""
    _check_client(client)
    merged = _merged(configurations, train_options)
    n_trials, workers = _count(n_trials, "n_trials", MAX_TRIALS), _workers(workers) or _cores()
    library = None if store is None else store if isinstance(store, RunLibrary) else RunLibrary(store)
    points = [_point(opts, weights, rates, n_trials, seed, teacher, library) for opts in merged]
    _check_same_trials(points)
    unique = list({p.job.config: p for p in points}.values())  # a configuration given twice runs once
    _check_size(unique, configurations=True)  # every configuration keeps all its records until the end
    return points, unique, library, n_trials, workers


def _results(points, runs) -> list[Result]:
    """One Result per configuration, in order (a configuration given twice: the same Result)."""
    results = {config: run.result(0) for config, run in runs.items()}
    return [results[p.job.config] for p in points]


def _merged(configurations, train_options) -> list[dict]:
    """Every configuration's keywords over the shared ones; ValueError for a key that changes the trials."""
    if isinstance(configurations, Mapping) or not isinstance(configurations, Sequence) or not configurations:
        raise TypeError(f"configurations must be a non-empty sequence of dicts, got {configurations!r}")
    if train_options.get("trace_every") is not None:
        raise ValueError("trace_every is not supported by run_configurations; use train")
    train_options.pop("trace_every", None)
    allowed = _describe.shared_keys()
    out = []
    for j, c in enumerate(configurations):
        if not isinstance(c, Mapping):
            raise TypeError(f"configurations[{j}] must be a dict of train keywords, got {type(c).__name__}")
        bad = sorted(set(c) - set(allowed))
        if bad:
            raise ValueError(
                f"configurations[{j}] sets {', '.join(bad)}: a configuration may set only {', '.join(allowed)} "
                "(pass the others once, as keywords shared by every configuration)"
            )
        opts = {**train_options, **c}
        if "rule" not in opts:
            raise TypeError(f"configurations[{j}]: no rule (give it in the configuration or as a shared keyword)")
        out.append(opts)
    return out


def _point(opts, weights, rates, n_trials, seed, teacher, library) -> _Point:
    """One configuration's trials, prepared as run_trials prepares them."""
    rule, inputs = opts.pop("rule"), opts.pop("inputs", None)
    return _prepare(
        rule, weights, rates, n_trials=n_trials, seed=seed, teacher=teacher, options=opts, store=library, inputs=inputs
    )


def _check_same_trials(points: list[_Point]) -> None:
    """The configurations drew the same per-trial weights (a callable must draw from the generator it is given)."""
    first = points[0]
    for j, p in enumerate(points[1:], 1):
        for name, a, b in (("weights", first.w0, p.w0), ("teacher", first.tw, p.tw)):
            if not ((a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))):
                raise ValueError(
                    f"{name}: configuration {j} drew other per-trial values than configuration 0; a callable "
                    "must draw only from the generator it is given"
                )


def _tasks(runs: list[_TaskRun], n_trials: int, chunk: int | None) -> list[tuple[tuple[int, ...], int, int]]:
    """(configurations, first, count) for every run of trials that the same configurations still miss; with a
    store in chunks of ``chunk`` trials (each written as it finishes)."""
    missing = np.stack([~r.out["completed"] for r in runs])
    tasks: list[tuple[tuple[int, ...], int, int]] = []
    t = 0
    while t < n_trials:
        members = tuple(int(k) for k in np.flatnonzero(missing[:, t]))
        end = t + 1
        while end < n_trials and end - t < (chunk or n_trials) and np.array_equal(missing[:, end], missing[:, t]):
            end += 1
        if members:
            tasks.append((members, t, end - t))
        t = end
    return tasks


def _execute(points, runs, tasks, workers, progress, stacked=None) -> None:
    """Every task in one native call on ``workers`` goroutines, its outputs handed to each configuration's run;
    ``stacked``: the results of every configuration's trials, written in place by a task of them all."""
    total = sum(points[m[0]].bins * count * len(m) for m, _, count in tasks)
    with _native.progress_bar(progress, total, f"{len(points)} configurations x {points[0].n_trials} trials") as bar:
        done = 0
        for members, first, count in tasks:
            group = [points[k] for k in members]
            whole = stacked if len(group) == len(points) and count == points[0].n_trials else None
            outs = _run_group(
                group, first, count, workers, None if bar is None else lambda k, d=done: bar(d + k), whole
            )
            for k, out in zip(members, outs):
                runs[k].done((0, first, count), out)
            done += points[members[0]].bins * count * len(members)


def _run_group(group: list[_Point], first: int, count: int, workers: int, on_progress, stacked=None) -> list[dict]:
    """Trials first … first+count−1 of the configurations ``group`` in one ``ns_run_configurations`` call, into
    ``stacked`` (configuration, trial, …) or new arrays."""
    w0, tw = group[0].inputs(first, count)
    return _run_jobs([p.job for p in group], first, w0, tw, workers, on_progress, stacked)


def _run_jobs(jobs, first: int, w0, tw, workers: int = 1, on_progress=None, stacked=None) -> list[dict]:
    """The trials from ``first`` of initial weights ``w0`` (and target weights ``tw``) under every job of
    ``jobs`` in one ``ns_run_configurations`` call; a Dask task is this on one worker thread."""
    job, count = jobs[0], w0.shape[0]
    if stacked is None:
        stacked = job.outputs(count, (len(jobs),))
    table, n = _native.buffers({**job.inputs(first, w0, tw), **stacked})
    configs = b"[" + b",".join(j.config for j in jobs) + b"]"
    fn = _native.functions["ns_run_configurations"]
    _native.call_cancellable(fn, configs, job.rates.size, count, first, workers, table, n, on_progress=on_progress)
    return [{name: a[j] for name, a in stacked.items()} for j in range(len(jobs))]


def _execute_dask(points, runs, n_trials, client, progress, chunk_size) -> None:
    """Every missing trial on Dask: tasks of ``chunk_size`` trials of the configurations that miss them, each
    one ``ns_run_configurations`` call on a worker; the results are stored on this side as they arrive, and a
    failure raises the lowest failing task's error."""
    missing = int(sum((~r.out["completed"]).sum() for r in runs))
    if missing == 0:
        return
    chunk = chunk_size or _default_chunk(client, -(-missing // len(runs)), n_trials)
    tasks = _tasks(runs, n_trials, chunk)

    def submit(task):
        members, first, count = task
        w0, tw = points[members[0]].inputs(first, count)
        return client.submit(_run_jobs, [points[k].job for k in members], first, w0, tw, pure=False)

    def collect(outcomes, i, task, outs, exc):
        members, first, count = task
        for k, out in zip(members, outs if exc is None else []):
            runs[k].done((0, first, count), out)
        _collect(runs[members[0]], outcomes, i, (0, first, count), None, exc)  # ends task i; a decided error raises

    size = lambda task: len(task[0]) * task[2]
    run_on_dask(tasks, client, submit, collect, progress, f"{len(points)} configurations on Dask", size)
