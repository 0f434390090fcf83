"""Learning rules and the reference learning simulator (paper Eqns 10, 13, 17, 38, 108, 109, 114).

Discrete-time contract (shared with the Go core).  For bin k = 0 … K−1:

a. USP traces are updated with the spikes s_k → x_k (:func:`reference.kernel.usp_traces`);
b. somatic weights ws = α ⊙ w (w = learned/dendritic weight, α = attenuation), V = ws · x_k;
c. teacher spike y_k ∈ {0, 1} is given;
d. e = η (y_k − φ(V) dt) ψ(V), ψ = φ'/φ = β(1 − σ(V)) ("exact") or (1 − σ(V)) ("authors");
e. r̂ = rates with zeros replaced by ``silent_rate``; r̂ is used everywhere inside the rule;
f. Δw from the rule (see :func:`weight_update`);
g. w ← w + Δw, stored as trajectory row k + 1.
"""

import numpy as np

from .coefficients import coefficients as _coefficients
from .coefficients import gamma_u as _gamma_u
from .coefficients import gamma_w as _gamma_w
from .coefficients import total_rate, voltage_moments
from .kernel import c_eps as _c_eps
from .kernel import usp_traces
from .transfer import phi, phi_prime_over_phi, sigma

__all__ = [
    "RULES",
    "effective_rates",
    "learning_signal",
    "rule_coefficients",
    "weight_update",
    "plasticity_components",
    "simulate",
]

RULES = ("euclidean", "natural", "approximate")


def effective_rates(rates, silent_rate=1e-4):
    """r̂: rates with zeros replaced by ``silent_rate`` (spec §1.1, "infinitesimal" rate, Hz)."""
    r = np.asarray(rates, dtype=float)
    return np.where(r == 0.0, silent_rate, r)


def learning_signal(y, V, *, eta, dt, phi_max, beta, theta, lr_convention="exact"):
    """Scalar error signal e = η (y − φ(V) dt) ψ(V) of one bin (Eqns 10, 56; spec §3, §10.4).

    Parameters
    ----------
    y : float
        Teacher spike indicator of the bin.
    V : float
        Somatic potential (mV).
    eta : float
        Learning rate.
    dt : float
        Bin width (s).
    phi_max, beta, theta : float
        Transfer-function parameters.
    lr_convention : {"exact", "authors"}
        ψ = φ'/φ = β(1 − σ(V)) ("exact") or (1 − σ(V)) without β ("authors", Fig 3/9/12 code).

    Returns
    -------
    float
    """
    if lr_convention == "exact":
        psi = phi_prime_over_phi(V, beta, theta)
    elif lr_convention == "authors":
        psi = 1.0 - sigma(V, beta, theta)
    else:
        raise ValueError(f"lr_convention must be 'exact' or 'authors', got {lr_convention!r}")
    return float(eta * (y - phi(V, phi_max, beta, theta) * dt) * psi)


def rule_coefficients(ws, r_hat, *, c_eps, eps0, phi_max, beta, theta, coefficients="quad"):
    """Coefficients (γ_s, g1..g4, …) at the voltage moments implied by the somatic weights.

    μ = ε0 Σ ws r̂, σ² = Σ ws² r̂ / c_ε, q = c_ε ε0² Σ r̂ (Eqns 36, 79).

    Parameters
    ----------
    ws : array_like, shape (n,)
        Somatic weights.
    r_hat : array_like, shape (n,)
        Effective rates (Hz).
    c_eps, eps0 : float
        Kernel constants.
    phi_max, beta, theta : float
        Transfer-function parameters.
    coefficients : {"quad", "gauss"}
        Quadrature method.

    Returns
    -------
    reference.coefficients.Coefficients
    """
    mu, var = voltage_moments(ws, r_hat, c_eps=c_eps, eps0=eps0)
    q = total_rate(r_hat, c_eps=c_eps, eps0=eps0)
    return _coefficients(mu, var, q, phi_max=phi_max, beta=beta, theta=theta, method=coefficients, raw_moments=False)


def _components(rule, e, ws, alpha, x, V, r_hat, coeffs, *, c_eps, eps0, c_u, c_w):
    """(prefactor, hom, het_u, het_w) with Δw = prefactor ⊙ (hom + het_u + het_w)."""
    if rule == "euclidean":
        zero = np.zeros_like(x)
        return e * alpha, x, zero, zero
    pref = e * coeffs.gamma_s / alpha
    hom = c_eps * x / r_hat
    if rule == "natural":
        sx = float(np.sum(x))
        gu = _gamma_u(coeffs.g1, coeffs.g3, sx, V, c_eps=c_eps, eps0=eps0)
        gw = _gamma_w(coeffs.g2, coeffs.g4, sx, V, c_eps=c_eps, eps0=eps0)
        return pref, hom, -gu * np.ones_like(x), gw * ws
    if rule == "approximate":
        return pref, hom, -c_eps * c_u * np.ones_like(x), c_w * V * ws
    raise ValueError(f"rule must be one of {RULES}, got {rule!r}")


