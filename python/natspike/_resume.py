"""Continued trials: :func:`resume`.

A run with ``keep_state=True`` keeps, per trial, its end state (Go's output
``state``: weights, USP traces, the staged update, Fisher coefficients and
their cache, the input spikes pending in the Poisson source and the
positions of every random stream); :func:`resume` passes it back with the
run's own parameters (``result.params``), and the trial continues exactly
where it stopped. The test set of D_KL is regenerated from the seed.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _native
from ._result import Result, end_time
from ._spiketrain import EDGE_TOLERANCE, SpikeTrain, is_neo_spiketrain, is_neo_train_list, is_spike_train
from ._units import in_units
from ._validate import shown

#: The state of the run being resumed, read by train and run_trials while resume calls them.
STATE: ContextVar[np.ndarray | None] = ContextVar("natspike_resume_state", default=None)
#: The time (s) into the trial at which the run being resumed continues, while resume calls train or run_trials.
START: ContextVar[float | None] = ContextVar("natspike_resume_start", default=None)


def pending_state():
    """The end state that :func:`resume` is passing to the run being set up, or None."""
    return STATE.get()


def continuation_start() -> float | None:
    """The time (s) into the trial at which the run that :func:`resume` is setting up continues, or None."""
    return START.get()


def resume(
    result: Result,
    duration: float,
    *,
    inputs: ArrayLike | Sequence[Any] | None = None,
    teacher: ArrayLike | SpikeTrain | None = None,
    record_spikes: bool | None = None,
    keep_state: bool = True,
    progress: bool = False,
    workers: int | None = None,
) -> Result:
    """Continue the trials of ``result`` for ``duration`` more seconds, exactly where they stopped.

    ``train(..., duration=1.0, keep_state=True)`` followed by
    ``resume(result, duration=1.0)`` gives the same numbers bit for bit as
    one ``train(..., duration=2.0)``: weights, metrics, traces, recorded
    spikes and every later random number. The continuation's records and
    trace samples are taken every ``record_every`` and ``trace_every`` from
    its start, and its ``times`` continue those of ``result`` (so
    ``times[0]`` is the end of ``result``). This holds for every evaluation
    (the default event-driven one and ``exact=True``) at any split, also one
    between two records of the longer run.

    Parameters
    ----------
    result : Result
        Of :func:`natspike.train`, :func:`natspike.run_trials` or an
        earlier :func:`resume`, run with ``keep_state=True`` (possibly saved
        and loaded, :meth:`Result.save`, :func:`natspike.load`). Every trial
        of a run_trials result is continued.
    duration : float or Quantity
        Length of the continuation (s, > 0, a whole number of bins).
    inputs : optional
        For a result that replayed inputs: the input spikes of the
        continuation, in any form :func:`natspike.train` accepts, times
        counting from the start of the continuation. A ``neo.SpikeTrain``
        may instead start at the continuation's start (``t_start`` = the end
        of ``result``, where :meth:`Result.to_neo` of the continuation
        starts too): then its times are those of the whole recording.
        Required then, refused otherwise.
    teacher : SpikeTrain or neo.SpikeTrain, or a list of them, optional
        For a replayed teacher: its spikes during the continuation (times
        from its start, or a ``neo.SpikeTrain`` in the recording's times, as
        for ``inputs``), one train per neuron for a layer. Required then,
        refused otherwise.
    record_spikes : bool, optional
        Record spikes in the continuation (default: as in ``result``).
    keep_state : bool
        Keep the continuation's end state, to resume again (default True).
    progress : bool
        Show a progress bar.
    workers : int, optional
        Goroutines for the trials of a run_trials result.

    Returns
    -------
    Result
        The continuation: the fields of ``result``'s kind of run, for its
        part of the trial; ``initial_weights`` are the weights it started
        from (``result.final_weights``).

    Raises
    ------
    TypeError
        If ``result`` is not a Result.
    ValueError
        If ``result`` has no state (run without ``keep_state=True``), has
        unfinished trials, was made by another natspike version or by an
        engine of another numbers version (or records none, saved before
        numbers versions) or its state belongs to another configuration; if ``duration`` is not > 0;
        (at the run) for ``input_pool_size`` or a rate schedule of several
        segments, whose state is not kept;
        or for missing or unexpected ``inputs``/``teacher``.

    Examples
    --------
    >>> import numpy as np, natspike
    >>> w0, wstar = np.random.default_rng(0).uniform(-0.01, 0.01, (2, 20))
    >>> kw = dict(teacher=wstar, eta=6e-4, lr_convention="authors", seed=1)
    >>> first = natspike.train("natural", w0, np.full(20, 20.0), duration=1.0, keep_state=True, **kw)
    >>> more = natspike.resume(first, duration=1.0)
    >>> once = natspike.train("natural", w0, np.full(20, 20.0), duration=2.0, **kw)
    >>> bool((more.final_weights == once.final_weights).all()), float(more.times[0])
    (True, 1.0)
    """
    state = _checked_state(result)
    params, start = _continued_params(result, duration, inputs, teacher, record_spikes, keep_state)
    token, start_token = STATE.set(state), START.set(start)
    try:
        if result.n_trials is None:
            from ._train import train

            return train(**params, progress=progress)
        from ._trials import run_trials

        return run_trials(**params, progress=progress, workers=workers)
    finally:
        STATE.reset(token)
        START.reset(start_token)


def _continued_params(result, duration, inputs, teacher, record_spikes, keep_state) -> tuple[dict, float]:
    """The arguments of the run that continues ``result``, and the time (s) into the trial at which it starts."""
    params = dict(result.params)
    params.update(duration=_duration(duration), weights=np.asarray(result.final_weights), keep_state=bool(keep_state))
    if record_spikes is not None:
        params["record_spikes"] = record_spikes
    start, dt = end_time(result), params["neuron"].dt
    inputs, teacher = _from_start(inputs, start, dt, "inputs"), _from_start(teacher, start, dt, "teacher")
    _replace_replayed(params, "inputs", inputs, params.get("inputs") is not None)
    replayed_teacher = _replays_teacher(params.get("teacher"))
    if replayed_teacher and teacher is not None and not _is_trains(teacher):
        raise TypeError(
            "teacher: the result replayed given teacher spike trains; give the continuation's as spike trains too "
            f"(natspike.SpikeTrain or neo.SpikeTrain, a list of them for a layer), got {type(teacher).__name__}"
        )
    _replace_replayed(params, "teacher", teacher, replayed_teacher)
    return params, start


def _from_start(value: Any, start: float, dt: float, name: str) -> Any:
    """``value`` (a continuation's replayed ``inputs`` or ``teacher``) with each neo.SpikeTrain that starts at the
    continuation's start, i.e. in the times of the whole recording, shifted to start at 0; a neo.SpikeTrain that
    starts neither at 0 nor there is refused, naming both."""
    if is_neo_spiketrain(value):
        return _shifted(value, start, dt, name)
    if isinstance(value, list) or is_neo_train_list(value):
        return [_shifted(v, start, dt, f"{name}[{i}]") if is_neo_spiketrain(v) else v for i, v in enumerate(value)]
    return value


def _shifted(train: Any, start: float, dt: float, name: str) -> Any:
    t_start = float(in_units(train.t_start, f"{name}.t_start", "time"))
    if t_start == 0:
        return train
    if abs(t_start - start) <= EDGE_TOLERANCE * dt:
        return train.time_shift(-train.t_start)
    raise ValueError(
        f"{name}: a neo.SpikeTrain of the continuation must start at t_start = 0 (times from the continuation's "
        f"start) or at the continuation's start, {start:g} s (times of the whole recording, as to_neo writes "
        f"them), got t_start = {t_start:g} s"
    )


def _replays_teacher(teacher: Any) -> bool:
    """Whether a run's teacher (its ``params``) was replayed: a spike train, or one per neuron of a layer."""
    return isinstance(teacher, SpikeTrain) or (
        isinstance(teacher, list) and bool(teacher) and all(isinstance(t, SpikeTrain) for t in teacher)
    )


def _is_trains(teacher: Any) -> bool:
    """A spike train (natspike or neo), or a non-empty list (or Neo SpikeTrainList) of them."""
    if is_spike_train(teacher):
        return True
    trains = list(teacher) if isinstance(teacher, (list, tuple)) or is_neo_train_list(teacher) else []
    return bool(trains) and all(is_spike_train(t) for t in trains)


def _checked_state(result) -> np.ndarray:
    if not isinstance(result, Result):
        raise TypeError(f"result must be a natspike.Result, got {type(result).__name__}")
    if result.state is None:
        raise ValueError(
            "result has no state to resume from: run it with keep_state=True (train, run_trials or resume)"
        )
    if result.version != _native.version():
        raise ValueError(
            f"result was made by natspike {result.version}; this is {_native.version()}, whose state "
            "format may differ: rerun it with this version to resume"
        )
    _check_numbers_version(result.numbers_version)
    if result.completed is not None and not np.asarray(result.completed, bool).all():
        raise ValueError("result has unfinished trials (result.completed); only finished trials can be resumed")
    return np.ascontiguousarray(result.state, dtype=np.float64)


def _check_numbers_version(saved) -> None:
    """ValueError unless the state was computed by an engine of this engine's numbers version: continued by
    another, a trial would follow neither engine's trajectory."""
    current = _native.numbers_version()
    if saved is None:
        raise ValueError(
            "result's state predates numbers versions (it records none); this engine computes numbers version "
            f"{current}: rerun it with this natspike to resume"
        )
    if saved != current:
        raise ValueError(
            f"result's state was computed by an engine of numbers version {saved}; this engine computes numbers "
            f"version {current}, whose numbers differ, so the continued trial would be neither engine's: rerun it "
            "with this natspike to resume"
        )


def _duration(duration):
    from ._units import in_units

    d = in_units(duration, "duration", "time")
    if isinstance(d, np.ndarray) and d.ndim == 0:
        d = float(d)
    if isinstance(d, (bool, np.bool_)) or not isinstance(d, numbers.Real):
        raise TypeError(f"duration must be a real number of seconds, got {type(duration).__name__}")
    if not (np.isfinite(d) and d > 0):
        raise ValueError(f"duration must be finite and > 0 s, got {shown(duration)}")
    return float(d)


def _replace_replayed(params: dict, name: str, value, replayed: bool) -> None:
    """Put the continuation's replayed ``inputs``/``teacher`` into ``params`` (required iff ``replayed``)."""
    if replayed and value is None:
        raise ValueError(f"{name}: the result replayed given {name}; give those of the continuation ({name}=...)")
    if not replayed and value is not None:
        raise ValueError(f"{name}: the result did not replay given {name}; resume continues its own, so leave it out")
    if replayed:
        params[name] = value
