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
``spike_trial``, and likewise ``teacher_spike_time``/``teacher_spike_trial``
(dim ``teacher_spike``). A :func:`natspike.sweep` Dataset, with its grid axes,
holds them padded instead: ``spike_time`` (grid axes, ``trial``, ``spike``)
with NaN after each trial's last spike, and likewise ``teacher_spike_time``.
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
    """The spike times (s) of packed output ``name``: an array for one trial, a list of arrays for
    trials, or None if the run did not record spikes."""
    words = vars(result).get(name)
    if words is None:
        return None
    start, dt = start_bin(result), result.params["neuron"].dt
    words = np.asarray(words)
    if words.ndim == 1:
        return _times(words, start, dt)
    return [_times(row, start, dt) for row in words]


def xarray_variables(result) -> dict:
    """The flat spike variables of the xarray export (module docstring)."""
    out = {}
    for name, prefix in TRAINS.items():
        trains = spike_times(result, name)
        if trains is None:
            continue
        trains = [trains] if isinstance(trains, np.ndarray) else trains
        times = np.concatenate(trains) if trains else np.zeros(0)
        who = "student" if prefix == "spike" else "teacher"
        out[f"{prefix}_time"] = (prefix, times, {"units": "s", "long_name": f"{who} spike times, all trials, flat"})
        if result.n_trials is not None:
            trial = np.repeat(np.arange(len(trains)), [t.size for t in trains])
            out[f"{prefix}_trial"] = (prefix, trial, {"units": "1", "long_name": f"trial of each {who} spike"})
    return out


def padded_variables(arrays: dict, lead_dims: tuple, lead_shape: tuple, dt: float) -> dict:
    """The spike trains of a sweep's flat (units, words) arrays as NaN-padded variables (module docstring)."""
    out = {}
    for name, prefix in TRAINS.items():
        if arrays.get(name) is None:
            continue
        trains = [_times(row, 0, dt) for row in np.asarray(arrays[name])]
        longest = max((t.size for t in trains), default=0)
        pad = np.full((len(trains), longest), np.nan)
        for i, t in enumerate(trains):
            pad[i, : t.size] = t
        out[f"{prefix}_time"] = (lead_dims + (prefix,), pad.reshape(lead_shape + (longest,)), {"units": "s"})
    return out
