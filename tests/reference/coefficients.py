"""Analytic Fisher-matrix machinery (paper Eqns 68-109; spec §4, §7.2).

Under the Gaussian approximation V ~ N(μ_V, σ_V²) the Fisher information of the neuron is
determined by three generalised voltage moments of f := φ'²/φ (Eqns 77-79).  This module
computes them by adaptive quadrature (``scipy.integrate.quad``, the reference method) or by
composite Gauss-Legendre quadrature (fast, validated against ``quad`` in the tests), and derives
c1..c3 (Eqn 82), γ_s (Eqn 107), g1..g4 (Eqns 88, 91, 102-105), γ_u, γ_w (Eqns 108-109) and the
approximate Fisher matrix and its inverse (Eqns 81, 101).

Integration strategy
--------------------
The integrand g(u) = f(u) N(u; μ, σ²) is log-concave (log σ and log(1 − σ) are concave), hence
unimodal.  We locate its mode u* (root of β(1 − 3σ(u)) = (u − μ)/σ²) and the interval
[a, b] on which log g ≥ log g(u*) − 70; by concavity the mass outside is < e⁻⁷⁰ of the total.
[a, b] is split at u*, u* ± {1, 2, 4, 8, 16}·s (s = curvature width at the mode), at θ and at
the sign changes of the moment weights (0, μ, μ ± σ), so that every piece has a single-signed,
smooth integrand and the relative tolerance of ``quad`` (epsabs = 0, epsrel = 1e-12) is
meaningful even when the integral as a whole is close to zero.
"""

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
from scipy.integrate import IntegrationWarning, quad
from scipy.optimize import brentq
from scipy.special import expit, log_expit

__all__ = [
    "voltage_moments",
    "total_rate",
    "integration_breakpoints",
    "centred_integrals",
    "voltage_integrals",
    "fisher_coefficients",
    "inverse_fisher_coefficients_paper",
    "inverse_fisher_coefficients_code",
    "inverse_fisher_coefficients_closed",
    "Coefficients",
    "coefficients",
    "gamma_u",
    "gamma_w",
    "fisher_matrix",
    "inverse_fisher_matrix",
]

_LOG_DROP = 70.0  # window where log g ≥ max − 70
_QUAD_EPSREL = 1e-12
_QUAD_LIMIT = 200


# ----------------------------------------------------------------------------------------------
# Moments of V and the total-rate constant
# ----------------------------------------------------------------------------------------------
def voltage_moments(ws, rates, *, c_eps, eps0=1.0):
    """Mean and variance of V under Poisson inputs (text after Eqn 79).

    μ_V = ε0 Σ_i w^s_i r_i,   σ_V² = c_ε⁻¹ Σ_i (w^s_i)² r_i.

    Parameters
    ----------
    ws : array_like, shape (n,)
        Somatic weights.
    rates : array_like, shape (n,)
        Input rates (Hz), already with silent rates replaced if needed.
    c_eps : float
        Kernel constant (s), :func:`reference.kernel.c_eps`.
    eps0 : float, optional
        Kernel prefactor.

    Returns
    -------
    mu, var : float
        μ_V (mV) and σ_V² (mV²).
    """
    ws = np.asarray(ws, dtype=float)
    r = np.asarray(rates, dtype=float)
    return float(eps0 * np.dot(ws, r)), float(np.dot(ws * ws, r) / c_eps)


def total_rate(rates, *, c_eps, eps0=1.0):
    """Total-rate constant q = c_ε ε0² Σ_i r_i (Eqn 36)."""
    return float(c_eps * eps0**2 * np.sum(np.asarray(rates, dtype=float)))


# ----------------------------------------------------------------------------------------------
# Integrand helpers (scalar, via the math module, because quad calls them one point at a time)
# ----------------------------------------------------------------------------------------------
def _log_expit_scalar(x):
    if x >= 0:
        return -math.log1p(math.exp(-x))
    return x - math.log1p(math.exp(x))


def _make_log_density(mu, var, phi_max, beta, theta):
    """Return u ↦ log[f(u) N(u; μ, σ²)] as a scalar function."""
    c0 = math.log(phi_max * beta * beta) - 0.5 * math.log(2.0 * math.pi * var)

    def log_g(u):
        x = beta * (u - theta)
        return c0 + _log_expit_scalar(x) + 2.0 * _log_expit_scalar(-x) - (u - mu) ** 2 / (2.0 * var)

    return log_g


