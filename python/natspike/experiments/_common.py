"""What the figure experiments share: argument checks, seeds, speed options and provenance attributes.

Checks raise ``TypeError`` for a value of the wrong kind and ``ValueError``
for one out of range, naming the parameter, as :func:`natspike.train` does.
Seeds are accepted exactly as by :func:`natspike.train` (int,
``numpy.random.SeedSequence``, ``numpy.random.Generator`` or None) and are
turned into a root seed before any work starts.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import os
import warnings
from typing import Any, cast

import numpy as np

from .. import _describe
from .._checks import MAX_TRIALS, float_of, integer
from .._seeds import root_seed
from .._store import RunLibrary
from .._typing import Function

#: The most afferents an experiment takes (its arrays are trials × samples × n or n × n).
MAX_AFFERENTS = 10**6

#: The most weight samples per rate (Figs 10 and 11).
MAX_WEIGHT_SAMPLES = 2**20

#: Upper bounds of the counts every experiment names alike.
COUNT_LIMITS = {"n_trials": MAX_TRIALS, "n": MAX_AFFERENTS}


def counted(number, noun: str) -> str:
    """``number`` and ``noun`` for a title or a claim line: "1 replicate", "16 trials" (an unknown count, e.g. "?",
    takes the plural)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def count(value, name, minimum=1, maximum=None) -> int:
    """``value`` as an int in [``minimum``, ``maximum``] (default: :data:`COUNT_LIMITS` for ``name``; n_trials at
    most as many as run_trials takes), by natspike's one integer check: the same error, worded the same, as the
    API's for the same mistake."""
    return cast(int, integer(value, name, lo=minimum, hi=COUNT_LIMITS.get(name) if maximum is None else maximum))


def positive(value, name) -> float:
    """``value`` as a finite float > 0; TypeError for non-real values, ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float_of(value, name)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value}")
    return v


def positive_values(values, name) -> np.ndarray:
    """A non-empty 1-D float array of finite values > 0."""
    try:
        a = np.asarray(values, float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, got {values!r}") from None
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a) & (a > 0)):
        raise ValueError(f"{name} must be a non-empty 1-D sequence of positive numbers, got {values!r}")
    return a


def bins(seconds, name, dt, zero=False) -> int:
    """A duration in seconds as a whole number of bins of ``dt`` (>= 1, or >= 0 with ``zero``)."""
    if isinstance(seconds, bool) or not isinstance(seconds, numbers.Real):
        raise TypeError(f"{name} must be a real number of seconds, got {type(seconds).__name__}")
    s = float_of(seconds, name)
    n = int(round(s / dt)) if np.isfinite(s) else -1
    if n < (0 if zero else 1):
        raise ValueError(f"{name} must be {'>= 0' if zero else f'>= dt = {dt}'} s, got {seconds}")
    return n


def flag(value, name) -> bool:
    """``value`` as a bool; TypeError for anything else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def run_store(store: str | os.PathLike[str] | RunLibrary | None) -> RunLibrary | None:
    """An experiment's ``store`` as its runs use it: None, or a folder of results stores, one per run, named by
    the digest of everything that determines the run's numbers (``natspike._store.RunLibrary``)."""
    return store if store is None or isinstance(store, RunLibrary) else RunLibrary(store)


def root(seed) -> int:
    """The 64-bit root seed of ``seed``, exactly as :func:`natspike.train` derives it."""
    return root_seed(seed)


def stream(root_value, *key) -> np.random.Generator:
    """A NumPy generator that depends only on the root seed and ``key`` (a spawn key)."""
    return np.random.default_rng(np.random.SeedSequence(root_value, spawn_key=tuple(int(k) for k in key)))


def seed_attr(root_value):
    """The root seed as a netCDF3-safe attribute: an int if it fits in 32 bits, else its decimal string."""
    return int(root_value) if 0 <= root_value < 2**31 else str(root_value)


def neuron_attrs(neuron) -> dict:
    """The neuron's parameters as ``neuron_<name>`` attributes."""
    return {f"neuron_{k}": v for k, v in neuron.to_dict().items()}


def provenance(figure, root_value, version=None) -> dict:
    """The attributes every figure Dataset carries: figure, root seed, natspike version and the numbers version of
    the engine that computed it (``natspike._native.numbers_version()``; its runs, stored ones too, are of it)."""
    from .. import _native

    if version is None:
        from .. import __version__ as version
    numbers = _native.numbers_version()
    return {"figure": figure, "seed": seed_attr(root_value), "version": version, "numbers_version": numbers}


def fast_tolerance(fast):
    """The coefficient_tolerance of ``fast`` (train's default, ``natspike._describe``); None: ``exact=True``."""
    return _describe.default_coefficient_tolerance() if flag(fast, "fast") else None


def train_options(fast, input_pool):
    """Keyword arguments of run_trials for ``fast`` and ``input_pool``: ``fast`` spells out train's default
    evaluation (event-driven where it applies, the pool is not; the coefficient cache), else ``exact=True``."""
    tolerance = fast_tolerance(fast)
    options = {"coefficient_tolerance": tolerance} if tolerance else {"exact": True}
    if input_pool is None:
        return {**options, "event_driven": True} if tolerance else options
    return {**options, "input_pool_size": integer(input_pool, "input_pool_size", 1, 10**6, nullable=True)}


#: The one unit of time in figure datasets, and how every long_name says it.
TIME_UNITS = {"s": "seconds"}


def figure_dataset(fn):
    """Decorator of the figure functions: every variable of the returned Dataset in seconds (``units`` "s";
    figure datasets use no other unit of time) also says it at the end of its ``long_name``, in the same words
    in every figure."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ds = fn(*args, **kwargs)
        if ds is None:  # plan_only: nothing ran
            return None
        for name, v in ds.variables.items():
            unit = v.attrs.get("units")
            if unit in TIME_UNITS:
                base = str(v.attrs.get("long_name", name)).removesuffix(f" ({TIME_UNITS[unit]})")
                v.attrs["long_name"] = f"{base} ({TIME_UNITS[unit]})"
        return ds

    return wrapper


#: Argument names before natspike used the API's own names in the experiments: old -> new.
RENAMED = {"trials": "n_trials", "minutes": "duration_minutes", "input_pool": "input_pool_size"}


def renamed(fn: Function) -> Function:
    """Accept the old names of ``fn``'s arguments (:data:`RENAMED`) with a DeprecationWarning."""
    accepted = inspect.signature(fn).parameters
    old_names = {old: new for old, new in RENAMED.items() if new in accepted}

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for old in old_names.keys() & kwargs.keys():
            new = old_names[old]
            if new in kwargs:
                raise TypeError(f"{fn.__name__}() got both {old}= (the deprecated name) and {new}=")
            warnings.warn(
                f"{fn.__name__}({old}=...) is deprecated; use {new}=... (same meaning and unit)",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs[new] = kwargs.pop(old)
        return fn(*args, **kwargs)

    return cast("Function", wrapper)  # fn's signature (and hints), which wraps gives it
