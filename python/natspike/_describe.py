"""The description of a learning run, as Go states it.

Go describes a trial once (``internal/config`` and ``core/learn``): every
parameter with its default, allowed range, unit and meaning, and every
output with its unit, meaning, axes and the teachers for which it exists.
This module reads that description through the gopy extension and offers it
to :func:`natspike.train`, :func:`natspike.run_trials`, :class:`Result`, the
results store and the xarray export, which build their checks, defaults,
fields, arrays and variables from it instead of keeping copies.
Python checks only what JSON cannot carry (types, finiteness, integers
beyond JSON's) and the ranges of integers, read from Go's description;
Go checks every range, naming the parameter, in the same words.
"""

from __future__ import annotations

import json
import math
import numbers
from functools import cache

import numpy as np

from . import _native
from ._checks import integer


@cache
def description() -> dict:
    """The run description served by Go (parameters, outputs, statuses)."""
    d = json.loads(_native.go.Describe())
    if "error" in d:  # pragma: no cover - a Go fault
        raise RuntimeError(d["error"])
    for o in d["outputs"]:
        o["dims"] = o.get("dims") or []
    return d


@cache
def params() -> dict[str, dict]:
    """Every scalar parameter of a trial, by name (see ``internal/config.Params``)."""
    return {p["name"]: p for p in description()["params"]}


@cache
def defaults() -> dict:
    """The default of every optional parameter, in the API's units."""
    return {name: p["default"] for name, p in params().items() if not p["required"]}


@cache
def outputs() -> dict[str, dict]:
    """Every output a run can produce, by name, in Go's order."""
    return {o["name"]: o for o in description()["outputs"]}


def default_coefficient_tolerance() -> float:
    """The coefficient cache's relative error bound in the default (non-exact) evaluation."""
    return description()["default_coefficient_tolerance"]


@cache
def transfers() -> dict[str, dict[str, dict]]:
    """Every transfer-function family registered in Go (``core/neuron``), by
    name: its parameters by name, each with default, range, unit and doc."""
    return {t["name"]: {p["name"]: p for p in t["params"]} for t in description()["transfers"]}


@cache
def kernel() -> dict[str, dict]:
    """The PSP kernel's parameters (Eqn 28) by name, with defaults, ranges and units."""
    return {p["name"]: p for p in description()["kernel"]}


def shared_keys() -> tuple[str, ...]:
    """The parameters in which configurations sharing their trials may differ (Go: ``config.SharedKeys``)."""
    return tuple(description()["shared_keys"])


def statuses() -> dict[str, int]:
    """The C ABI's status codes by name (NS_OK, NS_INVALID, …)."""
    return description()["statuses"]


def register_debug_output() -> None:
    """Test hook: register Go's test-only output ``debug_teacher_spikes``."""
    _registered(_native.go.DebugRegisterOutput())


def register_debug_transfer() -> None:
    """Test hook: register Go's test-only transfer ``debug_softplus`` (parameters ``kappa``, ``theta``)."""
    _registered(_native.go.DebugRegisterTransfer())


def _registered(msg: str) -> None:
    for cached in (description, params, defaults, outputs, transfers, kernel):
        cached.cache_clear()
    if msg:
        raise ValueError(msg)


def check(name: str, value):
    """``value`` of parameter ``name`` as a JSON value, after the type checks
    (TypeError) and finiteness checks (ValueError) that Go cannot make on
    JSON; Go checks the range."""
    p = params()[name]
    if value is None and p["nullable"]:
        return None
    kind = p["type"]
    if kind == "choice":
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string, one of {tuple(p['choices'])}, got {type(value).__name__}")
        return value
    if kind == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
        return bool(value)
    if kind == "bins_or_frozen" and isinstance(value, str):
        return value
    if kind in ("int", "bins_or_frozen"):
        try:
            return integer(value, name, *_int_bounds(p), nullable=p["nullable"], hi_open=p["max_open"])
        except TypeError:
            if kind != "bins_or_frozen":
                raise
            raise TypeError(f'{name} must be an int or "frozen", got {type(value).__name__}') from None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number{_or_none(p)}, got {type(value).__name__}")
    try:
        value = float(value)
    except OverflowError:  # a Python int beyond the float range
        raise ValueError(f"{name} must be finite, got an int of {value.bit_length()} bits, beyond float") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _int_bounds(p) -> tuple[int | None, int | None]:
    """Go's bounds of an integer parameter as Python ints (2**64 arrives as the float nearest to it)."""
    lo, hi = (None if b is None else int(float(b)) for b in (p["min"], p["max"]))
    return lo, hi


def _or_none(p) -> str:
    return " or None" if p["nullable"] else ""


def plan(cfg: dict | str, n: int, trials: int = 0) -> dict:
    """Go's plan of a run: ``bins``, ``records``, ``traces`` and the
    ``outputs`` that exist with their shapes (a leading trial axis when
    ``trials`` > 0). Raises the exception of the C ABI's status for a
    refused configuration (ValueError naming the parameter). ``cfg`` is the
    configuration or its JSON text: a run given the same text (encoded),
    ``n`` and ``trials`` right after reuses Go's parse of it
    (capi/plans.go)."""
    text = cfg if isinstance(cfg, str) else json.dumps(cfg)
    reply = json.loads(_native.go.TrainPlan(text, int(n), int(trials)))
    _native.raise_for_status(reply["status"], reply.get("error", ""))
    p = reply["plan"]
    p["outputs"] = {o["name"]: o for o in p["outputs"]}
    return p


def allocate(plan: dict, lead: tuple[int, ...] = ()) -> dict[str, np.ndarray]:
    """Zeroed arrays for every output of ``plan`` that Go writes, each with the leading axes ``lead`` (one per
    configuration of :func:`natspike.run_configurations`, say) before its own."""
    return {name: np.zeros(lead + tuple(o["shape"])) for name, o in plan["outputs"].items() if o["origin"] != "input"}