def _log_density_vec(u, mu, var, phi_max, beta, theta):
    x = beta * (u - theta)
    return (
        math.log(phi_max * beta * beta)
        - 0.5 * math.log(2.0 * math.pi * var)
        + log_expit(x)
        + 2.0 * log_expit(-x)
        - (u - mu) ** 2 / (2.0 * var)
    )


def _check_inputs(var, phi_max, beta):
    if not (var > 0 and np.isfinite(var)):
        raise ValueError(f"var must be positive and finite, got {var!r}")
    if not (phi_max > 0 and beta > 0):
        raise ValueError("phi_max and beta must be positive")


def integration_breakpoints(mu, var, *, phi_max, beta, theta):
    """Integration window and break points for the voltage integrals.

    Parameters
    ----------
    mu, var : float
        Mean (mV) and variance (mV²) of V.
    phi_max, beta, theta : float
        Transfer-function parameters (Eqn 24).

    Returns
    -------
    ndarray
        Sorted points p_0 = a < p_1 < … < p_m = b.  The integrand f·N is negligible
        (< e⁻⁷⁰ of its maximum, tail mass likewise) outside [a, b].
    """
    _check_inputs(var, phi_max, beta)
    sd = math.sqrt(var)

    # Mode of the log-concave integrand: d/du log g = β(1 − 3σ(u)) − (u − μ)/σ² = 0.
    def dlog(u):
        return beta * (1.0 - 3.0 * float(expit(beta * (u - theta)))) - (u - mu) / var

    lo, hi = mu - 2.0 * beta * var, mu + beta * var
    if dlog(lo) <= 0.0:
        u_star = lo
    elif dlog(hi) >= 0.0:
        u_star = hi
    else:
        u_star = brentq(dlog, lo, hi, xtol=1e-12 * (1.0 + abs(mu)), maxiter=200)
    s_mode = float(expit(beta * (u_star - theta)))
    width = 1.0 / math.sqrt(3.0 * beta**2 * s_mode * (1.0 - s_mode) + 1.0 / var)

    log_g = _make_log_density(mu, var, phi_max, beta, theta)
    level = log_g(u_star) - _LOG_DROP

    def edge(direction):
        step = width
        while log_g(u_star + direction * step) > level:
            step *= 2.0
        return brentq(lambda t: log_g(u_star + direction * t) - level, 0.0, step, xtol=1e-10 * step)

    a, b = u_star - edge(-1.0), u_star + edge(+1.0)
    cand = [u_star, mu, mu - sd, mu + sd, theta, 0.0]
    cand += [u_star + sgn * m * width for m in (1, 2, 4, 8, 16) for sgn in (-1, 1)]
    tol = 1e-9 * (b - a)
    inner = sorted(p for p in cand if a + tol < p < b - tol)
    pts = [a]
    for p in inner:
        if p - pts[-1] > tol:
            pts.append(p)
    if b - pts[-1] <= tol:
        pts.pop()
    pts.append(b)
    return np.array(pts)


def _quad_pieces(func, pts):
    total = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", IntegrationWarning)
        for lo, hi in zip(pts[:-1], pts[1:]):
            val, _ = quad(func, lo, hi, epsabs=0.0, epsrel=_QUAD_EPSREL, limit=_QUAD_LIMIT)
            total += val
    return total


_GL_CACHE = {}


def _gauss_legendre(n):
    if n not in _GL_CACHE:
        _GL_CACHE[n] = np.polynomial.legendre.leggauss(n)
    return _GL_CACHE[n]


def _gauss_nodes(pts, nodes_per_panel):
    x, wgt = _gauss_legendre(nodes_per_panel)
    lo, hi = pts[:-1, None], pts[1:, None]
    half = 0.5 * (hi - lo)
    u = (0.5 * (hi + lo) + half * x[None, :]).ravel()
    w = (half * wgt[None, :]).ravel()
    return u, w