def _prepare(w, rates, attenuation, silent_rate):
    w = np.asarray(w, dtype=float)
    if w.ndim != 1:
        raise ValueError("w must be a 1-D array")
    r_hat = effective_rates(rates, silent_rate)
    if r_hat.shape != w.shape:
        raise ValueError("rates and w must have the same shape")
    alpha = np.ones_like(w) if attenuation is None else np.asarray(attenuation, dtype=float)
    if alpha.shape != w.shape:
        raise ValueError("attenuation and w must have the same shape")
    return w, r_hat, alpha


def plasticity_components(
    rule,
    w,
    x,
    y,
    rates,
    *,
    eta,
    dt,
    tau_m,
    tau_s,
    eps0,
    phi_max,
    beta,
    theta,
    attenuation=None,
    lr_convention="exact",
    c_u=0.95,
    c_w=0.05,
    silent_rate=1e-4,
    coeffs=None,
    coefficients="quad",
):
    """The three plasticity components of one bin's update (Eqns 20-23; spec §5.3).

    Δw = Δw_hom + Δw_het_u + Δw_het_w with common prefactor P = e γ_s / α:

    * natural:     Δw_hom = P c_ε x/r̂,  Δw_het_u = −P γ_u 1,        Δw_het_w = P γ_w ws;
    * approximate: Δw_hom = P c_ε x/r̂,  Δw_het_u = −P c_ε c_u 1,     Δw_het_w = P c_w V ws;
    * euclidean:   Δw_hom = e α ⊙ x (the whole update), the heterosynaptic parts are zero.

    Parameters
    ----------
    rule : {"euclidean", "natural", "approximate"}
    w : array_like, shape (n,)
        Learned (dendritic) weights; the somatic weights are ws = α ⊙ w.
    x : array_like, shape (n,)
        USP vector x_k of the bin.
    y : float
        Teacher spike indicator of the bin.
    rates : array_like, shape (n,)
        Input rates (Hz); zeros are replaced by ``silent_rate``.
    eta, dt, tau_m, tau_s, eps0, phi_max, beta, theta : float
        Learning rate, bin (s), kernel and transfer parameters.
    attenuation : array_like, shape (n,), optional
        α (ones if None).
    lr_convention : {"exact", "authors"}
    c_u, c_w : float
        Constants of the approximate rule (Eqn 114).
    silent_rate : float
        Rate used for silent afferents inside the rule (Hz).
    coeffs : reference.coefficients.Coefficients, optional
        Precomputed coefficients; computed from ws if None.
    coefficients : {"quad", "gauss"}
        Quadrature method when ``coeffs`` is None.

    Returns
    -------
    hom, het_u, het_w : ndarray, shape (n,)
    """
    w, r_hat, alpha = _prepare(w, rates, attenuation, silent_rate)
    x = np.asarray(x, dtype=float)
    ce = _c_eps(tau_m, tau_s, eps0)
    ws = alpha * w
    V = float(ws @ x)
    e = learning_signal(y, V, eta=eta, dt=dt, phi_max=phi_max, beta=beta, theta=theta, lr_convention=lr_convention)
    if rule != "euclidean" and coeffs is None:
        coeffs = rule_coefficients(
            ws, r_hat, c_eps=ce, eps0=eps0, phi_max=phi_max, beta=beta, theta=theta, coefficients=coefficients
        )
    pref, hom, het_u, het_w = _components(
        rule, e, ws, alpha, x, V, r_hat, coeffs, c_eps=ce, eps0=eps0, c_u=c_u, c_w=c_w
    )
    return pref * hom, pref * het_u, pref * het_w


