"""Recorded spike trains: the packed outputs ``spike_bits`` and ``teacher_spike_bits`` as spike times.

With ``record_spikes=True`` Go records, per trial, one bit per bin for the
student's and for the teacher's spikes (32 bins to an entry, so a trial of
K bins costs K/4 bytes per train, whatever the number of spikes, and the
arrays keep a fixed shape in stacks of trials, saved results and store
shards). :attr:`natspike.Result.spikes` and ``teacher_spikes`` decode them
to times in s: a spike in bin k is at k·dt, counted from the start of the
first part of a trial (a continued trial, :func:`natspike.resume`, starts at
``result.times[0]``). The xarray export stores these ragged trains flat: a
variable ``spike_time`` (dim ``spike``) with the trial of each spike in
``spike_trial`` (and, for a layer, its neuron in ``spike_neuron``), and likewise
``teacher_spike_time``/``teacher_spike_trial``/``teacher_spike_neuron`` (dim
``teacher_spike``). A :func:`natspike.sweep` Dataset, with its grid axes,
holds them padded instead: ``spike_time`` (grid axes, ``trial``[, ``neuron``],
``spike``) with NaN after each train's last spike, and likewise ``teacher_spike_time``.
"""

from __future__ import annotations

import numpy as np

#: Packed spike outputs: (Result attribute, xarray variable prefix).
TRAINS = {"spike_bits": "spike", "teacher_spike_bits": "teacher_spike"}
#: Outputs that to_xarray does not carry as they are (the spike bits are decoded; the state is opaque).
NOT_EXPORTED = frozenset(TRAINS) | {"state"}


def start_bin(result) -> int:
    """The bin at which the result's part of the trial starts (0, or later for a continued trial)."""
    return int(round(float(np.asarray(result.times)[0]) / result.params["neuron"].dt))


def _times(words: np.ndarray, start: int, dt: float) -> np.ndarray:
    bits = np.unpackbits(np.ascontiguousarray(words.astype("<u4")).view(np.uint8), bitorder="little")
    return (start + np.flatnonzero(bits)) * dt


def spike_times(result, name: str):
    """The spike times (s) of packed output ``name``: an array for one neuron, a list of arrays for the trials
    of :func:`natspike.run_trials` or the neurons of a layer, a list (trials) of lists (neurons) for a layer's
    trials, or None if the run did not record spikes."""
    words = vars(result).get(name)
    if words is None:
        return None
    return _nested_times(np.asarray(words), start_bin(result), result.params["neuron"].dt)


def _nested_times(words: np.ndarray, start: int, dt: float):
    if words.ndim == 1:
        return _times(words, start, dt)
    return [_nested_times(row, start, dt) for row in words]


def xarray_variables(result) -> dict:
    """The flat spike variables of the xarray export (module docstring)."""
    out = {}
    axes = (["trial"] if result.n_trials is not None else []) + (["neuron"] if result.n_neurons is not None else [])
    for name, prefix in TRAINS.items():
        words = vars(result).get(name)
        if words is None:
            continue
        words = np.asarray(words)
        trains = _rows_times(words, start_bin(result), result.params["neuron"].dt)
        who = "student" if prefix == "spike" else "teacher"
        times = np.concatenate(trains) if trains else np.zeros(0)
        out[f"{prefix}_time"] = (prefix, times, {"units": "s", "long_name": f"{who} spike times, all trials, flat"})
        counts = [t.size for t in trains]
        indices = np.unravel_index(np.arange(len(trains)), words.shape[:-1]) if axes else ()
        for axis, index in zip(axes, indices):
            long_name = f"{axis} of each {who} spike"
            out[f"{prefix}_{axis}"] = (prefix, np.repeat(index, counts), {"units": "1", "long_name": long_name})
    return out


def _rows_times(words: np.ndarray, start: int, dt: float) -> list[np.ndarray]:
    """The spike times of every packed train in ``words`` (any leading shape), in C order."""
    return [_times(row, start, dt) for row in words.reshape(-1, words.shape[-1])]


def padded_variables(arrays: dict, lead_dims: tuple, lead_shape: tuple, dt: float) -> dict:
    """The spike trains of a sweep's flat (units, words) arrays as NaN-padded variables (module docstring)."""
    out = {}
    for name, prefix in TRAINS.items():
        if arrays.get(name) is None:
            continue
        trains = _rows_times(np.asarray(arrays[name]), 0, dt)
        longest = max((t.size for t in trains), default=0)
        pad = np.full((len(trains), longest), np.nan)
        for i, t in enumerate(trains):
            pad[i, : t.size] = t
        out[f"{prefix}_time"] = (lead_dims + (prefix,), pad.reshape(lead_shape + (longest,)), {"units": "s"})
    return out