# ----------------------------------------------------------------------------------------------
# The generalised voltage moments
# ----------------------------------------------------------------------------------------------
def centred_integrals(mu, var, *, phi_max, beta, theta, method="quad", nodes_per_panel=64):
    """Centred expectations of f = φ'²/φ under V ~ N(μ, σ²).

    Parameters
    ----------
    mu, var : float
        Mean (mV) and variance (mV²) of V.
    phi_max, beta, theta : float
        Transfer-function parameters (Eqn 24).
    method : {"quad", "gauss"}
        Adaptive ``scipy.integrate.quad`` (reference) or composite Gauss-Legendre.
    nodes_per_panel : int
        Gauss-Legendre nodes per panel (``method="gauss"`` only).

    Returns
    -------
    m0, m1, m2 : float
        E[f(V)], E[f(V)(V − μ)], E[f(V)((V − μ)² − σ²)].
        Then c1 = m0, c2 = m1/σ², c3 = m2/σ⁴ (Eqn 82, centred form).
    """
    pts = integration_breakpoints(mu, var, phi_max=phi_max, beta=beta, theta=theta)
    if method == "gauss":
        u, w = _gauss_nodes(pts, nodes_per_panel)
        g = w * np.exp(_log_density_vec(u, mu, var, phi_max, beta, theta))
        d = u - mu
        return float(np.sum(g)), float(np.sum(g * d)), float(np.sum(g * (d * d - var)))
    if method != "quad":
        raise ValueError(f"method must be 'quad' or 'gauss', got {method!r}")
    log_g = _make_log_density(mu, var, phi_max, beta, theta)
    m0 = _quad_pieces(lambda u: math.exp(log_g(u)), pts)
    m1 = _quad_pieces(lambda u: math.exp(log_g(u)) * (u - mu), pts)
    m2 = _quad_pieces(lambda u: math.exp(log_g(u)) * ((u - mu) ** 2 - var), pts)
    return m0, m1, m2


def voltage_integrals(mu, var, *, phi_max, beta, theta, method="quad", nodes_per_panel=64):
    """Generalised voltage moments I1, I2, I3 (Eqns 77-79), integrated directly.

    I_k = E[φ'(V)²/φ(V) · V^(k−1)], V ~ N(μ_V, σ_V²), k = 1, 2, 3 (paper numbering).

    Parameters
    ----------
    mu, var : float
        μ_V (mV), σ_V² (mV²).
    phi_max, beta, theta : float
        Transfer-function parameters.
    method : {"quad", "gauss"}
    nodes_per_panel : int

    Returns
    -------
    I1, I2, I3 : float
    """
    pts = integration_breakpoints(mu, var, phi_max=phi_max, beta=beta, theta=theta)
    if method == "gauss":
        u, w = _gauss_nodes(pts, nodes_per_panel)
        g = w * np.exp(_log_density_vec(u, mu, var, phi_max, beta, theta))
        return float(np.sum(g)), float(np.sum(g * u)), float(np.sum(g * u * u))
    if method != "quad":
        raise ValueError(f"method must be 'quad' or 'gauss', got {method!r}")
    log_g = _make_log_density(mu, var, phi_max, beta, theta)
    i1 = _quad_pieces(lambda u: math.exp(log_g(u)), pts)
    i2 = _quad_pieces(lambda u: math.exp(log_g(u)) * u, pts)
    i3 = _quad_pieces(lambda u: math.exp(log_g(u)) * u * u, pts)
    return i1, i2, i3


def fisher_coefficients(mu, var, *, phi_max, beta, theta, method="quad", nodes_per_panel=64):
    """Fisher coefficients c1, c2, c3 (Eqn 82, centred forms).

    c1 = I1,  c2 = E[f (V − μ)]/σ²,  c3 = (E[f (V − μ)²] − I1 σ²)/σ⁴.

    Parameters
    ----------
    mu, var, phi_max, beta, theta, method, nodes_per_panel
        See :func:`centred_integrals`.

    Returns
    -------
    c1, c2, c3 : float
    """
    m0, m1, m2 = centred_integrals(
        mu, var, phi_max=phi_max, beta=beta, theta=theta, method=method, nodes_per_panel=nodes_per_panel
    )
    return m0, m1 / var, m2 / var**2


# ----------------------------------------------------------------------------------------------
# Inverse-Fisher coefficients g1..g4
# ----------------------------------------------------------------------------------------------
def inverse_fisher_coefficients_paper(c1, c2, c3, mu, var, q):
    """g1..g4 by the paper's two Sherman-Morrison steps (Eqns 88, 91, 102-105).

    Parameters
    ----------
    c1, c2, c3 : float
        Fisher coefficients (Eqn 82).
    mu, var : float
        μ_V, σ_V².
    q : float
        Total-rate constant (Eqn 36).

    Returns
    -------
    g1, g2, g3, g4 : float
    """
    A = c1 * mu + c2 * var  # recurring factor (c1 μ + c2 σ²)
    B = c2 * q + c3 * mu  # recurring factor (c2 q + c3 μ)
    k1 = 1.0 / (c1 * (c1 * (q + 1.0) + c2 * mu))  # Eqn 88
    k2 = 1.0 / (1.0 + (c2 * mu + c3 * var) / c1 - k1 * A * B)  # Eqn 91
    g1 = c1 * (-k1 * c1 + k1 * k2 * c2 * A / c1 - k1**2 * k2 * c1 * A * B)  # Eqn 102
    g2 = c1 * (-k1 * c2 + k1 * k2 * c3 * A / c1 - k1**2 * k2 * c2 * A * B)  # Eqn 103
    g3 = c1 * (k1 * k2 * B - k2 * c2 / c1**2)  # Eqn 104
    g4 = c1 * (k1 * k2 * c2 * B / c1 - k2 * c3 / c1**2)  # Eqn 105
    return g1, g2, g3, g4


