"""A layer of output neurons: ``weights`` of shape (m, n).

m output neurons learn on the same afferent spikes (Poisson inputs drawn
once per trial, or the replayed ``inputs``), each with its own teacher, its
own rule state and its own Fisher coefficients (Go: ``core/learn``,
layer.go). Neuron 0 gives bit for bit the single neuron trained alone with
the same seed; neuron j > 0 draws its teacher spikes from a stream of its
own. Every per-neuron output gains a ``neuron`` axis after the trial axis
(``result.weights[j]`` of :func:`natspike.train` is neuron j's curve).
``record_spikes=True`` records every neuron's spikes (``result.spikes[j]``;
``to_neo`` gives one SpikeTrain per neuron), and ``keep_state=True`` keeps
every neuron's end state, from which :func:`natspike.resume` continues the
whole layer bit for bit.

What ``teacher`` means for a layer is said by its shape, and a single
neuron's teacher is never accepted for a layer:

* target weights of shape (m, n) (a realizable teacher per neuron);
* a number or rate Quantity (one Poisson rate for every neuron, each
  neuron with its own spikes), or m rates: a 1-D array, list or rate
  Quantity of shape (m,) (a layer's target weights are always 2-D);
* a list of m spike trains (:class:`natspike.SpikeTrain` or
  ``neo.SpikeTrain``), one per neuron.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import input_variance, integer
from ._spiketrain import as_spike_train, is_neo_train_list, is_spike_train, refuse_other_neo, replay_bins
from ._teachers import POISSON, REALIZABLE, REPLAY
from ._units import in_units, is_quantity
from ._validate import check_memory, contiguous, finite, real_array


def is_layer(weights) -> bool:
    """True for 2-D ``weights`` (a layer); ragged input is left to the weights' own error."""
    try:
        return np.ndim(weights) == 2
    except ValueError:
        return False


def layer_matrix(weights, name: str = "weights") -> np.ndarray:
    """``weights`` of a layer as a C-contiguous float64 (m, n) array, m ≥ 1 and n ≥ 1."""
    w = real_array(weights, name)
    if w.shape[0] == 0:
        raise ValueError(f"{name}: a layer needs at least one neuron (one row per neuron, m >= 1), got shape {w.shape}")
    if w.shape[1] == 0:
        raise ValueError(f"{name} must not be empty (one column per afferent), got shape {w.shape}")
    return contiguous(finite(w, name))


def check_afferents(w: np.ndarray, n: int) -> None:
    """ValueError unless the layer's weights have one column per afferent."""
    if w.shape[1] != n:
        raise ValueError(
            f"weights of a layer must have shape (m, {n}): one column per afferent like rates, got {w.shape}"
        )


def layer_teacher(teacher, m: int, n: int):
    """(kind, value): (REALIZABLE, (m, n) target weights), (POISSON, (m,) rates in Hz) or
    (REPLAY, list of m natspike.SpikeTrain); see the module docstring."""
    if is_neo_train_list(teacher):  # a Neo segment's spiketrains
        teacher = list(teacher)
    if isinstance(teacher, (list, tuple)):
        for j, t in enumerate(teacher):
            refuse_other_neo(t, f"teacher[{j}]")
        trains = [is_spike_train(t) for t in teacher]
        if any(trains) and not all(trains):
            j = trains.index(False)
            raise TypeError(
                f"teacher: a layer's list of teachers must be {m} spike trains (one per neuron), or {m} Poisson "
                f"rates, not a mix; teacher[{j}] is a {type(teacher[j]).__name__}"
            )
    else:
        refuse_other_neo(teacher, "teacher")
    if isinstance(teacher, (list, tuple)) and teacher and all(is_spike_train(t) for t in teacher):
        if len(teacher) != m:
            raise ValueError(
                f"teacher: a layer of {m} neurons needs {m} spike trains (one per neuron), got {len(teacher)}"
            )
        return REPLAY, [as_spike_train(t, f"teacher[{j}]") for j, t in enumerate(teacher)]
    if is_spike_train(teacher):
        raise TypeError(f"teacher: a layer of {m} neurons needs a list of {m} spike trains, got one spike train")
    scalar = isinstance(teacher, numbers.Real) and not isinstance(teacher, bool)
    if scalar or (is_quantity(teacher) and np.ndim(teacher) == 0):
        return POISSON, contiguous(finite(np.full(m, float(in_units(teacher, "teacher rate"))), "teacher rate"))
    if isinstance(teacher, np.ndarray) and teacher.dtype.kind == "b":
        raise TypeError(
            "teacher: a bool array is not a layer's teacher; spike trains are a list of natspike.SpikeTrain "
            "(natspike.SpikeTrain.from_bins(y, dt=neuron.dt) per neuron)"
        )
    return _array_teacher(teacher, m, n)


