"""Replayed input spikes (``inputs=`` of :func:`natspike.train`) in the field's formats.

Four forms say the same thing, and the same spikes give the same numbers
bit for bit whichever form carries them:

* a list of n spike trains, one per afferent: arrays of spike times in s,
  Quantity arrays of times, :class:`natspike.SpikeTrain` or ``neo.SpikeTrain``
  (also a Neo segment's ``spiketrains``, a ``SpikeTrainList``);
* a tuple ``(indices, times)``: afferent index and time of every spike, in
  any order, as Brian2's ``SpikeMonitor`` (``mon.i, mon.t``) and NEST's
  spike recorder (``events["senders"], events["times"]``) give them (NEST's
  events from several threads or processes are not sorted by time). Indices
  are 0-based (subtract the first NEST node id); NEST's times are in ms, so
  pass them as a Quantity or divide by 1000;
* an ndarray of shape (bins, n) of 0/1, one row per bin of ``dt``.

A spike at time t falls in bin ⌊t/dt⌋ (see ``natspike._spiketrain``); a bin
holds at most one spike of an afferent, so two spikes of one afferent in
one bin are an error (refused, never counted twice or merged). Spike times
are >= 0 and finite; plain times must be < ``duration``, and an array of one
afferent's times must be sorted, while trains with a ``t_stop`` must cover the run
(``t_stop >= duration``) and their later spikes are not used, as are rows of
a dense array beyond the run.

Every form becomes a sparse list of events, one (bin, afferent) pair per
spike sorted by bin and then afferent, which the engine replays
(``input_events``): memory O(spikes + n), never O(bins × n). A dense array
is scanned in blocks of rows with ``np.nonzero``; no dense copy is made.
"""

from __future__ import annotations

import numpy as np

from ._resume import continuation_start
from ._spiketrain import (
    bin_indices,
    check_one_per_bin,
    check_type_resolution,
    covering_bins,
    is_neo_train_list,
    is_spike_train,
    refuse_other_neo,
    spike_times,
)
from ._units import in_units, is_quantity
from ._validate import check_memory, finite_scalar, shown, vector

#: Elements per block when scanning a dense array (no full-size temporaries).
BLOCK = 1 << 18


def run_bins(duration: float, dt: float) -> int:
    """Bins of a run of ``duration`` s: round(duration/dt), as the Go core plans it (a test pins the two)."""
    return int(round(duration / dt))


def replay_inputs(inputs, rates, weights, dt, duration):
    """``(inputs as an (spikes, 2) float64 array of (bin, afferent) events or None, rates)`` for
    :func:`natspike.train`.

    With ``rates=None`` the rates are estimated from the replayed spikes:
    each afferent's spike count in the run's bins over the run's length.
    """
    if inputs is None:
        if rates is None:
            raise TypeError("rates must be given (Hz, shape (n,)); only with inputs= may it be None (estimated)")
        return None, rates
    d = finite_scalar(duration, "duration")
    if d < dt:
        raise ValueError(f"duration must be finite and >= dt = {dt} s, got {duration}")
    n = _rate_count(rates) if rates is not None else vector(in_units(weights, "weights"), "weights").size
    bins = run_bins(d, dt)
    events = input_events(inputs, n, bins, dt)
    return events, (estimated_rates(events, n, bins, dt) if rates is None else rates)


def _rate_count(rates) -> int:
    from ._schedule import RateSchedule

    return rates.n if isinstance(rates, RateSchedule) else vector(rates, "rates").size


