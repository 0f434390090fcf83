"""Results as labelled data: :func:`to_xarray` (every recorded array, coordinates, units) and
:func:`time_to_threshold` (when the D_KL learning curve first falls below a threshold).

The Dataset has the dims ``trial`` (results of :func:`natspike.run_trials`),
``time`` (record times, s), ``trace_time`` (times of the V and φ(V)
traces, s) and ``synapse``, each with a coordinate, and a ``units``
attribute on every variable and coordinate (CF style: ``"1"`` for a pure
number). It writes to netCDF-4/HDF5 with ``ds.to_netcdf(path,
engine="h5netcdf")`` (``pip install natspike[netcdf]``) and reads back equal.
"""

from __future__ import annotations

import json
import numbers

import numpy as np

#: Every array a Result may carry: (dims after the trial axis, units, long name).
VARIABLES = {
    "weights": (("time", "synapse"), "1", "synaptic weights in the learned parametrization"),
    "final_weights": (("synapse",), "1", "weights after the last bin"),
    "initial_weights": (("synapse",), "1", "initial weights"),
    "target_weights": (("synapse",), "1", "target weights w* of the realizable teacher (somatic)"),
    "kl": (("time",), "1", "D_KL per bin on the test set (nats, includes dt)"),
    "rate_error": (("time",), "Hz", "RMS difference of student and teacher rates on the test set"),
    "weight_distance": (("time",), "1", "||f(w) - w*|| in somatic units"),
    "voltage": (("trace_time",), "mV", "membrane potential V"),
    "rate": (("trace_time",), "Hz", "firing rate phi(V)"),
}
COORDINATES = {
    "trial": ("1", "trial index"),
    "time": ("s", "record time"),
    "trace_time": ("s", "trace sample time"),
    "synapse": ("1", "afferent index"),
}
OTHER = {"completed": ("1", "trial finished"), "root_seed": ("1", "root seed of the grid point")}


def to_xarray(result):
    """The :class:`natspike.Result` as an :class:`xarray.Dataset` (see the module docstring)."""
    import xarray as xr

    trials = result.completed is not None
    data = {}
    for name, (dims, _, _) in VARIABLES.items():
        value = getattr(result, name)
        if value is not None:
            lead = ("trial",) if trials and np.ndim(value) > len(dims) else ()
            data[name] = (lead + dims, np.asarray(value))
    if trials:
        data["completed"] = (("trial",), np.asarray(result.completed))
    coords = {"time": result.times}
    if result.voltage is not None:
        coords["trace_time"] = trace_times(result.params, np.shape(result.voltage)[-1])
    return label(xr.Dataset(data, coords=coords, attrs=_attributes(result)))


def label(ds):
    """``ds`` with index coordinates for ``trial`` and ``synapse`` and units and long names on every
    variable and coordinate natspike knows (also used for :func:`natspike.sweep`'s Dataset)."""
    for dim in ("trial", "synapse"):
        if dim in ds.dims and dim not in ds.coords:
            ds = ds.assign_coords({dim: np.arange(ds.sizes[dim])})
    for name, (_, units, long_name) in VARIABLES.items():
        if name in ds:
            ds[name].attrs.update(units=units, long_name=long_name)
    for name, (units, long_name) in {**COORDINATES, **OTHER}.items():
        if name in ds.variables:
            ds[name].attrs.update(units=units, long_name=long_name)
    return ds


def trace_times(params: dict, count: int) -> np.ndarray:
    """Times (s) of the ``count`` trace samples: every ``trace_every`` from t = 0.

    ``params["trace_every"]`` is a number of bins (an int) or seconds (a float).
    """
    every = params["trace_every"]
    seconds = every * params["neuron"]["dt"] if isinstance(every, numbers.Integral) else float(every)
    return np.arange(count) * seconds


def _attributes(result) -> dict:
    """Seed, version and parameters as netCDF-safe attributes (nested ones and None as JSON, bools as ints)."""

    def safe(v):
        if isinstance(v, (bool, np.bool_)):
            return int(v)
        return v if isinstance(v, (numbers.Number, str)) else json.dumps(v)

    return {"seed": str(result.seed), "version": result.version, **{k: safe(v) for k, v in result.params.items()}}


def time_to_threshold(result, threshold, *, times=None, per_trial=False):
    """The first record time at which D_KL falls below ``threshold`` (NaN if never).

    For :func:`natspike.run_trials` results the curve is the mean over the
    finished trials (the paper's convergence time, Figs 3F and 9), or with
    ``per_trial=True`` each trial's own. ``result`` may also be an array of
    D_KL values whose last axis is time, with ``times`` giving that axis.

    Parameters
    ----------
    result : Result or array_like
        A result with a D_KL curve (not one of a replayed teacher), or D_KL values.
    threshold : float
        D_KL per bin (> 0), e.g. 5e-5 as in the paper's Fig 9.
    times : array_like, optional
        The time of each record, required with an array (default: ``result.times``, s).
    per_trial : bool
        One time per trial instead of the time of the trial mean.

    Returns
    -------
    float or ndarray
        In the units of ``times`` (s for a Result).

    Examples
    --------
    >>> import numpy as np, natspike
    >>> natspike.time_to_threshold(np.array([3e-4, 1e-4, 4e-5, 1e-5]), 5e-5, times=[0, 60, 120, 180])
    120.0
    """
    threshold = _threshold(threshold)
    kl, times = _curve(result, times, per_trial)
    below = kl < threshold
    first = np.asarray(times, dtype=float)[below.argmax(axis=-1)]
    out = np.where(below.any(axis=-1), first, np.nan)
    return float(out) if out.ndim == 0 else out


def _threshold(threshold) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a real number (D_KL per bin), got {type(threshold).__name__}")
    if not (np.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be finite and > 0, got {threshold}")
    return float(threshold)


def _curve(result, times, per_trial):
    """(D_KL values with time last, times) of a Result or an array."""
    if hasattr(result, "kl") and hasattr(result, "times"):
        if result.kl is None:
            raise ValueError("result has no D_KL curve: its teacher was a replayed spike train")
        kl, times = np.asarray(result.kl, dtype=float), result.times if times is None else times
        if result.completed is not None and not per_trial:
            done = np.asarray(result.completed, bool)
            if not done.any():
                raise ValueError("result: no trial finished, so there is no mean D_KL curve")
            kl = kl[done].mean(axis=0)
    else:
        kl = np.asarray(result, dtype=float)
        if times is None:
            raise TypeError("times must be given with an array of D_KL values")
    if kl.ndim == 0 or np.shape(times) != kl.shape[-1:]:
        raise ValueError(f"times must have one entry per record ({kl.shape[-1:]}), got shape {np.shape(times)}")
    return kl, times
