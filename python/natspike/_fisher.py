"""Fisher-information coefficients and matrices (the paper's Methods, Eqns 77–105)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from . import _native
from ._checks import integer
from ._neuron import Neuron, resolve
from ._typing import ArrayLike, FloatArray, Seed
from ._units import converts_units
from ._validate import at_least, check_memory, contiguous, empty, finite, real_array, vector

# Column order of ns_coefficients' output (capi.CoefficientColumns).
_COLUMNS = ("gamma_s", "g1", "g2", "g3", "g4", "c1", "c2", "c3", "I1", "I2", "I3")
# Grids at least this large run in a worker thread so that Ctrl-C stops them.
_CANCELLABLE_FROM = 4096
# Outputs of at least this many bytes (with what Go allocates alongside) are checked against the memory
# available first; reading /proc costs ~1 ms a call, more than most small calls compute.
_CHECK_MEMORY_FROM = 8 * 2**20


@dataclass(frozen=True)
class Coefficients:
    """Coefficients of the Fisher matrix and of its inverse.

    Every attribute is a float64 array with the broadcast shape of the
    inputs of :func:`coefficients` (0-d for scalar inputs).

    Attributes
    ----------
    gamma_s : ndarray
        Global scale γ_s = 1/c1 (Eqn 107).
    g1, g2, g3, g4 : ndarray
        Inverse-Fisher coefficients (Eqns 102–105); g2 = g3.
    c1, c2, c3 : ndarray
        Fisher coefficients (Eqn 82).
    I1, I2, I3 : ndarray
        Generalised voltage moments E[φ'²/φ · V^k], k = 0, 1, 2 (Eqns 77–79).
    """

    gamma_s: FloatArray
    g1: FloatArray
    g2: FloatArray
    g3: FloatArray
    g4: FloatArray
    c1: FloatArray
    c2: FloatArray
    c3: FloatArray
    I1: FloatArray
    I2: FloatArray
    I3: FloatArray

    def to_dict(self) -> dict[str, FloatArray]:
        """The coefficients as a dict of arrays, in attribute order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@converts_units("mean", "var", "q")
def coefficients(
    mean: ArrayLike,
    var: ArrayLike,
    q: ArrayLike,
    *,
    neuron: Neuron | None = None,
    coefficient_tolerance: float | None = None,
) -> Coefficients:
    """Fisher and inverse-Fisher coefficients for a Gaussian membrane potential.

    For V ~ N(mean, var) the generalised moments
    ``I_k = E[φ'(V)²/φ(V) · V^k]`` (Eqns 77–79) are computed by numerical
    quadrature for the neuron's own transfer function (no lookup table),
    then c1–c3 (Eqn 82) and the coefficients γ_s, g1–g4 of the inverse
    Fisher matrix (Eqns 101–105). The inputs broadcast against each
    other; the whole grid is evaluated in one native call on all cores.

    By default, runs of consecutive nearby operating points (in the order
    given, flattened in C order) — a trajectory such as the (μ_V, σ_V²) of a
    learning run, or a fine grid — are interpolated by the verified
    coefficient cache that the learning rules use, at most
    ``coefficient_tolerance`` = 1e-9 from quadrature; scattered points, and
    runs where the cache does not pay for itself, are evaluated by
    quadrature (error ~1e-13). The choice depends on the inputs only, so the
    numbers do not depend on the number of cores.

    Parameters
    ----------
    mean : array_like
        Mean membrane potential μ_V in mV (finite). For n afferents with
        weights w and rates r, μ_V = ε0 Σ w_i r_i.
    var : array_like
        Variance σ_V² in mV² (> 0); σ_V² = Σ w_i² r_i / c_ε.
    q : array_like
        Total-rate constant q = c_ε ε0² Σ r_i (Eqn 36; > 0, dimensionless).
    neuron : Neuron, optional
        The neuron; the paper's by default.
    coefficient_tolerance : float, optional
        Error bound of interpolated points, 0 or in [1e-14, 1); None (the
        default) means :func:`train`'s default coefficient tolerance (1e-9);
        0 evaluates every point by quadrature.
        An interpolated point is within the bound of quadrature in this
        sense: γ_s and c1 = I1 relative to themselves; g1…g4 relative to
        ``|g1| + |g2| σ + |g4| σ²`` (g2 and g3 times σ, g4 times σ²);
        c2 and c3 (hence I2, I3) within ``tol c1 s`` and ``tol c1 s²``,
        ``s = max(|c2|/c1, √(|c3|/c1), 1/σ)`` on the patch (user guide,
        "Computing the coefficients"). Each patch is accepted only after
        its tail coefficients and four quadrature checks meet the bound;
        observed errors along learning trajectories are ~1e-13 at 1e-9.

    Returns
    -------
    Coefficients
        Arrays ``gamma_s, g1, g2, g3, g4, c1, c2, c3, I1, I2, I3`` of the
        broadcast shape (0-d arrays for scalar inputs).

    Raises
    ------
    TypeError
        If an input is not real-valued, or ``neuron`` is not a Neuron.
    ValueError
        If the inputs do not broadcast, or ``mean`` is not finite, ``var``
        not > 0, or ``q`` not > 0, or the approximate Fisher matrix is not
        positive definite at the operating point (its determinant Δ of
        Eqns 100–105 is ≤ 0, which needs μ² > q σ²: weights give
        μ² ≤ q σ² by Cauchy–Schwarz, so such points are inconsistent; not
        every one with μ² > q σ² is refused), or
        ``coefficient_tolerance`` is not 0 or in [1e-14, 1); the message
        names the parameter.
    KeyboardInterrupt
        If interrupted; large grids stop within a few milliseconds.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 77–82, 101–107.

    Examples
    --------
    >>> import natspike
    >>> c = natspike.coefficients(0.0, 3.85, 78.0)
    >>> float(c.c1) > 0, c.g1.shape
    (True, ())
    >>> natspike.coefficients([0.0, 5.0], [[10.0], [30.0]], 78.0).gamma_s.shape
    (2, 2)
    """
    neuron = resolve(neuron)
    tol = _tolerance(coefficient_tolerance)
    m, v, qq = _operating_points(mean, var, q)
    n = m.size
    out = _empty((n, len(_COLUMNS)), "mean, var and q")
    call = _native.call_cancellable if n >= _CANCELLABLE_FROM else _call_uncancellable
    call(_native.functions["ns_coefficients"], neuron._json, *(contiguous(a.ravel()) for a in (m, v, qq)), n, tol, out)
    return Coefficients(*(out[:, i].reshape(m.shape) for i in range(len(_COLUMNS))))


def _tolerance(tol: float | None) -> float:
    """None: Go's default bound; the type and finiteness checks are train's, the range is Go's."""
    from ._describe import check, default_coefficient_tolerance

    return default_coefficient_tolerance() if tol is None else check("coefficient_tolerance", tol)


def _operating_points(mean: ArrayLike, var: ArrayLike, q: ArrayLike) -> list[FloatArray]:
    """mean, var and q broadcast to one shape, checked (vectorized) and small enough to evaluate."""
    arrays = {name: real_array(x, name) for name, x in (("mean", mean), ("var", var), ("q", q))}
    try:
        m, v, qq = np.broadcast_arrays(*arrays.values())
    except ValueError:
        shapes = ", ".join(f"{k} {a.shape}" for k, a in arrays.items())
        raise ValueError(f"mean, var and q must broadcast to one shape, got {shapes}") from None
    if 16 * 8 * m.size >= _CHECK_MEMORY_FROM:
        check_memory(16 * 8 * m.size, "mean, var and q", f"a grid of {m.size} points")
    finite(m, "mean")
    at_least(v, "var", 0.0, strict=True)
    at_least(qq, "q", 0.0, strict=True)
    return [m, v, qq]


def _empty(shape: tuple[int, ...], name: str, *, copies: int = 1) -> FloatArray:
    """An output array, checked against the memory available (``empty``) only if it is large."""
    small = 8 * copies * math.prod(shape) < _CHECK_MEMORY_FROM
    return np.empty(shape) if small else empty(shape, name, copies=copies)


def _call_uncancellable(fn: Any, *args: Any) -> None:
    _native.call(fn, *args, None, None)


def _weights_and_rates(
    weights: ArrayLike, rates: ArrayLike, *, positive_rates: bool = False
) -> tuple[FloatArray, FloatArray]:
    w = finite(vector(weights, "weights"), "weights")
    r = real_array(rates, "rates")
    if r.ndim == 0:
        r = np.full(w.shape, float(r))
    elif r.ndim != 1:
        raise ValueError(f"rates must be a scalar or one-dimensional, got shape {r.shape}")
    if r.shape != w.shape:
        raise ValueError(f"weights and rates must have the same length, got {w.size} and {r.size}")
    at_least(r, "rates", 0.0, strict=positive_rates)
    return contiguous(w), contiguous(r)


@converts_units("weights", "rates")
def fisher_matrix(
    weights: ArrayLike,
    rates: ArrayLike,
    *,
    neuron: Neuron | None = None,
    method: str = "analytic",
    samples: int | None = None,
    seed: Seed = None,
) -> FloatArray:
    """Fisher information matrix G(w) of the neuron's output spike train.

    With ``method="analytic"`` this is the approximation of Eqn 81 for
    independent Poisson inputs and a Gaussian membrane potential,

        G = c1 (ε0² r rᵀ + Σ) + c2 ε0 [(Σw) rᵀ + r (Σw)ᵀ] + c3 (Σw)(Σw)ᵀ,

    with Σ = diag(r)/c_ε the USP covariance (Eqn 68) and c1–c3 from
    :func:`coefficients` at the voltage statistics the inputs induce. G is
    per unit time (Eqns 67, 130).

    Parameters
    ----------
    weights : array_like, shape (n,)
        Synaptic weights w (finite).
    rates : float or array_like, shape (n,)
        Input rates r in Hz (≥ 0); a scalar applies to every afferent.
    neuron : Neuron, optional
        The neuron; the paper's by default.
    method : {"analytic", "monte_carlo"}
        "analytic": Eqn 81. "monte_carlo": the sample mean of
        φ'(V)²/φ(V) x xᵀ (Eqn 67) over stationary USP vectors x simulated
        with Bernoulli-per-bin Poisson inputs (8 independent chains, one
        sample every 100 bins after 1000 bins of burn-in); no Gaussian
        assumption (claim C3, user guide, "Claims checked": within ~3 % of Eqn 81 at n = 100).
    samples : int, optional
        Number of USP samples for "monte_carlo" (default 50 000).
    seed : int, SeedSequence, Generator or None
        Root seed of the sampling chains for "monte_carlo".

    Returns
    -------
    ndarray, shape (n, n)
        The symmetric matrix G.

    Raises
    ------
    TypeError, ValueError
        For invalid inputs (the message names the parameter), including
        weights and rates that give zero membrane-potential variance.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 67, 68, 81–82.

    Examples
    --------
    >>> import natspike
    >>> G = natspike.fisher_matrix([0.01, 0.02], [10.0, 50.0])
    >>> G.shape, bool((G == G.T).all())
    ((2, 2), True)
    """
    neuron = resolve(neuron)
    if method == "monte_carlo":
        return _monte_carlo_fisher(weights, rates, neuron, samples, seed)
    if method != "analytic":
        raise ValueError(f"method must be 'analytic' or 'monte_carlo', got {method!r}")
    if samples is not None or seed is not None:
        raise ValueError("samples and seed apply only to method='monte_carlo'")
    w, r = _weights_and_rates(weights, rates)
    out = _empty((w.size, w.size), "weights", copies=2)
    _native.call(_native.functions["ns_fisher_matrix"], neuron._json, w, r, w.size, out)
    return out


@converts_units("weights", "rates")
def inverse_fisher_matrix(weights: ArrayLike, rates: ArrayLike, *, neuron: Neuron | None = None) -> FloatArray:
    """Closed-form inverse of the analytic Fisher matrix.

    Two Sherman–Morrison steps invert Eqn 81 (Eqns 83–106):

        G⁻¹ = γ_s [Σ⁻¹ + (c_ε ε0 g1 1 + g2 w) c_ε ε0 1ᵀ + (c_ε ε0 g3 1 + g4 w) wᵀ],

    with γ_s and g1–g4 from :func:`coefficients` (Eqns 101–105). This is the
    matrix that turns the Euclidean gradient into the natural one (Eqn 12).

    Parameters
    ----------
    weights : array_like, shape (n,)
        Synaptic weights w (finite).
    rates : float or array_like, shape (n,)
        Input rates r in Hz (> 0, since Σ⁻¹ = c_ε diag(1/r)).
    neuron : Neuron, optional
        The neuron; the paper's by default.

    Returns
    -------
    ndarray, shape (n, n)
        G⁻¹; ``inverse_fisher_matrix(w, r) @ fisher_matrix(w, r)`` is the
        identity to rounding.

    Raises
    ------
    TypeError, ValueError
        For invalid inputs; the message names the parameter.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 100–105, 107.
    """
    neuron = resolve(neuron)
    w, r = _weights_and_rates(weights, rates, positive_rates=True)
    out = _empty((w.size, w.size), "weights", copies=2)
    _native.call(_native.functions["ns_inverse_fisher_matrix"], neuron._json, w, r, w.size, out)
    return out


def _monte_carlo_fisher(
    weights: ArrayLike, rates: ArrayLike, neuron: Neuron, samples: int | None, seed: Seed
) -> FloatArray:
    from ._seeds import root_seed

    if samples is None:
        samples = 50_000
    integer(samples, "samples", 1, 2**34)
    w, r = _weights_and_rates(weights, rates)
    root = root_seed(seed)
    out = _empty((w.size, w.size), "weights", copies=18)  # Go: a sum and a block matrix per chain
    _native.call_cancellable(
        _native.functions["ns_monte_carlo_fisher"],
        neuron._json,
        w,
        r,
        w.size,
        int(samples),
        root - 2**64 if root >= 2**63 else root,
        out,
    )
    return out


@converts_units("rates")
def sample_usps(
    rates: ArrayLike, samples: int, *, bins: int = 500, neuron: Neuron | None = None, seed: Seed = None
) -> FloatArray:
    """Independent USP vectors x^ε of Poisson inputs (Eqns 26–28).

    Sample s is the value, at the last of ``bins`` bins, of the USPs of an
    independent Bernoulli-per-bin Poisson train (Eqn 27; user guide, "Inputs") that starts from
    zero traces: the paper's test-set protocol (user guide, "Objective and test set": 50 samples of 500
    bins) and the "USP at the end of a 1-s train" of Figs 3D–E, 11J and 12A–B
    (``bins=2000``).

    Parameters
    ----------
    rates : array_like, shape (n,)
        Afferent rates in Hz (≥ 0, rates·dt < 1).
    samples : int
        Number of USP vectors (≥ 0).
    bins : int
        Length of each train in bins of ``neuron.dt``.
    neuron : Neuron, optional
        Supplies the kernel (τ_m, τ_s, ε0) and dt.
    seed : int, SeedSequence, Generator or None
        Root seed; samples 256·b … 256·b+255 come from Go stream (seed, b).

    Returns
    -------
    ndarray, shape (samples, n)
    """
    from ._seeds import root_seed

    neuron = resolve(neuron)
    r = contiguous(finite(vector(rates, "rates"), "rates"))
    integer(samples, "samples", 0, 2**34), integer(bins, "bins", 1, 2**32)
    root = root_seed(seed)
    out = _empty((int(samples), r.size), "samples")
    _native.call_cancellable(
        _native.functions["ns_sample_usps"],
        neuron._json,
        r,
        r.size,
        int(samples),
        int(bins),
        root - 2**64 if root >= 2**63 else root,
        out,
    )
    return out


def usp_traces(spikes: ArrayLike, *, neuron: Neuron | None = None) -> FloatArray:
    """Unweighted synaptic potentials x^ε of given spike trains, bin by bin (Eqns 26–28).

    Each spike of afferent i at bin j adds the kernel ε((b − j) dt) of
    Eqn 28 to x_i^ε at every later bin b (ε0 (e^{−t/τ_m} − e^{−t/τ_s}) /
    (τ_m − τ_s), or the alpha kernel ε0 t/τ² e^{−t/τ} when τ_m = τ_s). The
    Go core evaluates this with the exact two-trace recursion that
    :func:`natspike.train` uses, from zero traces; a spike does not change
    x^ε in its own bin.

    Parameters
    ----------
    spikes : array_like, shape (bins, n)
        0/1 (or boolean) spike indicators per bin and afferent.
    neuron : Neuron, optional
        Supplies the kernel (τ_m, τ_s, ε0) and dt; the paper's by default.

    Returns
    -------
    ndarray, shape (bins, n)
        x^ε in each bin (≙ mV·s⁻¹·s with ε0 = 1: a PSP of unit area).

    Raises
    ------
    TypeError, ValueError
        If ``spikes`` is not a 2-D array of zeros and ones.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 26–28.

    Examples
    --------
    >>> import numpy as np, natspike
    >>> s = np.zeros((3, 1), dtype=bool); s[0, 0] = True
    >>> natspike.usp_traces(s)[:, 0].round(4).tolist()  # 0, then ε(dt), ε(2 dt) of Eqn 28
    [0.0, 14.964, 26.9009]
    """
    neuron = resolve(neuron)
    if isinstance(spikes, np.ndarray) and spikes.dtype == bool:
        spikes = spikes.astype(np.float64)
    s = real_array(spikes, "spikes")
    if s.ndim != 2:
        raise ValueError(f"spikes must be two-dimensional (bins, n), got shape {s.shape}")
    flat = contiguous(s)
    out = _empty(s.shape, "spikes")
    if s.size:
        _native.call(_native.functions["ns_usp_traces"], neuron._json, flat, s.shape[0], s.shape[1], out)
    return out


@converts_units("weights", "rates")
def voltage_statistics(
    weights: ArrayLike, rates: ArrayLike, *, neuron: Neuron | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean and variance of the membrane potential, and q, in the Gaussian approximation.

    For somatic weights w and Poisson rates r of n afferents,
    μ_V = ε0 Σ w_i r_i (mV), σ_V² = Σ w_i² r_i / c_ε (mV²) (text after
    Eqn 79; Eqns 29–31) and the total-rate constant q = c_ε ε0² Σ r_i
    (Eqn 36): the operating point at which :func:`coefficients` and the
    rules evaluate the Fisher coefficients.

    Parameters
    ----------
    weights : array_like, shape (..., n)
        Somatic weights (finite).
    rates : array_like, shape (..., n)
        Rates in Hz (≥ 0); broadcast against ``weights``.
    neuron : Neuron, optional
        Supplies c_ε and ε0; the paper's by default.

    Returns
    -------
    mean, var, q : ndarray
        Each of the broadcast shape without the last axis.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), eLife 11:e66526, Eqns 29–31, 36, 79.

    Examples
    --------
    >>> import natspike
    >>> [round(float(a), 6) for a in natspike.voltage_statistics([0.1, -0.2], [10.0, 50.0])]
    [-9.0, 80.769231, 1.56]
    """
    neuron = resolve(neuron)
    w, r = real_array(weights, "weights"), real_array(rates, "rates")
    try:
        w, r = np.broadcast_arrays(w, r)
    except ValueError:
        raise ValueError(f"weights and rates must broadcast, got shapes {w.shape} and {r.shape}") from None
    if w.ndim == 0 or w.shape[-1] == 0:
        raise ValueError(f"weights must have a last axis of n >= 1 afferents, got shape {w.shape}")
    finite(w, "weights")
    at_least(r, "rates", 0.0)
    n = w.shape[-1]
    flat_w, flat_r = contiguous(w.reshape(-1, n)), contiguous(r.reshape(-1, n))
    out = _empty((flat_w.shape[0], 3), "weights")
    _native.call(_native.functions["ns_voltage_statistics"], neuron._json, flat_w, flat_r, flat_w.shape[0], n, out)
    mean, var, q = (out[:, i].reshape(w.shape[:-1]) for i in range(3))
    return mean, var, q
