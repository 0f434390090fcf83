"""Many trials: :func:`run_trials`, locally on all cores or on a Dask cluster.

Three ways to run the same trials, all giving bit-identical numbers because
trial ``i`` draws only from streams ``(root seed, i)``:

* one native call that runs every trial on ``workers`` goroutines (the
  default: the fastest, and Ctrl-C returns the finished trials);
* tasks of a few trials each, on ``workers`` Python threads that each call
  Go (with a results store: every finished task is saved at once);
* tasks submitted to a Dask cluster (``client=``), gathered as they finish.

The task-based paths are shared with :func:`natspike.sweep`.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _describe, _native
from ._checks import MAX_TRIALS, input_variance, integer
from ._inputs import as_pair, replay_inputs
from ._layer import layer_config, layer_size, layer_variance, rate_quantities, trials_teacher
from ._neuron import resolve
from ._result import Result
from ._resume import pending_state
from ._schedule import schedule_buffers, warn_unreached
from ._seeds import root_seed, trial_generator
from ._spiketrain import is_neo_train_list, is_spike_train
from ._teachers import teacher_kind
from ._train import attenuation_vector, call_params, config, echoed
from ._typing import ArrayLike, Seed
from ._units import trial_arguments
from ._validate import check_memory, check_trial_size, contiguous, finite, real_array, vector

if TYPE_CHECKING:
    from distributed import Client

#: Keyword arguments of :func:`run_trials` that describe the trials (the
#: options a sweep may vary), besides ``rule``, ``weights``, ``rates`` and
#: ``teacher``: those of :func:`natspike.train` except ``inputs`` and
#: ``trace_every`` (Go's parameter description, plus the neuron and attenuation), and ``neurons`` (a layer).
TRAIN_OPTIONS = ("neuron", "attenuation") + tuple(p for p in _describe.params() if p not in ("rule", "trace_every"))
TRAIN_OPTIONS += ("neurons",)


#: Outputs shared by all trials of a run (the record times): one copy, no trial axis.
_SHARED = frozenset(name for name, o in _describe.outputs().items() if o["shared"])


class TrialsInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run_trials`, :func:`natspike.run_configurations` or :func:`natspike.sweep`.

    ``.result`` holds what had finished: a :class:`Result` whose
    ``completed`` marks the finished trials (the others are zeros), for
    :func:`natspike.run_configurations` one such Result per configuration, or for a
    sweep an :class:`xarray.Dataset` with a ``completed`` variable. With a
    results store the finished trials are also on disk, and running the
    same call again computes only the rest.
    """

    def __init__(self, result: Result | list[Result] | Callable[[], Result | list[Result]]) -> None:
        super().__init__("interrupted; the finished trials are in .result")
        self._result = result

    @property
    def result(self) -> Result | list[Result]:
        """What had finished (assembled on first access, so Ctrl-C stops at once): a Result, or for
        :func:`natspike.run_configurations` one Result per configuration."""
        if callable(self._result):
            self._result = self._result()
        return self._result


