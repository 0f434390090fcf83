"""Result containers: learning curves as NumPy arrays, with provenance."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

import numpy as np

_ARRAYS = (
    "times",
    "weights",
    "kl",
    "rate_error",
    "weight_distance",
    "final_weights",
    "voltage",
    "rate",
    "completed",
    "initial_weights",
    "target_weights",
)


@dataclass(eq=False)
class Result:
    """What :func:`natspike.train` or :func:`natspike.run_trials` recorded.

    Attributes
    ----------
    times : ndarray, shape (records,)
        Record times in seconds (0, record_every, 2·record_every, …).
    weights : ndarray, shape (records, n) or (trials, records, n)
        Weights in the learned parametrization (dendritic when an
        attenuation was given) at each record time.
    kl : ndarray or None
        Mean Bernoulli D_KL per bin on the trial's test set (Eqn 51; includes
        the factor dt). None when the teacher is a replayed spike train.
    rate_error : ndarray or None
        RMS difference between student and teacher rates on the test set (Hz).
    weight_distance : ndarray or None
        ‖f(w) − w*‖₂ in somatic units; only for a realizable teacher.
    final_weights : ndarray, shape (n,) or (trials, n)
        Weights after the last bin.
    voltage, rate : ndarray or None
        V (mV) and φ(V) (Hz) every ``trace_every`` seconds, if requested.
    completed : ndarray of bool or None
        For :func:`run_trials`: which trials finished (all, unless interrupted).
    initial_weights, target_weights : ndarray or None
        The per-trial initial weights and target weights actually used.
    params : dict
        Every parameter of the run (rule, eta, neuron, rates, …).
    seed : int
        The 64-bit root seed; rerunning with it reproduces the result exactly.
    version : str
        The natspike version that produced the result.
    """

    times: np.ndarray
    weights: np.ndarray
    kl: np.ndarray | None
    rate_error: np.ndarray | None
    weight_distance: np.ndarray | None
    final_weights: np.ndarray
    voltage: np.ndarray | None = None
    rate: np.ndarray | None = None
    completed: np.ndarray | None = None
    initial_weights: np.ndarray | None = None
    target_weights: np.ndarray | None = None
    params: dict = field(default_factory=dict)
    seed: int = 0
    version: str = ""

    @property
    def n_trials(self) -> int | None:
        """Number of trials (None for a single :func:`train` result)."""
        return None if self.completed is None else len(self.completed)

    def save(self, path) -> None:
        """Save everything (arrays, parameters, seed, version) to a ``.npz`` file.

        The file is read back by :func:`natspike.load`.
        """
        arrays = {name: getattr(self, name) for name in _ARRAYS if getattr(self, name) is not None}
        meta = json.dumps({"params": self.params, "seed": str(self.seed), "version": self.version})
        np.savez_compressed(path, __meta__=np.array(meta), **arrays)

    def to_xarray(self):
        """The result as an :class:`xarray.Dataset`: every recorded array, coordinates ``trial``, ``time``,
        ``trace_time`` (s) and ``synapse``, units on every variable, parameters, seed and version as
        attributes (see ``natspike._export``)."""
        from ._export import to_xarray

        return to_xarray(self)

    def __repr__(self):
        shape = self.weights.shape
        return (
            f"Result(rule={self.params.get('rule')!r}, weights shape={shape}, "
            f"times={self.times[0]:g}…{self.times[-1]:g} s, seed={self.seed})"
        )


def load(path) -> Result:
    """Load a :class:`Result` saved with :meth:`Result.save`."""
    with np.load(path, allow_pickle=False) as f:
        meta = json.loads(str(f["__meta__"]))
        arrays = {name: f[name] for name in _ARRAYS if name in f.files}
    known = {f.name for f in fields(Result)}
    kwargs = {name: arrays.get(name) for name in _ARRAYS if name in known}
    return Result(**kwargs, params=meta["params"], seed=int(meta["seed"]), version=meta["version"])
