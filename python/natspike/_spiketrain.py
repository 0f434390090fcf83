"""Spike trains given by the user: :class:`SpikeTrain`, and how spike times become bins.

natspike's neurons live on a grid of bins of width ``dt``; bin k covers
[k·dt, (k+1)·dt), and in this Bernoulli model a bin holds at most one spike
per neuron. A spike at time t falls in bin ⌊t/dt⌋, where a time within 10⁻⁶
of a bin from an edge counts as on the edge (so that ``k * dt`` lands in bin
k despite rounding). Times given in a float type narrower than float64
(float32, float16) carry their type's rounding, which is far coarser: such a
time is widened to float64 and raised by its rounding bound, half the spacing
of its type at that value (about 6e-8 of the time for float32), so that a
spike stored as the float32 just below a bin edge lands on the edge, as the
same time in float64 does. Where that type's spacing is wider than a bin
(float32 from 8192 s on at dt = 0.5 ms), not every bin holds a time of the
type, and the times are refused rather than read into the bins they happen to
round to.
Two spikes of one neuron in one bin are an error, not merged.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._typing import ArrayLike, FloatArray
from ._units import in_units, library, physical
from ._validate import real_array, shown

#: Times within this fraction of a bin of a bin edge are taken as on the edge.
EDGE_TOLERANCE = 1e-6


class SpikeTrain:
    """The spike times of one neuron on [0, ``t_stop``), in seconds.

    natspike's own spike-train type, accepted (like a ``neo.SpikeTrain``)
    as a replayed ``teacher`` of :func:`natspike.train` and in a list of
    ``inputs``.

    Parameters
    ----------
    times : array_like, shape (k,)
        Spike times in s, sorted ascending, each in [0, t_stop); or a
        Quantity array of times (``quantities``, ``pint``, Brian2).
    t_stop : float or Quantity, keyword-only
        End of the recording in s (> 0): the train says "no spike" for
        every time before ``t_stop`` not in ``times``.

    Raises
    ------
    TypeError, ValueError
        For non-real, unsorted, negative or late times (the message names
        ``times`` or ``t_stop``).

    Examples
    --------
    >>> import numpy as np, natspike
    >>> y = natspike.SpikeTrain([0.01, 0.25, 0.5], t_stop=1.0)
    >>> natspike.SpikeTrain.from_bins(np.array([0, 1, 0, 1]), dt=0.0005).times.tolist()
    [0.0005, 0.0015]
    """

    __slots__ = ("_coarse", "_t_stop", "_times")

    def __init__(self, times: ArrayLike, *, t_stop: float) -> None:
        t_stop = float(real_array(physical(t_stop, "t_stop"), "t_stop"))
        if not (np.isfinite(t_stop) and t_stop > 0):
            raise ValueError(f"t_stop must be finite and > 0 s, got {t_stop}")
        self._times = spike_times(times, "times")
        self._coarse = type_spacing(times, self._times)
        self._t_stop = t_stop
        if self._times.size and self._times[-1] >= t_stop:
            raise ValueError(f"times must be < t_stop = {t_stop} s, got {shown(self._times[-1])}")

    @classmethod
    def from_bins(cls, bins: ArrayLike, *, dt: float) -> SpikeTrain:
        """The train of a 0/1 array with one entry per bin of ``dt`` seconds (a spike in bin k at k·dt)."""
        dt = float(real_array(in_units(dt, "dt"), "dt"))
        if not (np.isfinite(dt) and dt > 0):
            raise ValueError(f"dt must be finite and > 0 s, got {dt}")
        a = np.asarray(bins)
        if a.ndim != 1 or a.dtype.kind not in "biuf":
            raise ValueError(f"bins must be a 1-D array of 0/1 spike indicators, got shape {a.shape}, dtype {a.dtype}")
        bad = (a != 0) & (a != 1)
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"bins must contain only 0 and 1, got {shown(a[i])} at index {i}")
        return cls(np.flatnonzero(a) * dt, t_stop=a.size * dt)

    @property
    def times(self) -> FloatArray:
        """Spike times in s (a read-only array)."""
        return self._times

    @property
    def t_stop(self) -> float:
        """End of the recording in s."""
        return self._t_stop

    def __len__(self) -> int:
        return self._times.size

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SpikeTrain):
            return NotImplemented
        return self._t_stop == other._t_stop and np.array_equal(self._times, other._times)

    __hash__ = None  # type: ignore[assignment]  # equal trains compare by value: unhashable

    def __repr__(self) -> str:
        return f"SpikeTrain({self._times.size} spikes, t_stop={self._t_stop!r} s)"


def spike_times(x: Any, name: str, ordered: bool = True) -> FloatArray:
    """Non-negative, finite spike times in s (read-only float64 1-D), sorted ascending unless ``ordered`` is
    False (the times of an ``(indices, times)`` event list, whose order carries no meaning).

    Times of a float type narrower than float64 are raised by their rounding
    bound (module docstring), before any check.
    """
    t = real_array(in_units(x, name, "time"), name)
    if t.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of spike times in s, got shape {t.shape}")
    t = np.array(t, dtype=np.float64)
    rounding = relative_rounding(x)
    if rounding is not None:  # non-finite times stay as given, for the check below to name them
        np.add(t, np.abs(t) * rounding, out=t, where=np.isfinite(t))
    if not np.isfinite(t).all():
        i = int(np.argmax(~np.isfinite(t)))
        raise ValueError(f"{name} must be finite, got {shown(t[i])} at index {i}")
    if t.size and t.min() < 0:
        i = int(np.argmax(t < 0))
        raise ValueError(f"{name} must be >= 0 s (spike times count from the start of the trial), got {shown(t[i])}")
    if ordered and t.size > 1 and (np.diff(t) < 0).any():
        i = int(np.argmax(np.diff(t) < 0)) + 1
        raise ValueError(f"{name} must be sorted ascending, got {shown(t[i])} after {shown(t[i - 1])} at index {i}")
    t.flags.writeable = False
    return t


def relative_rounding(x: Any) -> FloatArray | None:
    """Half the spacing of ``x``'s float type at each value, over the value, when that type is narrower than
    float64 (0 at 0); None for float64, integers and lists.

    Quantities (quantities, pint, Brian2) report the type of their magnitude; a
    conversion to seconds happens in float64, after the rounding that matters.
    """
    dtype = getattr(x, "dtype", None)
    if not isinstance(dtype, np.dtype) or dtype.kind != "f" or dtype.itemsize >= 8:
        return None
    m = np.abs(np.asarray(getattr(x, "magnitude", x), dtype=dtype))
    half = np.spacing(m).astype(np.float64) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m > 0, half / m, 0.0)


def type_spacing(x: Any, seconds: FloatArray) -> tuple[FloatArray, str] | None:
    """The spacing (s) of the float type of times ``x`` at each time (whose values in s are ``seconds``), and
    the type's name, when that type is narrower than float64; None otherwise."""
    rounding = relative_rounding(x)
    if rounding is None:
        return None
    return 2 * rounding.ravel() * np.abs(seconds), str(np.asarray(getattr(x, "magnitude", x)).dtype)


