"""Result containers: learning curves as NumPy arrays, with provenance.

The arrays a result holds, their units, meanings and axes are Go's output
description (:mod:`natspike._describe`); nothing here lists them.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _describe, _native
from ._schedule import RateSchedule
from ._spiketrain import SpikeTrain

if TYPE_CHECKING:
    import xarray as xr
    from numpy.typing import NDArray

#: Result attributes that are not arrays.
_PROVENANCE = ("params", "seed", "version", "numbers_version")


def end_time(result: Result) -> float:
    """The time (s) at which ``result`` ends and its continuation (:func:`natspike.resume`) starts: its first
    record's time (0, or the start of a continuation) plus its duration."""
    return float(np.asarray(result.times)[0]) + float(result.params["duration"])


class Result:
    """What :func:`natspike.train` or :func:`natspike.run_trials` recorded.

    Every output of the run is an attribute (a NumPy array, or None where it
    does not exist for this run, e.g. ``kl`` for a replayed teacher). For
    :func:`run_trials` the arrays have a leading trial axis, except the
    shared ``times``; for a layer of neurons (2-D ``weights``) every
    per-neuron output has a ``neuron`` axis after it (see ``n_neurons``).
    The outputs, described by the library's Go core
    (``natspike._describe.outputs()``), are:

    {outputs}

    Attributes
    ----------
    params : dict
        Every argument of the call in the API's own units (seconds, Hz),
        arrays as lists: ``natspike.train(**result.params)`` (or
        ``run_trials``) reproduces the result bit for bit.
    seed : int
        The 64-bit root seed; rerunning with it reproduces the result exactly.
    version : str
        The natspike version that produced the result.
    numbers_version : int or None
        The numbers version of the engine that computed it (``natspike._native.numbers_version()``; None for a
        result saved before numbers versions): :func:`natspike.resume` continues a state only with an engine of
        the same one.
    """

    def __init__(self, arrays: dict, *, params: dict, seed: int, version: str, numbers_version: int | None = None):
        described = _describe.outputs()
        unknown = set(arrays) - set(described)
        if unknown:
            raise ValueError(f"Result: {sorted(unknown)} are not outputs of the run description")
        vars(self).update((name, a) for name, a in arrays.items() if a is not None)
        self.params, self.seed, self.version = params, seed, version
        self.numbers_version = numbers_version

    def __getattr__(self, name):  # only called for absent attributes: an output this run does not have
        if name in _describe.outputs():
            return None
        raise AttributeError(f"'Result' object has no attribute {name!r}")

    @property
    def arrays(self) -> dict:
        """The outputs this run has, by name (Go's order)."""
        return {name: vars(self)[name] for name in _describe.outputs() if name in vars(self)}

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_describe.outputs()))

    @property
    def n_trials(self) -> int | None:
        """Number of trials (None for a single :func:`train` result)."""
        return None if self.completed is None else len(self.completed)

    @property
    def n_neurons(self) -> int | None:
        """Number of output neurons of a layer (None for a single neuron): the
        per-neuron outputs then have a ``neuron`` axis after the trial axis."""
        final = np.shape(self.final_weights)
        return final[-2] if len(final) == 2 + (self.n_trials is not None) else None

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save everything (arrays, parameters, seed, versions) to a ``.npz`` file.

        The file is read back by :func:`natspike.load`. ``path`` must end in
        ``.npz`` (NumPy would append it to another name, and ``load(path)``
        would not find the file); for netCDF use
        ``result.to_xarray().to_netcdf(...)``.
        """
        name = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
        if name is not None and not name.endswith(".npz"):
            raise ValueError(
                f"path must end in .npz (Result.save writes NumPy's .npz format, which would add .npz to the "
                f"name), got {name!r}; for netCDF use result.to_xarray().to_netcdf(path)"
            )
        meta: dict[str, Any] = {"params": _to_json(self.params), "seed": str(self.seed), "version": self.version}
        if self.numbers_version is not None:
            meta["numbers_version"] = self.numbers_version
        np.savez_compressed(path, __meta__=np.array(json.dumps(meta)), **self.arrays)

    @property
    def spikes(self) -> NDArray[np.float64] | list[NDArray[np.float64]] | None:
        """The student's output spike times in s (``record_spikes=True``; else None): an array, or a list of
        arrays, one per trial of :func:`run_trials` or per neuron of a layer (a list of such lists for a layer's
        trials; see ``natspike._recorded``)."""
        from ._recorded import spike_times

        return spike_times(self, "spike_bits")

    @property
    def teacher_spikes(self) -> NDArray[np.float64] | list[NDArray[np.float64]] | None:
        """The teacher's spike times in s that drove the rule (``record_spikes=True``; else None): for a
        replayed teacher the given ones; shaped like :attr:`spikes`."""
        from ._recorded import spike_times

        return spike_times(self, "teacher_spike_bits")

    def to_neo(self) -> Any:
        """The result as a :class:`neo.Block`: one Segment per trial with the spike trains (``student``,
        ``teacher``; s) and the traces as AnalogSignals (``voltage`` mV, ``rate`` Hz; (time, neuron): one
        channel, or one per neuron of a layer); parameters as
        annotations (see ``natspike._neo``; needs ``pip install natspike[neo]``)."""
        from ._neo import to_neo

        return to_neo(self)

    def to_xarray(self) -> xr.Dataset:
        """The result as an :class:`xarray.Dataset`: every recorded array, coordinates ``trial``, ``time``,
        ``trace_time`` (s) and ``synapse``, units on every variable, parameters, seed and version as
        attributes (see ``natspike._export``)."""
        from ._export import to_xarray

        return to_xarray(self)

    def __repr__(self):
        shape = self.arrays["weights"].shape
        times = self.arrays["times"]
        return (
            f"Result(rule={self.params.get('rule')!r}, weights shape={shape}, "
            f"times={times[0]:g}…{times[-1]:g} s, seed={self.seed})"
        )


def _document_outputs():
    lines = []
    for name, o in _describe.outputs().items():
        unit = f" ({o['unit']})" if o["unit"] else ""
        axes = ", ".join((["(neuron)"] if o["neuron"] else []) + o["dims"]) or "scalar"
        lines.append(f"* ``{name}`` [{axes}]{unit}: {o['doc']}")
    Result.__doc__ = Result.__doc__.replace("{outputs}", "\n    ".join(lines))


_document_outputs()


def _to_json(params: dict) -> dict:
    """``params`` as JSON-able values: a :class:`Neuron` as its dict, an
    array as its values and dtype, a :class:`SpikeTrain` (a replayed
    teacher) as its times and t_stop, replayed inputs (an (indices, times)
    pair) as their two lists, a :class:`RateSchedule` as its times and rates."""
    return {k: _encode(v) for k, v in params.items()}


def _encode(v):
    from ._neuron import Neuron

    if isinstance(v, Neuron):
        return {"__neuron__": v.to_dict()}
    if isinstance(v, np.ndarray):
        return {"__array__": v.tolist(), "dtype": v.dtype.str}
    if isinstance(v, SpikeTrain):
        return {"__spiketrain__": v.times.tolist(), "t_stop": v.t_stop}
    if isinstance(v, RateSchedule):
        return {"__rateschedule__": v.times.tolist(), "rates": v.rates.tolist()}
    if isinstance(v, tuple) and len(v) == 2 and all(isinstance(a, np.ndarray) for a in v):
        return {"__spikepairs__": v[0].tolist(), "times": v[1].tolist()}
    if isinstance(v, list) and v and all(isinstance(x, SpikeTrain) for x in v):  # a layer's teacher
        return [_encode(x) for x in v]
    return v


def _from_json(params: dict) -> dict:
    return {k: _decode(v) for k, v in params.items()}


def _decode(v):
    from ._neuron import Neuron

    if isinstance(v, dict) and "__neuron__" in v:
        return Neuron.from_dict(v["__neuron__"])
    if isinstance(v, dict) and "__array__" in v:
        return np.array(v["__array__"], dtype=v["dtype"])
    if isinstance(v, dict) and "__spiketrain__" in v:
        return SpikeTrain(np.array(v["__spiketrain__"], float), t_stop=v["t_stop"])
    if isinstance(v, dict) and "__rateschedule__" in v:
        return RateSchedule(v["__rateschedule__"], np.array(v["rates"], float).reshape(len(v["__rateschedule__"]), -1))
    if isinstance(v, dict) and "__spikepairs__" in v:
        return np.array(v["__spikepairs__"], np.int64), np.array(v["times"], float)
    if isinstance(v, list) and v and all(isinstance(x, dict) and "__spiketrain__" in x for x in v):
        return [_decode(x) for x in v]
    return v


def load(path: str | os.PathLike[str]) -> Result:
    """Load a :class:`Result` saved with :meth:`Result.save`."""
    _native.check_process()  # its Neuron needs Go: the fork error, not "not a Result"
    try:
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["__meta__"]))
            arrays = {name: f[name] for name in f.files if name != "__meta__"}
        return Result(
            arrays,
            params=_from_json(meta["params"]),
            seed=int(meta["seed"]),
            version=meta["version"],
            numbers_version=meta.get("numbers_version"),  # absent in files saved before numbers versions
        )
    except OSError as exc:
        raise type(exc)(f"natspike.load: cannot read {path}: {exc}") from exc
    except Exception as exc:  # not an npz, no __meta__, bad JSON or fields: not a saved Result
        raise ValueError(
            f"natspike.load: {path} is not a Result saved by Result.save ({type(exc).__name__}: {exc})"
        ) from exc