def weight_update(
    rule,
    w,
    x,
    y,
    rates,
    *,
    eta,
    dt,
    tau_m,
    tau_s,
    eps0,
    phi_max,
    beta,
    theta,
    attenuation=None,
    lr_convention="exact",
    c_u=0.95,
    c_w=0.05,
    silent_rate=1e-4,
    coeffs=None,
    coefficients="quad",
):
    """Weight change Δw of one bin (steps b-f of the contract).

    * euclidean:   Δw = e α ⊙ x  (Eqn 10 and chain rule, Eqn 44);
    * natural:     Δw = e γ_s (1/α) ⊙ (c_ε x/r̂ − γ_u 1 + γ_w ws)  (Eqns 13, 17, 38, 108, 109);
    * approximate: Δw = e γ_s (1/α) ⊙ (c_ε x/r̂ − c_ε c_u 1 + c_w V ws)  (Eqn 114).

    Parameters are those of :func:`plasticity_components`.

    Returns
    -------
    ndarray, shape (n,)
    """
    w, r_hat, alpha = _prepare(w, rates, attenuation, silent_rate)
    x = np.asarray(x, dtype=float)
    ce = _c_eps(tau_m, tau_s, eps0)
    ws = alpha * w
    V = float(ws @ x)
    e = learning_signal(y, V, eta=eta, dt=dt, phi_max=phi_max, beta=beta, theta=theta, lr_convention=lr_convention)
    if rule != "euclidean" and coeffs is None:
        coeffs = rule_coefficients(
            ws, r_hat, c_eps=ce, eps0=eps0, phi_max=phi_max, beta=beta, theta=theta, coefficients=coefficients
        )
    return _delta(rule, e, ws, alpha, x, V, r_hat, coeffs, ce, eps0, c_u, c_w)


def _delta(rule, e, ws, alpha, x, V, r_hat, coeffs, ce, eps0, c_u, c_w):
    if rule == "euclidean":
        return e * alpha * x
    if rule == "natural":
        sx = float(np.sum(x))
        gu = _gamma_u(coeffs.g1, coeffs.g3, sx, V, c_eps=ce, eps0=eps0)
        gw = _gamma_w(coeffs.g2, coeffs.g4, sx, V, c_eps=ce, eps0=eps0)
        return e * coeffs.gamma_s / alpha * (ce * x / r_hat - gu + gw * ws)
    if rule == "approximate":
        return e * coeffs.gamma_s / alpha * (ce * x / r_hat - ce * c_u + c_w * V * ws)
    raise ValueError(f"rule must be one of {RULES}, got {rule!r}")


def _interval_usps(spikes, reset_every, dt, tau_m, tau_s, eps0):
    """USPs of one continuous train, or of trains restarted from zero every ``reset_every`` bins
    with their first bin's spike ignored (see ``simulate``)."""
    if reset_every <= 0:
        return usp_traces(spikes, dt, tau_m, tau_s, eps0)
    blocks = []
    for start in range(0, spikes.shape[0], reset_every):
        block = spikes[start : start + reset_every].copy()
        block[0] = 0.0
        blocks.append(usp_traces(block, dt, tau_m, tau_s, eps0))
    return np.concatenate(blocks) if blocks else np.zeros_like(spikes)