def run_trials(
    rule: str,
    weights: ArrayLike | Callable[[np.random.Generator], ArrayLike],
    rates: ArrayLike | None,
    *,
    n_trials: int,
    seed: Seed,
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    store: str | os.PathLike[str] | None = None,
    teacher: float | ArrayLike | Callable[[np.random.Generator], ArrayLike],
    neurons: int | None = None,
    **train_options: Any,
) -> Result:
    """Run ``n_trials`` independent learning trials, on all cores or on Dask.

    Trial ``i`` draws its spikes from streams derived from ``(seed, i)``
    only, so the numbers do not depend on ``workers``, on chunking, on a
    results store, or on whether the trials ran locally or on a cluster.

    Parameters
    ----------
    rule : see :func:`natspike.train`.
    rates : array_like (n,) or RateSchedule
        Afferent rates in Hz, shared by all trials, as in
        :func:`natspike.train`; a :class:`natspike.RateSchedule` makes them
        piecewise constant in every trial. With ``inputs`` (below) the rule
        uses these rates, or with ``None`` the rates estimated from the
        replayed spikes, as in :func:`natspike.train`.
    weights : array_like (n,) or (n_trials, n), or callable
        Initial weights, shared, per trial, or ``weights(rng) -> (n,)``
        drawn with the trial's own generator for this argument,
        ``default_rng(SeedSequence(root, spawn_key=(i, purpose_key("weights"))))``
        (see ``natspike._seeds``; e.g. ``lambda rng: rng.uniform(-1/n, 1/n, n)``
        for the paper's Fig 3F). With ``neurons=m``: (m, n), (n_trials, m, n),
        or a callable returning (m, n).
    teacher : float, array_like (n,) or (n_trials, n), or callable
        Poisson teacher rate (Hz), or target weights like ``weights``; a
        callable gets a generator of its own (purpose "teacher"), so the
        same callable for ``weights`` and ``teacher`` draws different
        initial and target weights. With ``neurons=m``: target weights like
        ``weights``, one Poisson rate for every neuron, or m rates of shape
        (m,) (see :func:`natspike.train`).
    neurons : int, optional
        Train a layer of ``neurons`` output neurons on the same inputs in
        every trial (see :func:`natspike.train`, "a layer of neurons"): said
        explicitly here, because a 2-D ``weights`` is a stack of per-trial
        weight vectors. The per-neuron outputs gain a ``neuron`` axis after
        the trial axis. Default None: one neuron.
    n_trials : int
        Number of trials (≥ 1).
    seed : int, SeedSequence or Generator
        Root seed (required: results are meant to be reproducible; with a
        store it must reproduce the same root, so not None).
    workers : int, optional
        Goroutines (or, with a store, threads) for local runs (default: all
        cores). Ignored with Dask.
    client : dask.distributed.Client, optional
        Run tasks of ``chunk_size`` trials on the client's cluster, gathered
        as they finish.
    progress : bool
        Show a tqdm progress bar (in simulated bins, or trials with Dask).
    chunk_size : int, optional
        Trials per task with Dask or a store (default: about 4 tasks per
        worker thread on Dask; locally one trial per task, or n_trials/10⁴
        for more than 10⁴ trials). A store gets one file per task.
    store : str or os.PathLike, optional
        Directory of a results store (see ``natspike._store``): every
        finished task is written there at once; running the same call again
        reads the finished trials and computes only the missing ones. A
        store written with other parameters raises ``ValueError``.
    **train_options
        ``duration``, ``eta`` (required) and any other keyword of
        :func:`natspike.train` except ``trace_every``. ``inputs`` (any form
        :func:`natspike.train` takes) replays the same spikes in every trial,
        stored once, sparsely; the trials then differ in their initial and
        target weights, teacher spikes and test sets.

    Returns
    -------
    Result
        The fields of :func:`train` stacked along a leading trial axis
        (``times`` is shared), plus ``completed``, ``initial_weights`` and
        ``target_weights``; a layer's per-neuron fields have a ``neuron``
        axis after the trial axis (e.g. ``weights`` (n_trials, m, records, n)).

    Raises
    ------
    TypeError, ValueError
        For bad arguments (the message names the parameter).
    MemoryError
        If the results would not fit in memory (before anything runs).
    DivergenceError
        If a trial diverges; the message names the trial, time and quantity.
        Of several failing trials it is always the lowest-numbered one,
        whatever the workers, chunks or client, and whichever failed first.
    TrialsInterrupted
        (a ``KeyboardInterrupt``) on Ctrl-C, within about a second; its
        ``result`` holds the trials that had finished, marked in
        ``result.completed`` (and a store holds them on disk).
    """
    point, workers, chunk_size, progress = _planned(
        rule, weights, rates, n_trials, seed, workers, client, progress, chunk_size, store, teacher, neurons,
        train_options,
    )  # fmt: skip
    if client is None and store is None:
        return _run_native(point, workers, progress)
    runner = _TaskRun([point], store=store)
    runner.execute(
        client=client,
        workers=workers,
        chunk_size=chunk_size,
        progress=progress,
        interrupted=lambda: TrialsInterrupted(lambda: runner.result(0)),
    )
    return runner.result(0)