def inverse_fisher_coefficients_code(c1, c2, c3, mu, var, q):
    """g1..g4 in the "code form" of spec §4.3 (K1 = c1 k1, K2 = k2/c1).

    Algebraically identical to :func:`inverse_fisher_coefficients_paper`.

    Returns
    -------
    g1, g2, g3, g4 : float
    """
    K1 = 1.0 / (c1 * (q + 1.0) + c2 * mu)
    K2 = 1.0 / (c1 + c2 * mu + c3 * var - K1 * (c1 * mu + c2 * var) * (c2 * q + c3 * mu))
    g1 = (
        K1
        * K2
        * (
            -c1 / K2
            + c1 * c2 * mu
            + c2**2 * var
            - K1 * c1 * ((c1 * c2 * mu + c2**2 * var) * q + (c1 * c3 * mu + c2 * c3 * var) * mu)
        )
    )
    g2 = (
        K1
        * K2
        * (
            -c2 / K2
            + (c1 * c3 * mu + c2 * c3 * var) * (1.0 - K1 * mu * c2)
            - K1 * c2 * (c1 * c2 * mu + c2**2 * var) * q
        )
    )
    g3 = K1 * K2 * (c1 * c2 * q + c1 * c3 * mu - c2 / K1)
    g4 = K1 * K2 * (c2**2 * q + c2 * c3 * mu - c3 / K1)
    return g1, g2, g3, g4


def inverse_fisher_coefficients_closed(c1, c2, c3, mu, var, q):
    """g1..g4 by the closed 2×2 Woodbury form (spec §4.3).

    [[g1, g3], [g2, g4]] = −C (c1 I₂ + M C)⁻¹,  C = [[c1, c2], [c2, c3]],  M = [[q, μ], [μ, σ²]].

    Derivation: G = c1 Σ + U C Uᵀ with U = [ε0 r, Σ w] and UᵀΣ⁻¹U = M; Woodbury gives
    G⁻¹ = c1⁻¹[Σ⁻¹ − Σ⁻¹U · C(c1 I + M C)⁻¹ · UᵀΣ⁻¹].  Valid for any ε0 because only the
    invariants q, μ, σ² enter.  Finite even when C is singular (quadratic φ).

    Returns
    -------
    g1, g2, g3, g4 : float
    """
    C = np.array([[c1, c2], [c2, c3]], dtype=float)
    M = np.array([[q, mu], [mu, var]], dtype=float)
    K = -C @ np.linalg.inv(c1 * np.eye(2) + M @ C)
    return float(K[0, 0]), float(K[1, 0]), float(K[0, 1]), float(K[1, 1])


# ----------------------------------------------------------------------------------------------
# Everything at one (μ, σ², q)
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Coefficients:
    """All coefficients of the natural-gradient rule at one (μ_V, σ_V², q).

    Attributes
    ----------
    mu, var, q : float
        Point of evaluation.
    I1, I2, I3 : float
        Eqns 77-79.
    c1, c2, c3 : float
        Eqn 82.
    gamma_s : float
        1/c1 (Eqn 107).
    g1, g2, g3, g4 : float
        Eqns 102-105.
    """

    mu: float
    var: float
    q: float
    I1: float
    I2: float
    I3: float
    c1: float
    c2: float
    c3: float
    gamma_s: float
    g1: float
    g2: float
    g3: float
    g4: float

    def as_dict(self):
        """Return the fields as a plain dict."""
        return asdict(self)


