"""Argument checks shared by the public functions.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError``
(wrong shape or value) with a message that names the parameter, and returns
arrays ready for the C ABI: float64, C-contiguous, aligned.
"""

from __future__ import annotations

import numbers

import numpy as np


def real_array(x, name: str) -> np.ndarray:
    """``x`` as a float64 array; TypeError unless it holds real numbers."""
    a = np.asarray(x)
    if a.dtype.kind in "iuf":
        return a.astype(np.float64, copy=False)
    if a.dtype.kind == "O":
        try:
            return a.astype(np.float64)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{name} must be a real number or an array of real numbers, got {_describe(x, a)}")


def _describe(x, a: np.ndarray) -> str:
    return f"dtype {a.dtype}" if isinstance(x, np.ndarray) else type(x).__name__


def finite(a: np.ndarray, name: str) -> np.ndarray:
    """Raise ValueError naming ``name`` and the first NaN/inf entry."""
    bad = ~np.isfinite(a)
    if bad.any():
        where = _index(bad)
        raise ValueError(f"{name} must be finite, got {a[where]!r} at index {where}")
    return a


def at_least(a: np.ndarray, name: str, lo: float, *, strict: bool = False) -> np.ndarray:
    """Raise ValueError unless every entry is finite and >= lo (> lo if strict)."""
    finite(a, name)
    bad = a <= lo if strict else a < lo
    if bad.any():
        where = _index(bad)
        op = ">" if strict else ">="
        raise ValueError(f"{name} must be {op} {lo:g}, got {a[where]!r} at index {where}")
    return a


def _index(mask: np.ndarray):
    idx = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return tuple(int(i) for i in idx)


def vector(x, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """A 1-D float64 array; ValueError for other dimensions or (unless
    allowed) an empty vector."""
    a = real_array(x, name)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
    if a.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    return a


def contiguous(a: np.ndarray) -> np.ndarray:
    """A C-contiguous, aligned float64 array with the same values."""
    return np.ascontiguousarray(a, dtype=np.float64)


def real_scalar(x, name: str) -> float:
    """A Python float; TypeError for non-real values (including bool)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    return float(x)
