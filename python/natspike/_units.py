"""Physical units at the API boundary: Quantities in, natspike's units out.

natspike computes in seconds, Hz and mV (and 1/mV for β). Every physical
argument may instead be a Quantity of the ``quantities`` package (which Neo
uses), of ``pint``, or of Brian2; it is converted, never stripped, so
``rates=0.02 * pq.kHz`` means 20 Hz. A Quantity of the wrong dimension is a
``ValueError`` naming the parameter and the dimension it needs. Quantities
are recognised by their class's module (``quantities.*``, ``pint.*``,
``brian2.*``), so natspike imports no unit library unless the caller has
already made one of its Quantities.

Plain numbers keep natspike's units. A few plain values that are
implausible in these units but usual in another convention (NEST and many
simulators count time in ms) raise a :class:`UnitWarning` naming the unit
expected:

* ``tau_m`` or ``tau_s`` of 1 or more (seconds; the paper's are 10 and 3 ms);
* ``dt`` of 0.01 or more (seconds; the paper's is 0.5 ms);
* ``duration``, ``record_every``, ``trace_every`` or a spike train's
  ``t_stop`` given as an integer of 1000 or more (seconds: a NEST-style
  ``duration=1000`` is 1000 s here, 2·10⁶ bins; the paper's long runs are
  written as floats, e.g. 8000.0, and do not warn);
* ``theta`` with 0 < |θ| < 0.1 (mV: ``float(10 * mV)`` in Brian2 is 0.01, in volts);
* ``beta`` of more than 100 (1/mV: 300/V is 0.3/mV).
"""

from __future__ import annotations

import functools
import inspect
import numbers
import os
import sys
import warnings
from collections.abc import Callable
from types import FrameType
from typing import Any, cast

import numpy as np

from ._typing import Function


class UnitWarning(UserWarning):
    """A plain number that looks like it was meant in another unit."""


#: Dimension name -> (natspike's unit as text, what it is called in messages).
UNITS = {
    "time": ("s", "a time"),
    "rate": ("Hz", "a rate"),
    "voltage": ("mV", "a voltage"),
    "voltage squared": ("mV**2", "a squared voltage"),
    "inverse voltage": ("1/mV", "an inverse voltage"),
    "rate per voltage squared": ("Hz/mV**2", "a rate per voltage squared"),
    "voltage time": ("mV*s", "a voltage times a time"),
    "dimensionless": ("dimensionless", "a plain number"),
}

#: Parameter -> dimension, for every physical argument of the public API.
PARAMETERS = {
    "rates": "rate",
    "teacher rate": "rate",
    "silent_rate": "rate",
    "phi_max": "rate",
    "duration": "time",
    "dt": "time",
    "tau_m": "time",
    "tau_s": "time",
    "record_every": "time",
    "trace_every": "time",
    "input_pool_interval": "time",
    "spike times": "time",
    "t_stop": "time",
    "theta": "voltage",
    "mean": "voltage",
    "v": "voltage",
    "var": "voltage squared",
    "q": "dimensionless",
    "beta": "inverse voltage",
    "scale": "rate per voltage squared",
    "eps0": "voltage time",
    "weights": "dimensionless",
    "attenuation": "dimensionless",
    "eta": "dimensionless",
    "c_u": "dimensionless",
    "c_w": "dimensionless",
}


def dimension_of(unit: str) -> str:
    """The dimension (a key of :data:`UNITS`) of a unit as Go's run description writes it ("Hz/mV²", "mV·s");
    "" is dimensionless. A unit not in :data:`UNITS` is a ValueError (a new unit needs its row there)."""
    text = unit.replace("²", "**2").replace("·", "*") or "dimensionless"
    for dimension, (u, _) in UNITS.items():
        if u == text:
            return dimension
    raise ValueError(f"natspike has no dimension for the unit {unit!r}; add it to natspike._units.UNITS")