def check_resolution(
    spacing: tuple[FloatArray, str] | None, times: FloatArray, dt: float, bins: int, name: str
) -> None:
    """ValueError naming ``name`` at the first time of the run (before ``bins``·``dt``) where the narrow float
    type of its times (``type_spacing``) is spaced wider than a bin: from there on not every bin holds a time
    of that type."""
    if spacing is None:
        return
    wide = (spacing[0] > dt * (1 + EDGE_TOLERANCE)) & (times < bins * dt)  # one bin's spacing holds every bin
    if not wide.any():
        return
    i = int(np.argmax(wide))
    raise ValueError(
        f"{name}: its times are {spacing[1]}, whose spacing at {times[i]:g} s (index {i}) is "
        f"{spacing[0][i]:.3g} s, wider than a bin (dt = {dt:g} s), so from there on not every bin can hold a "
        "spike time of that type; give the times in float64"
    )


def check_type_resolution(x: Any, times: FloatArray, dt: float, bins: int, name: str) -> None:
    """:func:`check_resolution` of plain times ``x`` (an array or Quantity, in s as ``times``)."""
    check_resolution(type_spacing(x, times), times, dt, bins, name)


def _neo_class(x: object) -> str | None:
    """The name of the first class of Neo's own in ``x``'s MRO (``"SpikeTrain"``, ``"AnalogSignal"``, …), or None."""
    for cls in type(x).__mro__:
        if cls.__module__.partition(".")[0] == "neo":
            return cls.__name__
    return None


def is_neo_spiketrain(x: object) -> bool:
    """A neo.SpikeTrain (or a subclass): not any Neo object with times and a t_stop, since an AnalogSignal
    or IrregularlySampledSignal has those too, and its sample times are no spikes."""
    return library(x) == "quantities" and any(
        cls.__name__ == "SpikeTrain" and cls.__module__.partition(".")[0] == "neo" for cls in type(x).__mro__
    )


