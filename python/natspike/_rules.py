"""The plasticity rules: their names and their update directions, from the Go core's rule table."""

from __future__ import annotations

import json

from . import _native
from ._neuron import Neuron, resolve
from ._typing import ArrayLike, FloatArray
from ._validate import at_least, contiguous, empty, finite, finite_scalar, real_array, vector

#: The rules, in the Go core's order (core/rule's table): Euclidean (Eqn 10), natural (Eqns 13, 38),
#: approximate (Eqn 114).
RULES: tuple[str, ...] = tuple(_native.go.RuleNames().split(","))


def update_direction(
    rule: str,
    weights: ArrayLike,
    usps: ArrayLike,
    rates: ArrayLike,
    *,
    neuron: Neuron | None = None,
    c_u: float = 0.95,
    c_w: float = 0.05,
) -> FloatArray:
    """The direction of a rule's weight update for USP vectors, without the error factor.

    Every rule updates somatic weights w by Δw = η e · d, with the same
    scalar error factor e = (Y − φ(V) dt) φ'(V)/φ(V) (Eqn 10) and a direction
    d that depends on the rule:

    * ``"euclidean"`` (Eqn 10): d = x^ε;
    * ``"natural"`` (Eqn 38): d = γ_s [c_ε x^ε/r − γ_u 1 + γ_w w], with
      γ_u, γ_w of Eqns 108–109 — this is G⁻¹x^ε with G of Eqn 81;
    * ``"approximate"`` (Eqn 114): d = γ_s [c_ε x^ε/r − c_ε c_u 1 + c_w V w].

    The Fisher coefficients (γ_s, g1–g4, Eqns 101–107) are computed once,
    by quadrature, at the voltage statistics that ``weights`` and ``rates``
    induce; V = w · x^ε for each USP vector. The Go core's learning rule
    computes the same directions in :func:`natspike.train`.

    Parameters
    ----------
    rule : {"euclidean", "natural", "approximate"}
        The rule (see ``natspike.RULES``).
    weights : array_like, shape (n,)
        Somatic weights w (finite).
    usps : array_like, shape (..., n)
        USP vectors x^ε (finite), e.g. from :func:`natspike.sample_usps`.
    rates : array_like, shape (n,)
        Input rates in Hz (> 0: the natural rules divide by r).
    neuron : Neuron, optional
        The neuron; the paper's by default.
    c_u, c_w : float
        Constants of the approximate rule (Eqn 114; paper 0.95, 0.05).

    Returns
    -------
    ndarray
        The directions, of the shape of ``usps``.

    Raises
    ------
    TypeError, ValueError
        For invalid inputs; the message names the parameter.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 10, 12, 38, 108–109, 114.

    Examples
    --------
    >>> import numpy as np, natspike
    >>> x = np.array([[1.0, 2.0]])
    >>> natspike.update_direction("euclidean", [0.01, 0.02], x, [10.0, 50.0]).tolist()
    [[1.0, 2.0]]
    >>> d = natspike.update_direction("natural", [0.01, 0.02], x, [10.0, 50.0])
    >>> G = natspike.fisher_matrix([0.01, 0.02], [10.0, 50.0])
    >>> bool(np.allclose(G @ d[0], x[0]))
    True
    """
    return _directions(rule, weights, usps, rates, neuron, c_u, c_w, factors=False)[0]


def rule_factors(
    rule: str,
    weights: ArrayLike,
    usps: ArrayLike,
    rates: ArrayLike,
    *,
    neuron: Neuron | None = None,
    c_u: float = 0.95,
    c_w: float = 0.05,
) -> dict[str, FloatArray]:
    """The scalars of a rule's update for each USP vector: V, Σx, γ_s, γ_u, γ_w.

    The same evaluation as :func:`update_direction` (same parameters), which
    returns the direction these scalars build: V = w · x^ε and Σ_i x_i^ε per
    USP vector, the global factor γ_s = 1/c1 (Eqn 107) and the
    heterosynaptic factors γ_u, γ_w — Eqns 108–109 for ``"natural"``,
    c_ε c_u and c_w V for ``"approximate"`` (Eqn 114), and 0 for
    ``"euclidean"``.

    Returns
    -------
    dict of ndarray
        ``v``, ``sum_x``, ``gamma_s``, ``gamma_u``, ``gamma_w``, each of shape
        ``usps.shape[:-1]``.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 38, 107–109, 114.

    Examples
    --------
    >>> import natspike
    >>> f = natspike.rule_factors("approximate", [0.01, 0.02], [[1.0, 2.0]], [10.0, 50.0])
    >>> round(float(f["gamma_u"][0]), 6), float(f["v"][0])  # c_ε c_u, w · x
    (0.0247, 0.05)
    """
    _, factors, shape = _directions(rule, weights, usps, rates, neuron, c_u, c_w, factors=True)
    assert factors is not None  # asked for with factors=True
    return {name: factors[:, i].reshape(shape) for i, name in enumerate(_FACTORS)}


#: Columns of ns_update_directions' factors output (capi.DirectionFactors).
_FACTORS = ("v", "sum_x", "gamma_s", "gamma_u", "gamma_w")


def _directions(
    rule: str,
    weights: ArrayLike,
    usps: ArrayLike,
    rates: ArrayLike,
    neuron: Neuron | None,
    c_u: float,
    c_w: float,
    *,
    factors: bool,
) -> tuple[FloatArray, FloatArray | None, tuple[int, ...]]:
    """(directions of the shape of usps, factors (samples, 5) or None, usps.shape[:-1])."""
    neuron = resolve(neuron)
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(map(repr, RULES))}, got {rule!r}")
    w = contiguous(finite(vector(weights, "weights"), "weights"))
    r = contiguous(at_least(vector(rates, "rates"), "rates", 0.0, strict=True))
    x = finite(real_array(usps, "usps"), "usps")
    if r.shape != w.shape or x.ndim == 0 or x.shape[-1] != w.size:
        raise ValueError(
            f"weights and rates must have length n and usps shape (..., n), got {w.shape}, {r.shape}, {x.shape}"
        )
    spec = {"rule": rule, "c_u": finite_scalar(c_u, "c_u"), "c_w": finite_scalar(c_w, "c_w")}
    flat = contiguous(x.reshape(-1, w.size))
    out = empty(flat.shape, "usps")
    fac = empty((flat.shape[0], len(_FACTORS)), "usps") if factors else None
    _native.call(
        _native.functions["ns_update_directions"],
        neuron._json,
        json.dumps(spec).encode(),
        w,
        r,
        w.size,
        flat,
        flat.shape[0],
        out,
        fac,
    )
    return out.reshape(x.shape), fac, x.shape[:-1]
