"""Spike times in the field's formats → the per-bin 0/1 matrix the discrete-time model replays (spec §1.1).

Written independently of natspike's own conversion, as a loop over spikes: bin k covers
[k·dt, (k+1)·dt); a spike at time t lies in bin k when k·dt ≤ t < (k+1)·dt, with t within 10⁻⁶ bin below
an edge counted on the edge (so that a time written as k·dt is in bin k despite rounding). A bin holds at
most one spike per neuron (Bernoulli model): a second one is an error here too.
"""

import math

import numpy as np

__all__ = ["bin_of", "matrix_from_trains", "matrix_from_pairs", "vector_from_train"]


def bin_of(t, dt):
    """The bin of time ``t`` (s)."""
    ratio = float(t) / float(dt)
    nearest = round(ratio)
    if abs(ratio - nearest) <= 1e-6:  # on an edge, up to rounding
        return int(nearest)
    return int(math.floor(ratio))


def _mark(out, k, i):
    if out[k, i]:
        raise ValueError(f"two spikes of neuron {i} in bin {k}")
    out[k, i] = 1.0


def matrix_from_trains(trains, n_bins, dt):
    """(n_bins, n) matrix from n sequences of spike times (s); spikes at or after the end are dropped."""
    out = np.zeros((int(n_bins), len(trains)))
    for i, times in enumerate(trains):
        for t in times:
            k = bin_of(t, dt)
            if k < n_bins:
                _mark(out, k, i)
    return out


def matrix_from_pairs(indices, times, n, n_bins, dt):
    """(n_bins, n) matrix from one (neuron index, time) pair per spike."""
    out = np.zeros((int(n_bins), int(n)))
    for i, t in zip(indices, times):
        _mark(out, bin_of(t, dt), int(i))
    return out


def vector_from_train(times, n_bins, dt):
    """(n_bins,) 0/1 vector of one neuron's spike times."""
    return matrix_from_trains([times], n_bins, dt)[:, 0]
