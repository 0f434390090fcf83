"""Sigmoidal transfer function φ and its derivatives (paper Eqn 24; spec §1.4).

Voltages in mV (above rest), rates in Hz, β in 1/mV.  σ(V) = φ(V)/φ_max is evaluated with
``scipy.special.expit`` / ``log_expit``, which cannot overflow for any finite V.
"""

import numpy as np
from scipy.special import expit, log_expit

__all__ = ["sigma", "phi", "phi_prime", "phi_prime_over_phi", "phi_prime_sq_over_phi", "log_phi"]


def sigma(V, beta, theta, phi_max=None):
    """Normalised sigmoid σ(V) = 1/(1 + exp(−β(V − θ))) = φ(V)/φ_max (Eqn 24).

    Parameters
    ----------
    V : array_like
        Somatic potential above rest (mV).
    beta : float
        Slope (1/mV).
    theta : float
        Threshold (mV).
    phi_max : float, optional
        Ignored; accepted so that one parameter dict (``**phi_params``) fits every function here.

    Returns
    -------
    ndarray
    """
    return expit(beta * (np.asarray(V, dtype=float) - theta))


def phi(V, phi_max, beta, theta):
    """Firing rate φ(V) = φ_max σ(V) in Hz (Eqn 24)."""
    return phi_max * sigma(V, beta, theta)


def log_phi(V, phi_max, beta, theta):
    """log φ(V) = log φ_max + log σ(V), computed without under/overflow."""
    return np.log(phi_max) + log_expit(beta * (np.asarray(V, dtype=float) - theta))


def phi_prime(V, phi_max, beta, theta):
    """φ'(V) = β φ(V) (1 − σ(V)) (Hz/mV)."""
    u = beta * (np.asarray(V, dtype=float) - theta)
    return phi_max * beta * expit(u) * expit(-u)


def phi_prime_over_phi(V, beta, theta, phi_max=None):
    """φ'(V)/φ(V) = β (1 − σ(V)) (1/mV); independent of φ_max (accepted and ignored)."""
    return beta * expit(-beta * (np.asarray(V, dtype=float) - theta))


def phi_prime_sq_over_phi(V, phi_max, beta, theta):
    """f(V) := φ'(V)²/φ(V) = φ_max β² σ(V) (1 − σ(V))² (Hz/mV²).

    This is the weight function of the Fisher information (Eqns 67, 77-79).
    """
    u = beta * (np.asarray(V, dtype=float) - theta)
    return phi_max * beta**2 * expit(u) * expit(-u) ** 2
