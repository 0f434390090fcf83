"""Small argument checks shared by the public functions and the experiments.

Each raises ``TypeError`` or ``ValueError`` naming the parameter and what is
allowed; none changes a valid value.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: Longest simulated time a run accepts, in bins (Go's config.MaxBins; a test pins the two).
MAX_BINS = 2**40


#: The largest count of trials a call accepts (run_trials, sweep and the experiments alike).
MAX_TRIALS = 10**7


def integer(value, name: str, lo=None, hi=None, *, nullable: bool = False, hi_open: bool = False) -> int | None:
    """``value`` as an int in [lo, hi] (or [lo, hi) with ``hi_open``; None where a bound is None), the one integer
    check of natspike: TypeError for anything but an int (bools and floats included), ValueError outside the range,
    both naming ``name`` and worded as Go words its parameter ranges (``internal/config.Param.Range``).
    With ``nullable``, None is allowed and returned."""
    if value is None and nullable:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int{' or None' if nullable else ''}, got {type(value).__name__}")
    if (lo is not None and value < lo) or (hi is not None and (value > hi or (hi_open and value == hi))):
        raise ValueError(f"{name} must be {_range_words(lo, hi, nullable, hi_open)}, got {value}")
    return int(value)


def _range_words(lo, hi, nullable, hi_open) -> str:
    if lo is not None and hi is not None:
        words = f"in [{lo}, {_bound(hi)}{')' if hi_open else ']'}"
    else:
        words = f">= {lo}" if lo is not None else f"{'<' if hi_open else '<='} {_bound(hi)}"
    return f"None (off) or {words}" if nullable else words


def _bound(x) -> str:
    return "2**64" if x == 2**64 else str(x)


def known_keys(mapping, allowed, name: str) -> None:
    """ValueError naming the first key of ``mapping`` not in ``allowed`` (a typo is not ignored)."""
    if isinstance(mapping, dict):
        unknown = sorted(str(k) for k in mapping if k not in allowed)
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(allowed)}")


def finite_real(value, name: str, *, lo: float = -math.inf, hi: float = math.inf) -> float:
    """``value`` as a finite float in [lo, hi]; TypeError for non-numbers and bools."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float_of(value, name)
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ValueError(f"{name} must be finite and in [{lo:g}, {hi:g}], got {value}")
    return v


def float_of(value, name: str) -> float:
    """float(value), with a ValueError naming ``name`` for ints beyond the float range."""
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name} is too large to be a float (|{name}| must be < 1.8e308)") from None


def input_variance(rule: str, w: np.ndarray, rates: np.ndarray, name: str = "weights") -> None:
    """The natural rule divides by the membrane-potential variance σ_V² ∝ Σ w² r (Eqn 104):
    with it zero nothing can be learned, which is not a divergence."""
    silent = ~np.any((w * w) * rates, axis=-1)
    if rule == "natural" and np.any(silent) and not np.any(rates):
        raise ValueError(
            "rates: every rate is 0, so σ_V² = 0 and the natural-gradient coefficients are undefined (with "
            "inputs= and rates=None the rates are the replayed spike counts over the duration: then the inputs "
            "hold no spike); give some afferent a rate > 0, or inputs with spikes"
        )
    if rule == "natural" and np.any(silent):
        where = f" (trial {int(np.argmax(silent))})" if w.ndim == 2 else ""
        raise ValueError(
            f"{name}{where}: with these initial weights and rates σ_V² = 0 (no input variance: every weight with a "
            "non-zero rate is 0), so the natural-gradient coefficients are undefined; start from non-zero weights"
        )


def no_hidden_bools(x, name: str) -> None:
    """TypeError for masked arrays and for (nested) lists or tuples holding a bool:
    NumPy would use the data under the mask, or True as 1.0."""
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain array, not a masked array (fill it first: {name}.filled(...))")
    if isinstance(x, (list, tuple)):
        stack = [x]
        while stack:
            for v in stack.pop():
                if isinstance(v, (bool, np.bool_)):
                    raise TypeError(f"{name} must hold real numbers, got a bool ({v!r}) in a {type(x).__name__}")
                if isinstance(v, (list, tuple)):
                    stack.append(v)


def at_most(value, name: str, hi: int) -> None:
    """ValueError naming ``name`` for an int count above ``hi`` (before it reaches deeper checks)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        integer(value, name, hi=hi)


def minutes_of(minutes: float, name: str = "minutes", dt: float = 0.0005) -> float:
    """An experiment's learning time in minutes: finite, > 0 and at most 2**40 bins of ``dt``."""
    if isinstance(minutes, (bool, np.bool_)) or not isinstance(minutes, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(minutes).__name__}")
    v = float_of(minutes, name)
    if not (math.isfinite(v) and v > 0):  # the message of experiments' other positive checks
        raise ValueError(f"{name} must be finite and > 0, got {minutes}")
    if not 1 <= v * 60.0 / dt <= MAX_BINS:
        raise ValueError(
            f"{name} must be > 0 and at most {MAX_BINS * dt / 60:.4g} (2**40 bins of {dt} s), got {minutes}"
        )
    return minutes