def simulate(
    rule,
    w0,
    rates,
    input_spikes,
    teacher_spikes,
    *,
    eta,
    dt,
    tau_m,
    tau_s,
    eps0,
    phi_max,
    beta,
    theta,
    attenuation=None,
    lr_convention="exact",
    coefficient_refresh=1,
    c_u=0.95,
    c_w=0.05,
    silent_rate=1e-4,
    coefficients="quad",
    return_details=False,
    reset_every=0,
):
    """Reference learning simulator (the discrete-time contract in the module docstring).

    Parameters
    ----------
    rule : {"euclidean", "natural", "approximate"}
    w0 : array_like, shape (n,)
        Initial learned (dendritic) weights.
    rates : array_like, shape (n,) or (K, n)
        Input rates (Hz) used by the rule (zeros → ``silent_rate``); shape (K, n) gives the rates in
        force in every bin (a piecewise-constant rate schedule): bin k's update uses row k, and the
        coefficients are recomputed, besides the refresh schedule, at every bin whose row differs from
        the previous bin's.
    input_spikes : array_like, shape (K, n)
        Input spike indicators; USP traces start from zero before bin 0.
    teacher_spikes : array_like, shape (K,)
        Teacher spike indicators y_k.
    eta : float
        Learning rate.
    dt : float
        Bin width (s).
    tau_m, tau_s, eps0 : float
        Kernel parameters (s, s, mV·s).
    phi_max, beta, theta : float
        Transfer-function parameters (Hz, 1/mV, mV).
    attenuation : array_like, shape (n,), optional
        α with ws = α ⊙ w (ones if None).
    lr_convention : {"exact", "authors"}
        ψ = β(1 − σ) or (1 − σ) (spec §3, §10.4).
    coefficient_refresh : int
        Coefficients (γ_s, g1..g4) are recomputed from the weights at the start of bin k when
        k mod coefficient_refresh == 0 and reused otherwise; 0 means computed once at bin 0.
    c_u, c_w : float
        Constants of the approximate rule (Eqn 114).
    silent_rate : float
        Rate substituted for zero rates inside the rule (Hz).
    coefficients : {"quad", "gauss"}
        Quadrature used for the coefficients.
    return_details : bool
        Also return per-bin diagnostics.
    reset_every : int
        If > 0, the authors' input-pool protocol (spec §10.6, §1.2): the USP traces restart from
        zero at bins 0, reset_every, 2·reset_every, … and the spike of the first bin of each such
        interval is ignored (the authors' trace loop starts at bin 1). 0: one continuous train.

    Returns
    -------
    trajectory : ndarray, shape (K + 1, n)
        Row 0 is w0, row k + 1 the weights after bin k.
    details : dict, optional
        Only if ``return_details``: arrays ``x`` (K, n), ``V``, ``e``, ``gamma_s``, ``gamma_u``,
        ``gamma_w`` (K,) (γ's are NaN where the rule does not use them).

    References
    ----------
    Eqns 10, 13, 17, 38, 108, 109, 114.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    if lr_convention not in ("exact", "authors"):
        raise ValueError(f"lr_convention must be 'exact' or 'authors', got {lr_convention!r}")
    if coefficients not in ("quad", "gauss"):
        raise ValueError(f"coefficients must be 'quad' or 'gauss', got {coefficients!r}")
    if int(coefficient_refresh) < 0:
        raise ValueError("coefficient_refresh must be >= 0")
    per_bin = np.ndim(rates) == 2
    r_bins = effective_rates(rates, silent_rate) if per_bin else None
    w, r_hat, alpha = _prepare(w0, rates[0] if per_bin else rates, attenuation, silent_rate)
    spikes = np.asarray(input_spikes, dtype=float)
    if spikes.ndim != 2 or spikes.shape[1] != w.size:
        raise ValueError("input_spikes must have shape (K, n)")
    y = np.asarray(teacher_spikes, dtype=float).reshape(-1)
    K = spikes.shape[0]
    if y.size != K:
        raise ValueError("teacher_spikes must have K entries")
    if per_bin and r_bins.shape != spikes.shape:
        raise ValueError("per-bin rates must have shape (K, n) like input_spikes")
    ce = _c_eps(tau_m, tau_s, eps0)
    refresh = int(coefficient_refresh)

    X = _interval_usps(spikes, int(reset_every), dt, tau_m, tau_s, eps0)  # step a (inputs do not depend on w)
    traj = np.empty((K + 1, w.size))
    traj[0] = w
    if return_details:
        det = {k: np.full(K, np.nan) for k in ("V", "e", "gamma_s", "gamma_u", "gamma_w")}
    coeffs = None
    w = w.copy()
    for k in range(K):
        changed = per_bin and k > 0 and not np.array_equal(r_bins[k], r_bins[k - 1])
        if per_bin:
            r_hat = r_bins[k]
        x = X[k]
        ws = alpha * w
        V = float(ws @ x)
        e = learning_signal(
            y[k], V, eta=eta, dt=dt, phi_max=phi_max, beta=beta, theta=theta, lr_convention=lr_convention
        )
        if rule != "euclidean" and (coeffs is None or changed or (refresh > 0 and k % refresh == 0)):
            coeffs = rule_coefficients(
                ws, r_hat, c_eps=ce, eps0=eps0, phi_max=phi_max, beta=beta, theta=theta, coefficients=coefficients
            )
        w = w + _delta(rule, e, ws, alpha, x, V, r_hat, coeffs, ce, eps0, c_u, c_w)
        traj[k + 1] = w
        if return_details:
            det["V"][k], det["e"][k] = V, e
            if coeffs is not None:
                det["gamma_s"][k] = coeffs.gamma_s
            if rule == "natural":
                sx = float(np.sum(x))
                det["gamma_u"][k] = _gamma_u(coeffs.g1, coeffs.g3, sx, V, c_eps=ce, eps0=eps0)
                det["gamma_w"][k] = _gamma_w(coeffs.g2, coeffs.g4, sx, V, c_eps=ce, eps0=eps0)
            elif rule == "approximate":
                det["gamma_u"][k] = ce * c_u
                det["gamma_w"][k] = c_w * V
    if return_details:
        det["x"] = X
        return traj, det
    return traj