def check_trials(
    rule: str,
    weights: ArrayLike | Callable[[np.random.Generator], ArrayLike],
    rates: ArrayLike | None,
    *,
    n_trials: int,
    seed: Seed,
    workers: int | None = None,
    client: Client | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
    store: str | os.PathLike[str] | None = None,
    teacher: float | ArrayLike | Callable[[np.random.Generator], ArrayLike],
    neurons: int | None = None,
    **train_options: Any,
) -> None:
    """Every check :func:`run_trials` makes of these arguments before it runs (the same preparation: TypeError,
    ValueError or MemoryError naming the parameter), with nothing run and no store opened; for a caller that must
    know, before hours of other runs, that this one can start."""
    _planned(
        rule, weights, rates, n_trials, seed, workers, client, progress, chunk_size, store, teacher, neurons,
        train_options,
    )  # fmt: skip


def _planned(rule, weights, rates, n_trials, seed, workers, client, progress, chunk_size, store, teacher, neurons,
             train_options):  # fmt: skip
    """run_trials' arguments checked and its trials prepared (nothing runs): the point, the goroutines, the
    chunk size and the progress flag."""
    if train_options.pop("trace_every", None) is not None:
        raise ValueError("trace_every is not supported by run_trials; use train")
    inputs = train_options.pop("inputs", None)
    n_trials, workers = _count(n_trials, "n_trials", MAX_TRIALS), _workers(workers)
    chunk_size, progress = _chunk_size(chunk_size), bool(progress)
    _check_client(client)
    if neurons is not None:
        train_options["neurons"] = neurons
    point = _prepare(
        rule, weights, rates, n_trials=n_trials, seed=seed, teacher=teacher, options=train_options, store=store,
        inputs=inputs,
    )  # fmt: skip
    return point, workers, chunk_size, progress


# --- argument checks ---------------------------------------------------------------------------------------


def _count(value, name, hi):
    return integer(value, name, 1, hi)


def _workers(workers):
    return 0 if workers is None else _count(workers, "workers", 1024)


def _chunk_size(chunk_size):
    return None if chunk_size is None else _count(chunk_size, "chunk_size", 10**7)


def _check_client(client):
    if client is not None and not all(hasattr(client, a) for a in ("submit", "cancel", "nthreads")):
        raise TypeError(f"client must be a dask.distributed.Client or None, got {type(client).__name__}")


def _check_store_seed(seed, store):
    if store is not None:
        from ._store import store_path

        store_path(store)  # before anything is prepared: TypeError/ValueError for a non-path
    if store is not None and seed is None:
        raise ValueError("seed must be given (not None) with a store: a resumed run must draw the same streams")


def _per_trial(value, name, n_trials, shape, root):
    """(n_trials, *shape) array from one value of ``shape`` ((n,), or (m, n) for a layer), a stack, or a
    callable(rng) -> shape."""
    size = int(np.prod(shape))
    check_memory(16 * n_trials * size, "n_trials", f"{n_trials} x {size} per-trial {name}")
    if callable(value):
        rows = [real_array(value(trial_generator(root, i, name)), f"{name}(rng)") for i in range(n_trials)]
        for i, row in enumerate(rows):
            if row.shape != shape:
                raise ValueError(f"{name}(rng) must return shape {shape}, got {row.shape} for trial {i}")
        a = np.stack(rows)
    else:
        a = real_array(value, name)
        if a.shape == shape:
            a = np.broadcast_to(a, (n_trials, *shape))
        elif a.shape != (n_trials, *shape):
            raise ValueError(f"{name} must have shape {shape} or {(n_trials, *shape)}, got {a.shape}")
    return contiguous(finite(a, name))


