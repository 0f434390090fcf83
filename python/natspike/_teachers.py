"""What ``teacher=`` means: always said explicitly, never inferred from dtype or length.

* a number, or a rate Quantity: a Poisson teacher of that rate (Hz);
* an array of shape (n,): the target weights w* of a realizable teacher;
* a :class:`natspike.SpikeTrain` or ``neo.SpikeTrain``: a spike train to replay.

A 1-D bool array, or an integer array of 0s and 1s, is refused with a hint:
until this release it was read as a spike train with one entry per bin, and
a 0/1 array of length n is as plausible a weight vector as a spike train.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._spiketrain import is_neo_train_list, is_spike_train, refuse_other_neo
from ._units import in_units, is_quantity
from ._validate import finite_scalar

POISSON, REALIZABLE, REPLAY = "poisson", "realizable", "replay"


def teacher_kind(teacher) -> tuple[str, float]:
    """(POISSON, rate in Hz), (REPLAY, 0.0) or (REALIZABLE, 0.0); the weights are checked by the caller."""
    refuse_other_neo(teacher, "teacher")
    if is_spike_train(teacher):
        return REPLAY, 0.0
    if isinstance(teacher, (str, bytes)):
        raise TypeError(
            f"teacher: got the string {teacher!r}; the teacher's kind follows from its value: a rate in Hz "
            "(teacher=20.0) for a Poisson teacher, target weights (an array like the initial weights) for a "
            "realizable one, or spike trains (natspike.SpikeTrain or neo.SpikeTrain) to replay"
        )
    if (isinstance(teacher, (list, tuple)) or is_neo_train_list(teacher)) and any(map(is_spike_train, teacher)):
        raise TypeError(
            "teacher: a list holding spike trains is the teacher of a layer (weights of shape (m, n), one train "
            "per neuron); the replayed teacher of one neuron is its spike train itself, not a list"
        )
    if is_quantity(teacher) and np.ndim(teacher) > 0 and _is_time(teacher):
        raise TypeError(
            "teacher: an array of times is not a teacher; spike times to replay must be a natspike.SpikeTrain "
            "(natspike.SpikeTrain(times, t_stop=...)) or a neo.SpikeTrain, and target weights are plain numbers"
        )
    if is_quantity(teacher) and np.ndim(teacher) == 0:
        return POISSON, finite_scalar(in_units(teacher, "teacher rate"), "teacher rate")
    if isinstance(teacher, numbers.Real) and not isinstance(teacher, bool):
        return POISSON, finite_scalar(teacher, "teacher rate")
    refuse_spike_indicators(teacher)
    return REALIZABLE, 0.0


def _is_time(x) -> bool:
    try:
        in_units(x, "teacher", "time")
    except ValueError:
        return False
    return True


def refuse_spike_indicators(teacher) -> None:
    """TypeError for a 1-D bool array or integer 0/1 array (a spike train must be wrapped)."""
    a = teacher if isinstance(teacher, np.ndarray) else None
    if a is None or a.ndim != 1 or a.dtype.kind not in "biu":
        return
    if a.dtype.kind == "b" or ((a == 0) | (a == 1)).all():
        raise TypeError(
            "teacher: a 0/1 array is no longer read as a spike train (nor as target weights): say which it "
            "is. A spike train with one entry per bin: natspike.SpikeTrain.from_bins(teacher, dt=neuron.dt); "
            "target weights: teacher.astype(float)"
        )


def target_weights(teacher, name="teacher"):
    """Target weights with any dimensionless Quantity converted (other units are an error)."""
    return in_units(teacher, name, "dimensionless")