def _array_teacher(teacher, m, n):
    ndim = _ndim(teacher) if hasattr(teacher, "shape") else _ndim(np.asarray(teacher, dtype=object))
    if ndim == 1:
        rates = real_array(in_units(teacher, "teacher rate"), "teacher rates")
        if rates.shape != (m,):
            raise ValueError(
                f"teacher rates of a layer of {m} neurons must have shape ({m},), one per neuron, got {rates.shape} "
                f"(a 1-D teacher of a layer is its Poisson rates; target weights have one row per neuron, shape "
                f"({m}, {n}) like weights)"
            )
        return POISSON, contiguous(finite(rates, "teacher rates"))
    w = real_array(in_units(teacher, "teacher", "dimensionless"), "teacher")
    if w.shape != (m, n):
        raise ValueError(
            f"teacher of a layer of {m} neurons must be target weights of shape ({m}, {n}) like weights, "
            f"{m} Poisson rates or {m} spike trains, got shape {w.shape}"
        )
    return REALIZABLE, contiguous(finite(w, "teacher"))


def layer_config(m: int, kind: str, value) -> dict:
    """The configuration keys of a layer: its size and a Poisson teacher's rates."""
    cfg = {"neurons": m}
    if kind == POISSON:
        cfg["teacher_rates"] = np.asarray(value).tolist()
    return cfg


def layer_variance(rule: str, w: np.ndarray, r: np.ndarray) -> None:
    """The natural rule's σ_V² > 0 check (natspike._checks.input_variance) for every neuron (and trial), naming
    the first without input variance."""
    silent = ~np.any((w * w) * r, axis=-1)
    if silent.any():
        where = np.unravel_index(int(np.argmax(silent)), silent.shape)
        index = "".join(f"[{int(i)}]" for i in where)
        input_variance(rule, w[where], r, name=f"weights{index} (neuron {int(where[-1])})")


def layer_size(neurons) -> int | None:
    """``neurons`` of run_trials and sweep: None (one neuron) or an int >= 1 (Go bounds the layer's size)."""
    return integer(neurons, "neurons", 1, nullable=True)


def rate_quantities(teacher):
    """A layer's teacher with rate Quantities (one, or m of them) in Hz; anything else unchanged."""
    quantities = is_quantity(teacher) or (isinstance(teacher, (list, tuple)) and any(is_quantity(t) for t in teacher))
    return in_units(teacher, "teacher rate") if quantities and np.ndim(teacher) <= 1 else teacher


def trials_teacher(teacher, m: int, n: int):
    """(kind, 0.0, the m rates of a Poisson teacher or None) of a layer in run_trials: target weights (m, n),
    (n_trials, m, n) or a callable, one Poisson rate or m of them; never spike trains."""
    if callable(teacher) or _ndim(teacher) == 3:
        return REALIZABLE, 0.0, None
    kind, value = layer_teacher(teacher, m, n)
    if kind == REPLAY:
        raise ValueError("teacher: replayed spike trains cannot be shared by independent trials; use train")
    return kind, 0.0, value if kind == POISSON else None


def _ndim(x) -> int:
    try:
        return np.ndim(x)
    except ValueError:  # ragged: left to the teacher's own error
        return -1


def teacher_spikes(trains, dt: float, bins: int) -> np.ndarray:
    """m spike trains as one neuron-major float64 0/1 array of m × bins entries."""
    check_memory(8 * len(trains) * bins, "teacher", f"{len(trains)} teacher spike trains of {bins} bins")
    return np.concatenate([replay_bins(t, dt, bins, f"teacher[{j}]") for j, t in enumerate(trains)])


def teacher_param(kind: str, value):
    """A layer's teacher as ``params`` keeps it (train(**params) reproduces the run)."""
    return list(value) if kind == REPLAY else np.asarray(value).tolist()