def _teacher_kind(teacher):
    """('poisson', rate) for a number or rate Quantity, else ('realizable', 0.0): target weights."""
    listed = isinstance(teacher, (list, tuple)) or is_neo_train_list(teacher)
    if is_spike_train(teacher) or (listed and any(map(is_spike_train, teacher))):
        raise ValueError("teacher: a replayed spike train cannot be shared by independent trials; use train")
    kind, rate = teacher_kind(teacher)
    if kind == "replay":
        raise ValueError("teacher: a replayed spike train cannot be shared by independent trials; use train")
    return kind, rate


# --- one set of trials -------------------------------------------------------------------------------------


class _Job:
    """Everything a chunk of trials needs (picklable, for Dask)."""

    def __init__(self, config, rates, attenuation, records, kind, schedule=None, events=None, state=None):
        self.config, self.rates, self.attenuation = config, rates, attenuation
        self.records, self.kind, self.schedule = records, kind, schedule or {}
        self.replayed = {} if events is None else {"input_events": events}  # shared by all trials
        self.state = state  # (n_trials, words) end states when natspike.resume continues the trials

    def outputs(self, count, lead=()):
        """Zeroed arrays for every output Go writes for ``count`` trials (Go's plan), with leading axes ``lead``."""
        return _describe.allocate(_describe.plan(self.config.decode(), self.rates.size, count), lead)

    def _args(self, first, w0, teacher, workers, out):
        table, count = _native.buffers({**self.inputs(first, w0, teacher), **out})
        return self.config, self.rates.size, w0.shape[0], first, workers, table, count

    def inputs(self, first, w0, teacher):
        """The input buffers of trials first … first+len(w0)−1, by name."""
        # contiguous(): arrays unpickled on a Dask worker may be misaligned views of a network buffer.
        return {
            "rates": contiguous(self.rates),
            "w0": contiguous(w0),
            "teacher_weights": None if teacher is None else contiguous(teacher),
            "attenuation": None if self.attenuation is None else contiguous(self.attenuation),
            **{name: contiguous(a) for name, a in {**self.schedule, **self.replayed}.items()},
            "resume_state": None if self.state is None else contiguous(self.state[first : first + w0.shape[0]]),
        }

    def run(self, first, w0, teacher, workers=0, on_progress=None, out=None):
        """Trials first … first+len(w0)−1 in one cancellable native call."""
        out = out or self.outputs(w0.shape[0])
        _native.call_cancellable(
            _native.functions["ns_run_trials"], *self._args(first, w0, teacher, workers, out), on_progress=on_progress
        )
        return out

    def run_with(self, first, w0, teacher, cancel, progress):
        """The same on one goroutine, from a worker thread, with a shared
        cancel flag and progress counter (one-element int32/int64 arrays)."""
        out = self.outputs(w0.shape[0])
        _native.call(_native.functions["ns_run_trials"], *self._args(first, w0, teacher, 1, out), cancel, progress)
        return out


@dataclass
class _Point:
    """The trials of one run_trials call (or of one grid point of a sweep)."""

    job: _Job
    w0: np.ndarray  # (n_trials, n)
    tw: np.ndarray | None  # (n_trials, n) target weights, or None for a Poisson teacher
    cfg: dict
    plan: dict  # Go's plan of all n_trials trials
    params: dict  # the call in the API's units
    label: str = ""

    @property
    def n_trials(self):
        return self.w0.shape[0]

    @property
    def bins(self):
        return self.plan["bins"]

    def inputs(self, first, count):
        rows = slice(first, first + count)
        return self.w0[rows], None if self.tw is None else self.tw[rows]

    def echoed(self, first, count):
        """The inputs of trials first … first+count−1 that are also outputs."""
        w0, tw = self.inputs(first, count)
        return echoed(self.plan, {"w0": w0, "teacher_weights": tw})