def library(x) -> str | None:
    """ "quantities", "pint" or "brian2" if ``x`` is a Quantity of that library, else None."""
    for cls in type(x).__mro__:
        root = cls.__module__.partition(".")[0]
        if root == "quantities" and hasattr(x, "rescale"):
            return "quantities"
        if root == "pint" and hasattr(x, "to") and hasattr(x, "magnitude"):
            return "pint"
        if root == "brian2" and hasattr(x, "dim"):
            return "brian2"
    return None


def is_quantity(x) -> bool:
    return library(x) is not None


def in_units(x, name: str, dimension: str | None = None):
    """``x`` in natspike's unit of ``dimension`` (default: that of parameter ``name``).

    A Quantity becomes a float (0-d) or a float64 array; a list or tuple
    holding Quantities becomes an array of the converted values; anything
    else is returned unchanged (plain numbers are already in natspike's units).
    """
    dimension = dimension or PARAMETERS[name]
    lib = library(x)
    if lib is not None:
        value = _CONVERT[lib](x, UNITS[dimension][0])
        if value is None:
            unit, what = UNITS[dimension]
            how = "no unit" if dimension == "dimensionless" else f"in {unit} or a Quantity of that dimension"
            raise ValueError(f"{name} must be {what} ({how}), got {describe(x)}")
        return float(value) if np.ndim(value) == 0 else value
    if isinstance(x, (list, tuple)) and any(is_quantity(v) for v in x):
        return np.array([in_units(v, name, dimension) for v in x], dtype=np.float64)
    return x


def describe(x) -> str:
    """The units of Quantity ``x``, for messages."""
    lib = library(x)
    if lib == "quantities":
        return f"a Quantity in {x.dimensionality.string}"
    if lib == "pint":
        return f"a Quantity in {x.units}"
    if lib == "brian2":
        best = getattr(x, "get_best_unit", None)
        return f"a Quantity in {best() if best is not None else x.dim}"
    return type(x).__name__


def _from_quantities(x, unit):
    try:
        q = x.rescale(unit)
    except (ValueError, TypeError, LookupError):
        return None
    return np.array(q.magnitude, dtype=np.float64)


def _from_pint(x, unit):
    try:
        q = x.to(unit)
    except Exception as exc:  # pint's DimensionalityError; any other failure is re-raised
        if type(exc).__name__ != "DimensionalityError":
            raise
        return None
    return np.array(q.magnitude, dtype=np.float64)


def _from_brian2(x, unit):
    import brian2.units as b2  # the caller made a Brian2 Quantity: Brian2 is imported already

    ref = {
        "s": b2.second,
        "Hz": b2.hertz,
        "mV": b2.mV,
        "mV**2": b2.mV**2,
        "1/mV": 1 / b2.mV,
        "Hz/mV**2": b2.hertz / b2.mV**2,
        "mV*s": b2.mV * b2.second,
        "dimensionless": 1,
    }[unit]
    ratio = x / ref
    if getattr(ratio, "dim", None) is not None and not ratio.is_dimensionless:
        return None
    return np.array(np.asarray(ratio), dtype=np.float64)


_CONVERT = {"quantities": _from_quantities, "pint": _from_pint, "brian2": _from_brian2}


# --- plausibility of plain numbers ----------------------------------------------------------------------------