def input_events(inputs, n: int, bins: int, dt: float) -> np.ndarray:
    """Any accepted form as a C-contiguous float64 array of shape (spikes, 2): (bin, afferent) per spike,
    sorted by bin, then afferent, every bin < ``bins``."""
    if is_spike_train(inputs):
        raise TypeError(
            "inputs: got one spike train; inputs= takes a list of n spike trains, one per afferent "
            "([train] for a single afferent)"
        )
    refuse_other_neo(inputs, "inputs")
    if isinstance(inputs, tuple):
        return _from_pair(inputs, n, bins, dt)
    if isinstance(inputs, list) or is_neo_train_list(inputs):
        return _from_trains(list(inputs), n, bins, dt)
    if isinstance(inputs, np.ndarray):
        return dense_events(inputs, n, bins)
    if isinstance(inputs, dict):
        raise TypeError(f"inputs: got a dict; {_dict_hint(inputs)}")
    raise TypeError(
        "inputs must be a list of n spike trains (times in s, Quantities, natspike.SpikeTrain or neo.SpikeTrain), "
        f"a tuple (indices, times), or an ndarray of shape (bins, n) of 0/1; got {type(inputs).__name__}"
    )


def _dict_hint(d: dict) -> str:
    """What to pass instead of a dict of spikes: NEST's recorder events, Brian2's ``spike_trains()``, or other."""
    if {"senders", "times"} <= d.keys():
        return (
            "for NEST's recorder events give the tuple (events['senders'] - first node id, events['times'] * pq.ms), "
            "0-based indices and times with their unit"
        )
    if d and all(isinstance(k, (int, np.integer)) for k in d):
        return "for Brian2's SpikeMonitor.spike_trains() give the list [trains[i] for i in range(n)]"
    return "give a list of n spike trains, a tuple (indices, times) or an ndarray of shape (bins, n) of 0/1"


def dense_events(inputs, n: int, bins: int) -> np.ndarray:
    """The events of a dense (>= bins, n) 0/1 array, scanned in blocks of rows (no full-size temporaries)."""
    a = np.asarray(inputs)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"inputs must be an array of 0/1 spike indicators, got dtype {a.dtype}")
    if a.ndim != 2 or a.shape[1] != n or a.shape[0] < bins:
        raise ValueError(f"inputs must have shape (>= {bins}, {n}) (bins x afferents), got {a.shape}")
    step = max(1, BLOCK // max(1, n))
    rows, cols = [], []
    for start in range(0, bins, step):
        block = a[start : min(bins, start + step)]
        if a.dtype.kind != "b":
            _check_binary(block, start)
        r, c = np.nonzero(block)
        rows.append(r + start)
        cols.append(c)
    return _events(np.concatenate(rows), np.concatenate(cols))


def _check_binary(block: np.ndarray, start: int) -> None:
    bad = (block != 0) & (block != 1)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"inputs must contain only 0 and 1 (bins x afferents), got {shown(block[r, c])} at index {(start + r, c)}"
        )


def _events(bins: np.ndarray, afferents: np.ndarray) -> np.ndarray:
    """(spikes, 2) float64 events from bins and afferents already sorted by (bin, afferent)."""
    check_memory(16 * bins.size, "inputs", f"{bins.size} replayed spikes as (bin, afferent) events")
    out = np.empty((bins.size, 2))
    out[:, 0], out[:, 1] = bins, afferents
    return out


def _sorted_events(bins: np.ndarray, afferents: np.ndarray) -> np.ndarray:
    order = np.lexsort((afferents, bins))
    return _events(bins[order], afferents[order])


def _from_trains(trains: list, n: int, bins: int, dt: float) -> np.ndarray:
    if len(trains) != n:
        hint = " (an (indices, times) pair must be a tuple, not a list)" if len(trains) == 2 else ""
        raise ValueError(f"inputs: a list of spike trains needs one per afferent (n = {n}), got {len(trains)}{hint}")
    if n == 2 and _reads_as_pair(trains):
        raise ValueError(
            "inputs: with n = 2 the list [indices, times] is ambiguous: a list is one spike train per afferent, "
            "which would make afferent 0 spike at its whole-number entries in seconds. Pass an (indices, times) "
            "pair as a tuple, or afferent 0's spike times as floats"
        )
    ks, idx = [], []
    for i, train in enumerate(trains):
        name = f"inputs[{i}]"
        refuse_other_neo(train, name)
        if is_spike_train(train):
            k = covering_bins(train, bins, dt, name)
        else:
            times = spike_times(train, name)
            check_type_resolution(train, times, dt, bins, name)
            k = _plain_bins(times, bins, dt, name)
            check_one_per_bin(k, dt, name)
        ks.append(k)
        idx.append(np.full(k.size, i, np.int64))
    if not ks:
        return _events(np.zeros(0), np.zeros(0))
    return _sorted_events(np.concatenate(ks), np.concatenate(idx))


