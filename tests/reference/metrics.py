"""Objective and error metrics (paper Eqns 9, 51, 56; spec §2).

Rates in Hz, dt in s.  Per-bin quantities include the bin width (they are probabilities).
"""

import numpy as np
from scipy.special import log_expit, xlog1py, xlogy

from .transfer import phi

__all__ = [
    "kl_bernoulli",
    "kl_poisson",
    "log_likelihood_bin",
    "kl_cost",
    "rms_rate_error",
    "weight_distance",
]


def kl_bernoulli(phi_star, phi_student, dt):
    """Per-bin KL divergence of two Bernoulli spike distributions (spec §2).

    KL_bin = p* log(p*/p) + (1 − p*) log((1 − p*)/(1 − p)),  p* = φ* dt,  p = φ dt.

    Parameters
    ----------
    phi_star : array_like
        Teacher rate φ* (Hz).
    phi_student : array_like
        Student rate φ (Hz).
    dt : float
        Bin width (s); φ dt must lie in [0, 1].

    Returns
    -------
    ndarray
        KL_bin ≥ 0 (nats), zero iff φ = φ*.

    References
    ----------
    Eqns 9, 51.
    """
    ps = np.asarray(phi_star, dtype=float) * dt
    p = np.asarray(phi_student, dtype=float) * dt
    return xlogy(ps, ps) - xlogy(ps, p) + xlog1py(1.0 - ps, -ps) - xlog1py(1.0 - ps, -p)


def kl_poisson(phi_star, phi_student, dt):
    """dt → 0 (Poisson) form of the per-bin KL: dt [φ* log(φ*/φ) + φ − φ*] (spec §2).

    Parameters
    ----------
    phi_star, phi_student : array_like
        Rates (Hz).
    dt : float
        Bin width (s).

    Returns
    -------
    ndarray
    """
    ps = np.asarray(phi_star, dtype=float)
    p = np.asarray(phi_student, dtype=float)
    return dt * (xlogy(ps, ps) - xlogy(ps, p) + p - ps)


def log_likelihood_bin(y, V, dt, *, phi_max, beta, theta):
    """Per-bin log-likelihood of an output spike indicator (Eqns 6-8, 56).

    log p_w(y | x) = y log(φ(V) dt) + (1 − y) log(1 − φ(V) dt).

    Parameters
    ----------
    y : array_like
        Spike indicator(s) in {0, 1}.
    V : array_like
        Somatic potential (mV).
    dt : float
        Bin width (s).
    phi_max, beta, theta : float
        Transfer-function parameters.

    Returns
    -------
    ndarray
    """
    y = np.asarray(y, dtype=float)
    u = beta * (np.asarray(V, dtype=float) - theta)
    log_p = np.log(phi_max * dt) + log_expit(u)
    return y * log_p + (1.0 - y) * np.log1p(-np.exp(log_p))


def kl_cost(w, w_star, x_samples, *, dt, phi_max, beta, theta):
    """Cost C(w) = mean Bernoulli KL over a test set of USP vectors (spec §2, code form).

    Parameters
    ----------
    w, w_star : array_like, shape (n,)
        Student and teacher somatic weights.
    x_samples : array_like, shape (samples, n)
        USP vectors of the test set.
    dt : float
        Bin width (s).
    phi_max, beta, theta : float
        Transfer-function parameters.

    Returns
    -------
    float
        Mean KL_bin (includes the factor dt).
    """
    X = np.asarray(x_samples, dtype=float)
    return float(np.mean(kl_bernoulli(phi(X @ w_star, phi_max, beta, theta), phi(X @ w, phi_max, beta, theta), dt)))


def rms_rate_error(w, w_star, x_samples, *, phi_max, beta, theta):
    """Root-mean-square output-rate error in Hz over a test set (spec §2).

    Parameters
    ----------
    w, w_star : array_like, shape (n,)
    x_samples : array_like, shape (samples, n)
    phi_max, beta, theta : float

    Returns
    -------
    float
        sqrt(mean[(φ(w·x) − φ(w*·x))²]) in Hz.
    """
    X = np.asarray(x_samples, dtype=float)
    d = phi(X @ w, phi_max, beta, theta) - phi(X @ w_star, phi_max, beta, theta)
    return float(np.sqrt(np.mean(d * d)))


def weight_distance(w, w_star):
    """Euclidean weight distance ‖w − w*‖₂ (spec §2)."""
    return float(np.linalg.norm(np.asarray(w, dtype=float) - np.asarray(w_star, dtype=float)))