def _prepare(rule, weights, rates, *, n_trials, seed, teacher, options, store=None, label="", inputs=None) -> _Point:
    """Validate one set of trials and plan it (nothing runs yet)."""
    m = layer_size(options.pop("neurons", None))
    teacher = teacher if m is None else rate_quantities(teacher)
    options, weights, rates, teacher = trial_arguments(options, weights, rates, teacher)
    _check_store_seed(seed, store)
    root = root_seed(seed)
    neuron = resolve(options.pop("neuron", None))
    events, rates = replay_inputs(inputs, rates, weights, neuron.dt, options.get("duration"))
    if not label:  # one run_trials call (a sweep's points may differ in duration and share a schedule)
        warn_unreached(rates, options.get("duration"))
    first, schedule = schedule_buffers(rates, neuron.dt)
    r = contiguous(finite(vector(first, "rates"), "rates"))
    att = attenuation_vector(options.pop("attenuation", None), r.size)
    kind, rate, rates_m = _teacher_kind(teacher) + (None,) if m is None else trials_teacher(teacher, m, r.size)
    cfg = config({"rule": rule, **options}, neuron, kind, rate, root)
    if m is not None:
        cfg.update(layer_config(m, kind, rates_m))
    text = json.dumps(cfg)  # the same text plans and runs: Go parses it once (natspike._describe.plan)
    plan = _describe.plan(text, r.size, n_trials)
    check_trial_size(plan["records"], 0, r.size, cfg["test_samples"], cfg["test_bins"], trials=n_trials, neurons=m or 1)
    shape = (r.size,) if m is None else (m, r.size)
    w0 = _per_trial(weights, "weights", n_trials, shape, root)
    (input_variance if m is None else layer_variance)(cfg["rule"], w0, r)
    tw = None if kind == "poisson" else _per_trial(teacher, "teacher", n_trials, shape, root)
    job = _Job(text.encode(), r, att, plan["records"], kind, schedule, events, pending_state())
    args = {"rule": rule, "weights": None, "rates": None, "n_trials": n_trials, "seed": root, "teacher": None}
    args.update((name, None) for name in TRAIN_OPTIONS if name != "neurons" or m is not None)
    if events is not None:
        args["inputs"] = None
    normal = {"weights": w0.tolist(), "rates": rates if schedule else r.tolist(), "n_trials": n_trials}
    normal.update(seed=root, neuron=neuron)
    teacher_value = (rate if rates_m is None else rates_m.tolist()) if tw is None else tw.tolist()
    normal.update(teacher=teacher_value, attenuation=None if att is None else att.tolist())
    normal.update(inputs=None if events is None else as_pair(events, neuron.dt))  # shared by every trial
    return _Point(job, w0, tw, cfg, plan, call_params(args, cfg, normal), label)


def _check_size(points, *, configurations=False):
    """MemoryError (naming n_trials) if the results of all points cannot fit at once: the trials of every point,
    or with ``configurations`` the same n_trials trials under each point's configuration."""
    p = points[0]
    check_trial_size(
        p.job.records,
        0,
        p.job.rates.size,
        p.cfg["test_samples"],
        p.cfg["test_bins"],
        trials=p.n_trials if configurations else sum(q.n_trials for q in points),
        neurons=p.cfg.get("neurons", 1),
        configurations=len(points) if configurations else 1,
    )


def _run_native(point, workers, progress):
    """All trials in one native call on ``workers`` goroutines."""
    _check_size([point])
    job, w0, tw = point.job, point.w0, point.tw
    out = _describe.allocate(point.plan)  # the plan of all n_trials trials, as job.outputs(n_trials) would ask Go again
    desc = f"{point.cfg['rule']} x {point.n_trials} trials"
    with _native.progress_bar(progress, point.bins * point.n_trials, desc) as update:
        try:
            job.run(0, w0, tw, workers, update, out)
        except KeyboardInterrupt:
            raise TrialsInterrupted(_result(out, point)) from None
    return _result(out, point)


def _result(out, point: _Point) -> Result:
    arrays = {**out, **point.echoed(0, point.n_trials), "completed": out["completed"].astype(bool)}
    return Result(
        arrays,
        params=point.params,
        seed=point.cfg["seed"],
        version=_native.version(),
        numbers_version=_native.numbers_version(),
    )


