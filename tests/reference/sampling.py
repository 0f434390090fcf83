"""Random test-data generation (Bernoulli inputs and teachers; spec §1.1, §1.5).

For generating test data only.  Every function takes a ``numpy.random.Generator`` and consumes
it in a documented order, so a stream can be replayed exactly.
"""

import numpy as np

from .kernel import usp_traces
from .transfer import phi

__all__ = ["draw_input_spikes", "draw_teacher_spikes", "draw_poisson_teacher", "make_realizable_task"]


def draw_input_spikes(rng, rates, n_bins, dt):
    """Bernoulli-per-bin Poisson input spikes (spec §1.1).

    Parameters
    ----------
    rng : numpy.random.Generator
        Consumed as one call ``rng.random((n_bins, n))``.
    rates : array_like, shape (n,)
        Rates (Hz); p = r·dt per bin (zero rate ⇒ silent afferent).
    n_bins : int
    dt : float
        Bin width (s).

    Returns
    -------
    ndarray, shape (n_bins, n), float 0/1
    """
    r = np.asarray(rates, dtype=float)
    return (rng.random((int(n_bins), r.size)) < r * dt).astype(float)


def draw_teacher_spikes(rng, w_star, x, dt, *, phi_max, beta, theta):
    """Realizable-teacher spikes: y_k ~ Bernoulli(φ(w*·x_k) dt) (spec §1.5).

    Parameters
    ----------
    rng : numpy.random.Generator
        Consumed as one call ``rng.random(bins)``.
    w_star : array_like, shape (n,)
        Target (somatic) weights.
    x : array_like, shape (bins, n)
        USP traces.
    dt : float
    phi_max, beta, theta : float

    Returns
    -------
    ndarray, shape (bins,), float 0/1
    """
    X = np.asarray(x, dtype=float)
    p = phi(X @ np.asarray(w_star, dtype=float), phi_max, beta, theta) * dt
    return (rng.random(X.shape[0]) < p).astype(float)


def draw_poisson_teacher(rng, rate, n_bins, dt):
    """Input-independent Poisson teacher at a fixed rate (Fig 4, 5, 7): one ``rng.random(n_bins)``."""
    return (rng.random(int(n_bins)) < rate * dt).astype(float)


def make_realizable_task(rng, rates, w_star, n_bins, *, dt, tau_m, tau_s, eps0, phi_max, beta, theta):
    """Inputs, USPs and realizable-teacher spikes for one learning run.

    Draws input spikes first, then teacher spikes (see the two functions above).

    Returns
    -------
    spikes : ndarray, shape (n_bins, n)
    x : ndarray, shape (n_bins, n)
        USP traces (:func:`reference.kernel.usp_traces`).
    y : ndarray, shape (n_bins,)
        Teacher spikes.
    """
    spikes = draw_input_spikes(rng, rates, n_bins, dt)
    x = usp_traces(spikes, dt, tau_m, tau_s, eps0)
    y = draw_teacher_spikes(rng, w_star, x, dt, phi_max=phi_max, beta=beta, theta=theta)
    return spikes, x, y