def coefficients(mu, var, q, *, phi_max, beta, theta, method="quad", raw_moments=True, g_form="paper"):
    """Compute I1..I3, c1..c3, γ_s and g1..g4 at (μ_V, σ_V², q).

    Parameters
    ----------
    mu, var : float
        μ_V (mV), σ_V² (mV², > 0).
    q : float
        Total-rate constant (Eqn 36).
    phi_max, beta, theta : float
        Transfer-function parameters (Eqn 24).
    method : {"quad", "gauss"}
        Quadrature method (see module docstring).
    raw_moments : bool
        If True, I2 and I3 are integrated directly (Eqns 78-79); otherwise they are
        reconstructed from the centred integrals (I2 = μ c1 + σ² c2,
        I3 = (μ² + σ²) c1 + 2 μ σ² c2 + σ⁴ c3), saving two integrals.
    g_form : {"paper", "code", "closed"}
        Which algebraic form of g1..g4 to use (all equal).

    Returns
    -------
    Coefficients
    """
    c1, c2, c3 = fisher_coefficients(mu, var, phi_max=phi_max, beta=beta, theta=theta, method=method)
    if raw_moments:
        I1, I2, I3 = voltage_integrals(mu, var, phi_max=phi_max, beta=beta, theta=theta, method=method)
    else:
        I1 = c1
        I2 = mu * c1 + var * c2
        I3 = (mu * mu + var) * c1 + 2.0 * mu * var * c2 + var * var * c3
    gfun = {
        "paper": inverse_fisher_coefficients_paper,
        "code": inverse_fisher_coefficients_code,
        "closed": inverse_fisher_coefficients_closed,
    }[g_form]
    g1, g2, g3, g4 = gfun(c1, c2, c3, mu, var, q)
    return Coefficients(
        mu=float(mu),
        var=float(var),
        q=float(q),
        I1=I1,
        I2=I2,
        I3=I3,
        c1=c1,
        c2=c2,
        c3=c3,
        gamma_s=1.0 / c1,
        g1=g1,
        g2=g2,
        g3=g3,
        g4=g4,
    )


# ----------------------------------------------------------------------------------------------
# Per-bin scalars and matrices
# ----------------------------------------------------------------------------------------------
def gamma_u(g1, g3, sum_x, V, *, c_eps, eps0=1.0):
    """Uniform heterosynaptic factor γ_u = −c_ε ε0 (c_ε ε0 g1 Σ_i x_i + g3 V) (Eqn 108)."""
    return -c_eps * eps0 * (c_eps * eps0 * g1 * sum_x + g3 * V)


def gamma_w(g2, g4, sum_x, V, *, c_eps, eps0=1.0):
    """Weight-proportional heterosynaptic factor γ_w = c_ε ε0 g2 Σ_i x_i + g4 V (Eqn 109)."""
    return c_eps * eps0 * g2 * sum_x + g4 * V


def fisher_matrix(ws, rates, c1, c2, c3, *, c_eps, eps0=1.0):
    """Approximate (per-unit-time) Fisher matrix of Eqn 81.

    G = c1 (ε0² r rᵀ + Σ) + c2 ε0 [(Σ w) rᵀ + r (Σ w)ᵀ] + c3 (Σ w)(Σ w)ᵀ,  Σ = diag(r/c_ε) (Eqn 68).

    Parameters
    ----------
    ws : array_like, shape (n,)
        Somatic weights.
    rates : array_like, shape (n,)
        Input rates (Hz).
    c1, c2, c3 : float
        Fisher coefficients (Eqn 82).
    c_eps, eps0 : float
        Kernel constants.

    Returns
    -------
    ndarray, shape (n, n)
    """
    ws = np.asarray(ws, dtype=float)
    r = np.asarray(rates, dtype=float)
    sig = r / c_eps
    wt = sig * ws
    return (
        c1 * (eps0**2 * np.outer(r, r) + np.diag(sig))
        + c2 * eps0 * (np.outer(wt, r) + np.outer(r, wt))
        + c3 * np.outer(wt, wt)
    )


def inverse_fisher_matrix(ws, rates, gamma_s, g1, g2, g3, g4, *, c_eps, eps0=1.0):
    """Analytic inverse of the approximate Fisher matrix (Eqns 100-101).

    G⁻¹ = γ_s [Σ⁻¹ + (c_ε ε0 g1 1 + g2 w) c_ε ε0 1ᵀ + (c_ε ε0 g3 1 + g4 w) wᵀ].

    Parameters
    ----------
    ws : array_like, shape (n,)
        Somatic weights.
    rates : array_like, shape (n,)
        Input rates (Hz).
    gamma_s, g1, g2, g3, g4 : float
        Coefficients (Eqns 102-107).
    c_eps, eps0 : float
        Kernel constants.

    Returns
    -------
    ndarray, shape (n, n)
    """
    ws = np.asarray(ws, dtype=float)
    r = np.asarray(rates, dtype=float)
    one = np.ones_like(r)
    b = c_eps * eps0
    return gamma_s * (
        np.diag(c_eps / r) + np.outer(b * g1 * one + g2 * ws, b * one) + np.outer(b * g3 * one + g4 * ws, ws)
    )