def _chunk(job, first, w0, teacher):
    """One Dask task: trials first … first+len(w0)−1 on one thread."""
    return job.run(first, w0, teacher, workers=1)


# --- task-based runs (store, Dask, sweeps) ------------------------------------------------------------------


class _TaskRun:
    """Runs the trials of several points as tasks and collects the results.

    All points share the kind of teacher, the number of records and n.
    Results live in flat arrays indexed by unit u = point · n_trials + trial.
    """

    def __init__(self, points: list[_Point], *, store=None, grid=None, out=None):
        self.points = points
        self.n_trials = points[0].n_trials
        units = len(points) * self.n_trials
        _check_size(points)
        self.out = points[0].job.outputs(units) if out is None else out  # out: the caller's arrays, Go's plan
        self.out["completed"] = np.zeros(units, bool)
        self.loaded = self.computed = 0
        self.store = None
        if store is not None:
            from ._store import open_store, point_identity

            ids = [
                point_identity(p.cfg, p.job.rates, p.job.attenuation, {**p.job.schedule, **p.job.replayed})
                for p in points
            ]
            self.store = open_store(store, ids, grid, (a for p in points for a in (p.w0, p.tw)))
            self._load()

    def _load(self):
        for point, first, stored, file in self.store.finished():
            if first >= self.n_trials:
                continue
            arrays = self.store.read(point, first, stored, file)
            self.store.check_complete(
                arrays, [k for k, v in self.out.items() if v is not None and k != "completed"], file
            )
            count = min(stored, self.n_trials - first)  # a later run may ask for fewer trials
            self._check_inputs(point, first, count, arrays, file)
            u = point * self.n_trials + first
            new = int((self.out["completed"][u : u + count] == 0).sum())  # overlapping shards count once
            self._fill(point, first, {k: v[:count] if k not in _SHARED else v for k, v in arrays.items()})
            self.loaded += new
            self.store.loaded += new

    def _check_inputs(self, point, first, count, arrays, file):
        w0, tw = self.points[point].inputs(first, count)
        same = np.array_equal(arrays.get("initial_weights")[:count], w0) and (
            tw is None or np.array_equal(arrays.get("target_weights", np.empty(0))[:count], tw)
        )
        if not same:
            raise ValueError(
                f"store: shard {file.name} holds trials {first}… of point {point} with other initial "
                "or target weights than this run's; use another directory"
            )

    def _fill(self, point, first, arrays):
        u = point * self.n_trials + first
        rows = slice(u, u + len(arrays["final_weights"]))
        for key, value in arrays.items():
            if key in _SHARED:
                self.out[key][:] = value
            elif self.out.get(key) is not None and key != "completed":
                self.out[key][rows] = value
        self.out["completed"][rows] = True

    def tasks(self, chunk_size):
        """(point, first, count) for every run of unfinished trials."""
        done = self.out["completed"].reshape(len(self.points), self.n_trials)
        for p in range(len(self.points)):
            missing = np.flatnonzero(~done[p])
            for run in np.split(missing, np.flatnonzero(np.diff(missing) != 1) + 1):
                for start in range(0, run.size, chunk_size):
                    yield p, int(run[start]), int(min(chunk_size, run.size - start))

    def done(self, task, out):
        """Record (and store) a finished task."""
        p, first, count = task
        if self.store is not None:
            planned = self.points[p].plan["outputs"]
            keep = {k: v for k, v in out.items() if planned[k]["origin"] == "trial"}
            self.store.write(p, first, {**keep, **self.points[p].echoed(first, count)})
            self.store.computed += count
        self._fill(p, first, {k: v for k, v in out.items() if v is not None and k in self.out})
        self.computed += count

    def execute(self, *, client, workers, chunk_size, progress, interrupted):
        """Run every unfinished trial; on Ctrl-C raise ``interrupted()``."""
        missing = int((~self.out["completed"]).sum())
        if missing == 0:
            return
        if chunk_size is None:
            chunk_size = _default_chunk(client, missing, self.n_trials)
        tasks = list(self.tasks(chunk_size))
        try:
            if client is None:
                _execute_local(self, tasks, workers or _cores(), progress)
            else:
                _execute_dask(self, tasks, client, progress)
        except KeyboardInterrupt:
            raise interrupted() from None

    def result(self, p) -> Result:
        """The Result of point p (run_trials)."""
        rows = slice(p * self.n_trials, (p + 1) * self.n_trials)
        out = {k: (v if k in _SHARED or v is None else v[rows]) for k, v in self.out.items()}
        return _result(out, self.points[p])


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _default_chunk(client, missing, n_trials):
    if client is None:  # one trial per task, or fewer, larger tasks beyond 10⁴ trials
        return max(1, min(n_trials, -(-missing // 10_000)))
    threads = max(1, sum(client.nthreads().values()))
    return max(1, min(n_trials, -(-missing // (4 * threads))))


def _in_context(exc, point: _Point, task):
    """Prefix a task's error with its grid point (same exception type)."""
    if not point.label or not isinstance(exc, (ValueError, TypeError, MemoryError, RuntimeError)):
        return exc
    try:
        new = type(exc)(f"{point.label}: {exc}")
    except Exception:  # pragma: no cover - exotic exception signatures
        return exc
    new.__cause__ = exc
    return new


class _Outcomes:
    """Which of n tasks have ended, and the lowest failing one. A run raises the error of its lowest failing task
    once every task before it has ended (any of them may fail too), so the error does not depend on the order in
    which tasks finish; tasks after a failure are not needed."""

    def __init__(self, n):
        self.ended, self.frontier = [False] * n, 0  # every task before frontier has ended
        self.lowest, self.error = n, None

    def fail(self, i, exc):
        if i < self.lowest:
            self.lowest, self.error = i, exc

    def end(self, i):
        self.ended[i] = True
        while self.frontier < len(self.ended) and self.ended[self.frontier]:
            self.frontier += 1

    def needed(self, i) -> bool:
        return i < self.lowest

    def decided(self) -> bool:
        return self.error is not None and self.frontier >= self.lowest


def _execute_local(run: _TaskRun, tasks, workers, progress):
    """Tasks on ``workers`` daemon threads, each calling Go; the calling
    thread collects results, stores them and handles Ctrl-C. A failure
    raises the lowest failing task's error (_Outcomes)."""
    cancel, counter = np.zeros(1, np.int32), np.zeros(1, np.int64)
    todo: queue.SimpleQueue[Any] = queue.SimpleQueue()
    results: queue.SimpleQueue[Any] = queue.SimpleQueue()
    outcomes = _Outcomes(len(tasks))
    for i, task in enumerate(tasks):
        todo.put((i, task))

    def work():
        _native.block_sigint_in_this_thread()
        while not cancel[0]:
            try:
                i, task = todo.get_nowait()
            except queue.Empty:
                return
            if not outcomes.needed(i):  # a task before it failed
                results.put((i, task, None, None))
                continue
            try:
                w0, tw = run.points[task[0]].inputs(task[1], task[2])
                results.put((i, task, run.points[task[0]].job.run_with(task[1], w0, tw, cancel, counter), None))
            except BaseException as exc:  # handed to the collecting thread
                results.put((i, task, None, exc))

    threads = [
        threading.Thread(target=work, name="natspike-task", daemon=True) for _ in range(min(workers, len(tasks)))
    ]
    total = sum(run.points[p].bins * count for p, _, count in tasks)
    with _native.progress_bar(progress, total, f"{len(tasks)} tasks") as on_progress:
        try:  # start() inside: a Ctrl-C raised in Thread.start() must still raise the cancel flag
            for t in threads:
                t.start()
            for _ in range(len(tasks)):
                _collect(run, outcomes, *_next_result(results, on_progress, counter))
            if on_progress is not None:
                on_progress(int(counter[0]))
        finally:
            _stop(threads, cancel)


def _collect(run: _TaskRun, outcomes: _Outcomes, i, task, out, exc):
    """Store task i's results, or note its failure; raise the run's error once it is decided."""
    if isinstance(exc, KeyboardInterrupt):
        raise exc
    if exc is not None:
        outcomes.fail(i, _in_context(exc, run.points[task[0]], task))
    elif out is not None:
        run.done(task, out)
    outcomes.end(i)
    if outcomes.decided():
        raise outcomes.error


def _cancel_after(client, live, i):
    """Cancel the live Dask tasks after task i (a failure before them decides the run's error)."""
    after = [f for f, (j, _) in live.items() if j > i]
    for f in after:
        del live[f]
    if after:
        client.cancel(after)


def _next_result(results, on_progress, counter):
    while True:
        try:
            return results.get(timeout=0.1)
        except queue.Empty:
            if on_progress is not None:
                on_progress(int(counter[0]))


def _stop(threads, cancel, timeout=None):
    """Raise the cancel flag and wait until every thread has left Go (Go polls the flag every 10 ms), at most
    ``timeout`` seconds in all (:data:`natspike._native.STOP_TIMEOUT`): no task is left running once the caller
    sees the exception. The flag is raised whatever ``is_alive()`` says: a thread whose start() was interrupted
    may be in Go before it counts as alive; after a complete run it only stops idle threads."""
    cancel[0] = 1
    timeout = _native.STOP_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    for t in threads:
        try:
            _native.wait_stopped(lambda s, t=t: _joined(t, deadline - time.monotonic()), t.name, timeout)
        except RuntimeError:  # start() was interrupted before run(): it will see the flag before calling Go
            pass


def _joined(thread, seconds) -> bool:
    thread.join(max(0.0, seconds))
    return not thread.is_alive()


def _execute_dask(run: _TaskRun, tasks, client, progress):
    """Tasks on a Dask cluster (:func:`run_on_dask`), each of ``chunk_size`` trials of one point."""

    def submit(task):
        p, first, count = task
        w0, tw = run.points[p].inputs(first, count)
        return client.submit(_chunk, run.points[p].job, first, w0, tw, pure=False)

    collect = lambda outcomes, i, task, out, exc: _collect(run, outcomes, i, task, out, exc)
    run_on_dask(tasks, client, submit, collect, progress, f"{len(tasks)} Dask tasks", lambda task: task[2])


def run_on_dask(tasks, client, submit, collect, progress, description, size):
    """Tasks on a Dask cluster, at most a few per worker thread in flight; ``submit(task)`` returns its future,
    and ``collect(outcomes, i, task, out, exc)`` takes each result (or error) on this side as it finishes,
    storing it and raising the run's error once it is decided (:class:`_Outcomes`). A failure submits no more
    tasks and cancels those after it; progress counts ``size(task)`` trials per task."""
    from dask.distributed import as_completed

    threads = max(1, sum(client.nthreads().values()))
    pending, live, finished = iter(enumerate(tasks)), {}, as_completed()
    outcomes = _Outcomes(len(tasks))

    def start(i, task):
        future = submit(task)
        live[future] = i, task
        finished.add(future)

    for i, task in islice(pending, max(16, 4 * threads)):
        start(i, task)
    done = 0
    with _native.progress_bar(progress, sum(size(t) for t in tasks), description, "trial") as update:
        try:
            for future in finished:
                if future not in live:  # cancelled after a failure before it
                    continue
                i, task = live.pop(future)
                try:
                    out, exc = future.result(), None
                except Exception as error:
                    out, exc = None, error
                if exc is not None:
                    _cancel_after(client, live, i)
                collect(outcomes, i, task, out, exc)
                done += size(task)
                if update is not None:
                    update(done)
                nxt = next(pending, None) if outcomes.error is None else None
                if nxt is not None:
                    start(*nxt)
        finally:
            if live:
                client.cancel(list(live))