def is_neo_train_list(x: object) -> bool:
    """A Neo ``SpikeTrainList`` (``segment.spiketrains``): a sequence of neo.SpikeTrain, though not a list."""
    return _neo_class(x) == "SpikeTrainList"


def refuse_other_neo(x: object, name: str) -> None:
    """TypeError naming ``name`` for a Neo object that is not a SpikeTrain (an AnalogSignal, Event, …): its
    times are samples or events, not the spikes of one neuron, and are not read as such."""
    cls = _neo_class(x)
    if cls in ("Segment", "Block"):
        held = "segment.spiketrains" if cls == "Segment" else "block.segments[k].spiketrains"
        which = f"{held}, one per afferent" if name == "inputs" else f"one of {held}, or a list of them for a layer"
        raise TypeError(f"{name}: got a neo.{cls}; give the spike trains it holds ({which})")
    if cls is not None and cls != "SpikeTrainList" and not is_neo_spiketrain(x):
        raise TypeError(
            f"{name}: got a neo.{cls}, which is not a spike train; give a neo.SpikeTrain or a natspike.SpikeTrain "
            "(spike times in s on [0, t_stop))"
        )


def is_spike_train(x: object) -> bool:
    """A natspike.SpikeTrain or a neo.SpikeTrain: an explicitly given spike train."""
    return isinstance(x, SpikeTrain) or is_neo_spiketrain(x)


def as_spike_train(x: Any, name: str) -> SpikeTrain:
    """A natspike.SpikeTrain from itself or from a neo.SpikeTrain (which must start at 0)."""
    if isinstance(x, SpikeTrain):
        return x
    t_start = float(in_units(x.t_start, f"{name}.t_start", "time"))
    if t_start != 0:
        raise ValueError(
            f"{name}: a neo.SpikeTrain must start at t_start = 0 (times count from the start of the trial), "
            f"got t_start = {t_start} s; shift it with .time_shift(-train.t_start)"
        )
    # neo keeps the times of a train in the order given (checked here, naming the parameter), and its trains
    # hold [t_start, t_stop] with both ends: time_slice(a, b) keeps a spike at b, which is also the first
    # spike of time_slice(b, c). natspike's bins cover [0, t_stop), so a spike at t_stop falls in the bin after
    # the train and is not used, as spikes after the run are not.
    times = spike_times(x.times, f"{name} times")
    t_stop = float(in_units(x.t_stop, f"{name}.t_stop", "time"))
    kept = times < t_stop
    train = SpikeTrain(times[kept], t_stop=t_stop)
    spacing = type_spacing(x.times, times)
    train._coarse = None if spacing is None else (spacing[0][kept], spacing[1])  # the float64 copy lost its type
    return train


def bin_indices(times: np.ndarray, dt: float) -> np.ndarray:
    """The bin ⌊t/dt⌋ of each time (module docstring: edges within 10⁻⁶ bin)."""
    return np.floor(times / dt + EDGE_TOLERANCE).astype(np.int64)


def check_one_per_bin(bins: np.ndarray, dt: float, name: str) -> None:
    """ValueError if two consecutive entries of the sorted ``bins`` coincide."""
    same = np.flatnonzero(bins[1:] == bins[:-1])
    if same.size:
        k = int(bins[same[0]])
        raise ValueError(
            f"{name}: two spikes fall in bin {k} ([{k * dt:g}, {(k + 1) * dt:g}) s); a bin holds at most one "
            "spike of a neuron in this Bernoulli model (use a smaller dt, or drop the extra spike)"
        )


def covering_bins(train: Any, bins: int, dt: float, name: str) -> np.ndarray:
    """The bins (< ``bins``) of the spikes of a train with a t_stop (natspike or neo).

    The train must cover the run (t_stop >= bins·dt); its spikes after the
    run are not used.
    """
    train = as_spike_train(train, name)
    check_resolution(train._coarse, train.times, dt, bins, name)
    if train.t_stop < bins * dt * (1 - 1e-9):
        raise ValueError(
            f"{name}: the spike train ends at t_stop = {train.t_stop:g} s, before the end of the run "
            f"({bins} bins = {bins * dt:g} s); give a train that covers the whole duration"
        )
    k = bin_indices(train.times, dt)
    check_one_per_bin(k, dt, name)
    return k[k < bins]


def replay_bins(train: Any, dt: float, bins: int, name: str) -> np.ndarray:
    """A spike train (natspike or neo) as a float64 0/1 array of ``bins`` entries."""
    out = np.zeros(bins)
    out[covering_bins(train, bins, dt, name)] = 1.0
    return out