def _reads_as_pair(trains: list) -> bool:
    """Whether two trains read as well as (indices, times): the first a plain array of integer type (Brian2's
    ``mon.i``, NEST's senders), the second as long (the times, plain or with units)."""
    first, second = trains
    if is_spike_train(first) or is_quantity(first):
        return False
    a = np.asarray(first)
    shape = second.shape if hasattr(second, "shape") else np.shape(second)  # keeps a Quantity's unit
    return a.dtype.kind in "iu" and a.ndim == 1 and tuple(shape) == a.shape and a.size > 0


def _plain_bins(times, bins, dt, name) -> np.ndarray:
    """Bins of plain spike times, in their order: every one must fall inside the run."""
    k = bin_indices(times, dt)
    latest = int(np.argmax(k)) if k.size else 0
    if k.size and k[latest] >= bins:
        raise ValueError(
            f"{name}: spike time {shown(times[latest])} s is at or after the end of the run ({bins * dt:g} s); "
            f"{_continuation_hint()}plain numbers are seconds (NEST and Brian2 print ms: pass a Quantity, or divide "
            "by 1000)"
        )
    return k


def _continuation_hint() -> str:
    """For a late time in a continuation (natspike.resume): where its times count from."""
    start = continuation_start()
    if start is None:
        return ""
    return f"a continuation's times count from its start ({start:g} s into the trial: subtract {start:g} s), and "


def _from_pair(pair: tuple, n: int, bins: int, dt: float) -> np.ndarray:
    if len(pair) != 2:
        raise ValueError(f"inputs: a tuple must be the pair (indices, times), got a tuple of {len(pair)}")
    idx = _indices(pair[0], n)
    times = spike_times(pair[1], "inputs times", ordered=False)
    check_type_resolution(pair[1], times, dt, bins, "inputs times")
    if idx.shape != times.shape:
        raise ValueError(f"inputs: indices and times must have the same length, got {idx.size} and {times.size}")
    k = _plain_bins(times, bins, dt, "inputs times")
    ev = _sorted_events(k, idx)
    same = np.flatnonzero((ev[1:] == ev[:-1]).all(axis=1))
    if same.size:
        check_one_per_bin(ev[same[0] : same[0] + 2, 0], dt, f"inputs (afferent {int(ev[same[0], 1])})")
    return ev


def _indices(x, n: int) -> np.ndarray:
    a = np.asarray(in_units(x, "inputs indices", "dimensionless"))
    if a.ndim != 1 or a.dtype.kind not in "iuf":
        raise TypeError(f"inputs indices must be a 1-D array of integers (0-based afferent indices), got {a.dtype}")
    if a.dtype.kind == "f" and not (np.isfinite(a) & (a == np.round(a))).all():
        raise ValueError(
            "inputs indices must be whole numbers (0-based afferent indices): a tuple is the pair (indices, times); "
            "pass one spike train per afferent as a list"
        )
    bad = (a < 0) | (a >= n)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"inputs indices must be in [0, {n}) (0-based; subtract the first NEST node id), "
            f"got {shown(a[i])} at position {i}"
        )
    return a.astype(np.int64)


def estimated_rates(events: np.ndarray, n: int, bins: int, dt: float) -> np.ndarray:
    """Each afferent's spike count in the run's ``bins`` bins over bins·dt seconds (Hz)."""
    counts = np.bincount(events[:, 1].astype(np.int64), minlength=n).astype(np.float64)
    return counts / (bins * dt)


def as_pair(events: np.ndarray, dt: float) -> tuple:
    """The replayed spikes as ``(indices, times)`` with each time at its bin's centre, (k + 1/2)·dt s, which
    falls in bin k whatever the rounding (how a result's ``params`` keep them)."""
    return events[:, 1].astype(np.int64), (events[:, 0] + 0.5) * dt