def _is_plain(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _warn(name, value, expected, hint):
    warnings.warn(
        f"{name} = {value!r} is read in {expected} ({hint}); pass a Quantity to state the unit",
        UnitWarning,
        stacklevel=caller_level(),
    )


def caller_level() -> int:
    """The stacklevel of the first frame outside natspike (the user's call)."""
    here = os.path.dirname(__file__)
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and os.path.dirname(frame.f_code.co_filename).startswith(here):
        frame, level = frame.f_back, level + 1
    return level


#: Times that a plain integer of 1000 or more makes suspect (ms in another convention; module docstring).
LONG_TIMES = ("duration", "record_every", "trace_every", "t_stop")


def check_plausible(name: str, x) -> None:
    """Warn (UnitWarning) if the plain number ``x`` for ``name`` looks like another unit (module docstring)."""
    if not _is_plain(x):
        return
    try:
        v = float(x)
    except OverflowError:
        return  # an int beyond float: an error, reported by the parameter's own check
    if not np.isfinite(v):
        return  # an error, reported by the parameter's own check
    if name in ("tau_m", "tau_s") and v >= 1:
        _warn(name, x, "seconds", f"did you mean {v:g} ms ({v / 1000:g})?")
    elif name == "dt" and v >= 0.01:
        _warn(name, x, "seconds", f"did you mean {v:g} ms ({v / 1000:g})?")
    elif name in LONG_TIMES and isinstance(x, numbers.Integral) and v >= 1000:
        _warn(name, x, "seconds", f"that is {v / 60:g} min; did you mean {v:g} ms ({v / 1000:g})?")
    elif name == "theta" and 0 < abs(v) < 0.1:
        _warn(name, x, "mV", f"did you mean {v:g} V ({v * 1000:g})?")
    elif name == "beta" and v > 100:
        _warn(name, x, "1/mV", f"did you mean {v:g}/V ({v / 1000:g})?")


def physical(x, name: str):
    """``x`` converted from a Quantity (:func:`in_units`), or checked for plausibility if plain."""
    check_plausible(name, x)
    return in_units(x, name)


def converts_units(*names: str) -> Callable[[Function], Function]:
    """Decorator: convert the named arguments of a function from Quantities
    (and check plain ones) before the function sees them, in the order of
    ``names``. A call that binds plainly (no more positional arguments than
    the function has, only known keywords, none given twice) is converted in
    place; any other goes through :meth:`inspect.Signature.bind_partial`,
    which raises its TypeError."""

    def wrap(func: Function) -> Function:
        signature = inspect.signature(func)
        params = signature.parameters.values()
        positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        keywords = frozenset(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        plain = all(p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)
        index = {name: positional.index(name) for name in names if name in positional}

        def by_signature(args: tuple, kwargs: dict) -> Any:
            bound = signature.bind_partial(*args, **kwargs)
            for name in names:
                if name in bound.arguments:
                    bound.arguments[name] = physical(bound.arguments[name], name)
            return func(*bound.args, **bound.kwargs)

        @functools.wraps(func)
        def converted(*args: Any, **kwargs: Any) -> Any:
            if not (plain and len(args) <= len(positional) and keywords.issuperset(kwargs)) or any(
                name in kwargs for name in positional[: len(args)]
            ):
                return by_signature(args, kwargs)
            values = list(args)
            for name in names:
                at = index.get(name, len(values))
                if at < len(values):
                    values[at] = physical(values[at], name)
                elif name in kwargs:
                    kwargs[name] = physical(kwargs[name], name)
            return func(*values, **kwargs)

        return cast("Function", converted)  # the signature (and hints) of func, which wraps gives it

    return wrap


def convert_options(options: dict) -> dict:
    """A copy of keyword ``options`` with every physical one converted."""
    return {k: (physical(v, k) if k in PARAMETERS else v) for k, v in options.items()}


def trial_arguments(options: dict, weights, rates, teacher):
    """The arguments of one set of trials (run_trials, a sweep point) with Quantities converted."""
    from ._spiketrain import is_neo_train_list, is_spike_train

    listed = isinstance(teacher, (list, tuple)) or is_neo_train_list(teacher)
    spikes = is_spike_train(teacher) or (listed and any(map(is_spike_train, teacher)))
    if not spikes and (isinstance(teacher, (list, tuple)) or (is_quantity(teacher) and np.ndim(teacher) > 0)):
        teacher = in_units(teacher, "teacher", "dimensionless")  # target weights (a rate is converted later)
    return convert_options(options), physical(weights, "weights"), physical(rates, "rates"), teacher
