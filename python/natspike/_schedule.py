"""Piecewise-constant afferent rates: :class:`RateSchedule`, accepted wherever ``rates`` is."""

from __future__ import annotations

import warnings

import numpy as np

from ._typing import ArrayLike
from ._units import caller_level, in_units
from ._validate import finite, real_array

#: A segment start within this fraction of a bin of a whole bin counts as whole (as durations do in Go).
WHOLE_BINS_TOLERANCE = 1e-9


class RateSchedule:
    """Afferent rates that are constant on segments: ``rates[j]`` from ``times[j]`` until ``times[j + 1]``.

    Pass it as ``rates`` to :func:`natspike.train`, :func:`natspike.run_trials`
    or a :func:`natspike.sweep` point. Poisson inputs follow the segment in
    force (at a segment start every afferent's next spike is drawn afresh
    from that bin, which is exact for Bernoulli inputs); the rule's
    rate-dependent terms (c_ε x/r, q and the Fisher coefficients of
    Eqns 13, 36, 107–109, 114) use the current segment's rates, and the
    coefficients are recomputed at every segment start, also with
    ``coefficient_refresh="frozen"`` (frozen within a segment). D_KL and the
    rate error of a record use a test set drawn at the rates of the segment
    of the bin before the record. With replayed ``inputs`` the schedule
    gives the rule's rates only. The last segment lasts until the end of
    the run; segments starting at or after its end are never reached
    (:func:`natspike.train` and :func:`natspike.run_trials` warn). A one-segment
    schedule gives exactly the constant-rate result.

    Parameters
    ----------
    times : array_like, shape (k,)
        Segment start times in s (or a Quantity), strictly increasing,
        ``times[0] == 0``; each must be a whole number of bins of the
        neuron's ``dt`` (checked when a run uses the schedule).
    rates : array_like, shape (k, n)
        Rates of the n afferents in each segment, Hz (or a Quantity), finite
        and >= 0 (rates·dt < 1, checked when a run uses the schedule).

    Raises
    ------
    TypeError, ValueError
        For non-real, wrongly shaped, unsorted, negative or NaN values; the
        message names ``times`` or ``rates``.

    Examples
    --------
    >>> import numpy as np, natspike
    >>> s = natspike.RateSchedule([0.0, 0.5], np.array([[10.0, 20.0], [40.0, 5.0]]))
    >>> s.segments, s.n
    (2, 2)
    >>> s.rates_at(0.7).tolist()
    [40.0, 5.0]
    """

    __slots__ = ("_rates", "_times")

    def __init__(self, times: ArrayLike, rates: ArrayLike) -> None:
        t = real_array(in_units(times, "times", "time"), "times")
        r = real_array(in_units(rates, "rates"), "rates")
        if t.ndim != 1 or t.size == 0:
            raise ValueError(f"times must have shape (k,) with k >= 1 segment starts in s, got shape {t.shape}")
        finite(t, "times")
        if t[0] != 0:
            raise ValueError(f"times must start at 0 s (the first segment starts the run), got {float(t[0])!r}")
        if t.size > 1 and not (np.diff(t) > 0).all():
            i = int(np.argmax(np.diff(t) <= 0)) + 1
            prev, cur = float(t[i - 1]), float(t[i])
            raise ValueError(f"times must be strictly increasing, got {cur!r} after {prev!r} at index {i}")
        if r.ndim != 2 or r.shape[0] != t.size or r.shape[1] == 0:
            raise ValueError(
                f"rates must have shape ({t.size}, n) (one row of n afferent rates per segment), got {r.shape}"
            )
        finite(r, "rates")
        if (r < 0).any():
            where = tuple(int(i) for i in np.argwhere(r < 0)[0])
            raise ValueError(f"rates must be >= 0 Hz, got {float(r[where])!r} at index {where}")
        self._times, self._rates = np.array(t, np.float64), np.array(r, np.float64)
        self._times.flags.writeable = self._rates.flags.writeable = False

    @property
    def times(self) -> np.ndarray:
        """Segment start times in s, shape (k,) (read-only)."""
        return self._times

    @property
    def rates(self) -> np.ndarray:
        """Rates in Hz, shape (k, n) (read-only)."""
        return self._rates

    @property
    def segments(self) -> int:
        """The number of segments k."""
        return self._times.size

    @property
    def n(self) -> int:
        """The number of afferents."""
        return self._rates.shape[1]

    def rates_at(self, t: float) -> np.ndarray:
        """The rates (Hz) in force at time ``t`` >= 0 s."""
        return self._rates[int(np.searchsorted(self._times, float(t), side="right")) - 1]

    def _start_bins(self, dt: float) -> np.ndarray:
        """Segment starts in bins of ``dt`` (float64 whole numbers); ValueError for a start between bins."""
        b = np.round(self._times / dt)
        off = np.abs(self._times / dt - b) > WHOLE_BINS_TOLERANCE * np.maximum(b, 1)
        if off.any():
            i = int(np.argmax(off))
            raise ValueError(
                f"rates: RateSchedule times[{i}] = {float(self._times[i])!r} s is not a whole number of bins of "
                f"dt = {dt} s ({self._times[i] / dt:.6g} bins); segments must start on a bin edge"
            )
        return b

    def __eq__(self, other):
        if not isinstance(other, RateSchedule):
            return NotImplemented
        return np.array_equal(self._times, other._times) and np.array_equal(self._rates, other._rates)

    __hash__ = None  # type: ignore[assignment]  # compared by value: unhashable

    def __repr__(self):
        return f"RateSchedule({self.segments} segments, n={self.n}, times={self._times.tolist()!r} s)"


def schedule_buffers(rates, dt: float) -> tuple:
    """``(first segment's rates, {"schedule_starts", "schedule_rates"} buffers)`` for ``rates`` that may be a
    :class:`RateSchedule`; plain rates come back as they are with no schedule buffers."""
    if not isinstance(rates, RateSchedule):
        return rates, {}
    return np.array(rates.rates[0]), {
        "schedule_starts": np.ascontiguousarray(rates._start_bins(dt)),
        "schedule_rates": np.ascontiguousarray(rates.rates),
    }


def warn_unreached(rates, duration) -> None:
    """A UserWarning when segments of a :class:`RateSchedule` start at or after the end of a run of ``duration``
    s: they are never in force (documented), which in one run is almost always a mistake, such as times in ms."""
    if not isinstance(rates, RateSchedule) or not isinstance(duration, (int, float)) or not np.isfinite(duration):
        return
    late = rates.times[rates.times >= duration * (1 - WHOLE_BINS_TOLERANCE)]
    if late.size:
        warnings.warn(
            f"rates: RateSchedule segment(s) starting at {', '.join(f'{t:g}' for t in late)} s begin at or after "
            f"the end of the run ({duration:g} s) and are never in force (schedule times are in s)",
            UserWarning,
            stacklevel=caller_level(),
        )
