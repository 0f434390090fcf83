"""Results as labelled data: :func:`to_xarray` (every recorded array, coordinates, units) and
:func:`time_to_threshold` (when the D_KL learning curve first falls below a threshold).

The Dataset has the dims ``trial`` (results of :func:`natspike.run_trials`),
``neuron`` (a layer of output neurons, on every per-neuron output), ``time``
(record times, s), ``trace_time`` (times of the V and φ(V) traces, s) and
``synapse``, each with a coordinate, and a ``units``
attribute on every variable and coordinate (CF style: ``"1"`` for a pure
number). Recorded spike trains (``record_spikes=True``) are ragged: they are
stored flat, ``spike_time`` (dim ``spike``, s) with the trial of each spike
in ``spike_trial``, likewise ``teacher_spike_time`` and ``teacher_spike_trial``
(see ``natspike._recorded``); the opaque ``state`` of ``keep_state`` is left
out (resume from the Result, :meth:`natspike.Result.save`). It writes to netCDF-4/HDF5 with ``ds.to_netcdf(path,
engine="h5netcdf")`` (``pip install natspike[netcdf]``) and reads back equal.
"""

from __future__ import annotations

import json
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _describe
from ._checks import float_of
from ._recorded import NOT_EXPORTED, xarray_variables
from ._result import _to_json
from ._typing import ArrayLike, FloatArray

if TYPE_CHECKING:
    import xarray as xr

    from ._result import Result

#: The coordinates of the Dataset: (units, long name).
COORDINATES = {
    "trial": ("1", "trial index"),
    "neuron": ("1", "output neuron index"),
    "time": ("s", "record time"),
    "trace_time": ("s", "trace sample time"),
    "synapse": ("1", "afferent index"),
}
OTHER = {"root_seed": ("1", "root seed of the grid point")}


def variables() -> dict[str, tuple[tuple[str, ...], str, str]]:
    """Every output Go describes (``natspike._describe.outputs()``) but the shared record times (the
    ``time`` coordinate): (dims after the trial axis, CF units ("1" for a pure number), long name)."""
    return {
        name: (tuple(o["dims"]), o["unit"] or "1", o["doc"])
        for name, o in _describe.outputs().items()
        if not o["shared"]
    }


def to_xarray(result: Result) -> xr.Dataset:
    """The :class:`natspike.Result` as an :class:`xarray.Dataset` (see the module docstring)."""
    import xarray as xr

    lead = () if result.n_trials is None else ("trial",)
    described, outputs = variables(), _describe.outputs()
    layer = ("neuron",) if result.n_neurons is not None else ()

    def dims(name: str) -> tuple[str, ...]:
        return lead + (layer if outputs[name]["neuron"] else ()) + described[name][0]

    data = {name: (dims(name), a) for name, a in result.arrays.items() if name in described}
    data = {name: v for name, v in data.items() if name not in NOT_EXPORTED}
    data.update(xarray_variables(result))  # ragged spike trains, flat
    coords = {"time": result.times}
    if result.voltage is not None:
        start = float(np.asarray(result.times)[0])  # a continued trial (natspike.resume) starts later
        coords["trace_time"] = start + np.arange(np.shape(result.voltage)[-1]) * result.params["trace_every"]
    return label(xr.Dataset(data, coords=coords, attrs=_attributes(result)))


def label(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with index coordinates for ``trial``, ``neuron`` and ``synapse`` and units and long names on every
    variable and coordinate natspike knows (also used for :func:`natspike.sweep`'s Dataset)."""
    for dim in ("trial", "neuron", "synapse"):
        if dim in ds.dims and dim not in ds.coords:
            ds = ds.assign_coords({dim: np.arange(ds.sizes[dim])})
    for name, (_, units, long_name) in variables().items():
        if name in ds:
            ds[name].attrs.update(units=units, long_name=long_name)
    for name, (units, long_name) in {**COORDINATES, **OTHER}.items():
        if name in ds.variables:
            ds[name].attrs.update(units=units, long_name=long_name)
    return ds


def _attributes(result: Result) -> dict[str, Any]:
    """Seed, versions and parameters as netCDF-safe attributes (nested ones and None as JSON, bools as ints)."""

    def safe(v: Any) -> Any:
        if isinstance(v, (bool, np.bool_)):
            return int(v)
        return v if isinstance(v, (numbers.Number, str)) else json.dumps(v)

    params = _to_json(result.params)  # a Neuron, replayed inputs or teacher spike train as JSON-able values
    # seed last: params hold it as an int, and a uint64 attribute is not netCDF-safe
    attrs = {**{k: safe(v) for k, v in params.items()}, "seed": str(result.seed), "version": result.version}
    if result.numbers_version is not None:  # unknown for results saved before numbers versions
        attrs["numbers_version"] = result.numbers_version
    return attrs


def time_to_threshold(
    result: Result | ArrayLike, threshold: float, *, times: ArrayLike | None = None, per_trial: bool = False
) -> float | FloatArray:
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


def _threshold(threshold: object) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a real number (D_KL per bin), got {type(threshold).__name__}")
    value = float_of(threshold, "threshold")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"threshold must be finite and > 0, got {threshold}")
    return value


def _curve(result: Any, times: ArrayLike | None, per_trial: bool) -> tuple[FloatArray, ArrayLike]:
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
