"""PSP ("USP") kernel and the discrete USP traces (paper Eqns 26-31; spec §1.2).

Units: time in seconds, rates in Hz.  With ``eps0 = 1`` the kernel has unit area
(Σ_k ε(k dt) dt ≈ 1) and a peak of ≈ 59.7 (mV) about 5 ms after the spike.
"""

import numpy as np
from scipy.signal import lfilter

__all__ = ["usp_kernel", "c_eps", "usp_traces", "usp_traces_loop"]


def usp_kernel(t, tau_m, tau_s, eps0=1.0):
    """Evaluate the PSP kernel ε(t) (Eqn 28).

    ε(t) = ε0 Θ(t) / (τm − τs) · [exp(−t/τm) − exp(−t/τs)];
    for ``tau_m == tau_s`` the limit is the alpha kernel ε0 Θ(t) t/τ² exp(−t/τ).

    Parameters
    ----------
    t : array_like
        Time since the presynaptic spike (s).
    tau_m, tau_s : float
        Membrane and synaptic time constants (s).  The kernel is symmetric in them.
    eps0 : float, optional
        Kernel prefactor (mV·s); default 1.

    Returns
    -------
    ndarray
        ε(t), zero for t ≤ 0.

    References
    ----------
    Kreutzer, Petrovici & Senn (2022), Eqn 28.
    """
    t = np.asarray(t, dtype=float)
    tp = np.where(t > 0, t, 0.0)
    if tau_m == tau_s:
        val = eps0 * tp / tau_m**2 * np.exp(-tp / tau_m)
    else:
        val = eps0 / (tau_m - tau_s) * (np.exp(-tp / tau_m) - np.exp(-tp / tau_s))
    return np.where(t > 0, val, 0.0)


def c_eps(tau_m, tau_s, eps0=1.0):
    """Kernel constant c_ε = (∫ε² dt)⁻¹ = 2(τm + τs)/ε0² (Eqn 31).

    Parameters
    ----------
    tau_m, tau_s : float
        Time constants (s).
    eps0 : float, optional
        Kernel prefactor.

    Returns
    -------
    float
        c_ε in s (0.026 s for the paper defaults τm = 10 ms, τs = 3 ms, ε0 = 1).

    Notes
    -----
    Also valid in the alpha limit τm = τs = τ, where ∫ε² dt = ε0²/(4τ).
    """
    return 2.0 * (tau_m + tau_s) / eps0**2


def _as_spike_matrix(spikes):
    s = np.asarray(spikes, dtype=float)
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2:
        raise ValueError("spikes must be (bins,) or (bins, n)")
    return s


def usp_traces(spikes, dt, tau_m, tau_s, eps0=1.0):
    """Unweighted synaptic potentials x^ε by the two-trace recursion (spec §1.2).

    For τm ≠ τs::

        P[k] = P[k−1]·exp(−dt/τm) + s[k]
        S[k] = S[k−1]·exp(−dt/τs) + s[k]
        x[k] = ε0/(τm − τs) · (P[k] − S[k])

    For τm = τs = τ (alpha limit), with d = exp(−dt/τ)::

        P[k] = P[k−1]·d + s[k]
        R[k] = d·(R[k−1] + P[k−1])
        x[k] = ε0·dt/τ² · R[k]

    All traces are zero before bin 0, so a spike in bin k contributes ε((j−k)·dt) to bin j ≥ k
    (0 in its own bin); the recursion samples the kernel of Eqn 28 exactly on the grid.

    Parameters
    ----------
    spikes : array_like, shape (bins, n) or (bins,)
        Spike indicators s[k] ∈ {0, 1} (a spike adds 1, not 1/dt).
    dt : float
        Bin width (s).
    tau_m, tau_s : float
        Kernel time constants (s).
    eps0 : float, optional
        Kernel prefactor.

    Returns
    -------
    ndarray, shape (bins, n)
        x^ε in every bin.

    References
    ----------
    Eqns 26-28; spec §1.2 ("discrete recursion used in all code").
    """
    s = _as_spike_matrix(spikes)
    # lfilter([1], [1, -d]) is exactly the first-order recursion y[k] = d·y[k−1] + s[k].
    if tau_m == tau_s:
        d = np.exp(-dt / tau_m)
        P = lfilter([1.0], [1.0, -d], s, axis=0)
        # R[k] = d·R[k−1] + d·P[k−1]
        R = lfilter([0.0, d], [1.0, -d], P, axis=0)
        return eps0 * dt / tau_m**2 * R
    P = lfilter([1.0], [1.0, -np.exp(-dt / tau_m)], s, axis=0)
    S = lfilter([1.0], [1.0, -np.exp(-dt / tau_s)], s, axis=0)
    return eps0 / (tau_m - tau_s) * (P - S)


def usp_traces_loop(spikes, dt, tau_m, tau_s, eps0=1.0):
    """Same as :func:`usp_traces`, written as an explicit per-bin loop.

    This is the literal form of the recursion (and of what a per-bin simulator does);
    it exists to cross-check the filter implementation.

    Parameters
    ----------
    spikes : array_like, shape (bins, n) or (bins,)
    dt, tau_m, tau_s, eps0 : float
        As in :func:`usp_traces`.

    Returns
    -------
    ndarray, shape (bins, n)
    """
    s = _as_spike_matrix(spikes)
    x = np.empty_like(s)
    P = np.zeros(s.shape[1])
    if tau_m == tau_s:
        d = np.exp(-dt / tau_m)
        R = np.zeros(s.shape[1])
        for k in range(s.shape[0]):
            R = d * (R + P)  # uses P[k−1]
            P = P * d + s[k]
            x[k] = eps0 * dt / tau_m**2 * R
        return x
    dm, ds = np.exp(-dt / tau_m), np.exp(-dt / tau_s)
    S = np.zeros(s.shape[1])
    for k in range(s.shape[0]):
        P = P * dm + s[k]
        S = S * ds + s[k]
        x[k] = eps0 / (tau_m - tau_s) * (P - S)
    return x
