"""Figures 10 and 11: the global factor γ_s and the learning-rule coefficients g1–g4, γ_u, γ_w."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._checks import at_most, finite_real
from .._fisher import coefficients, sample_usps, voltage_statistics
from .._neuron import resolve
from .._rules import rule_factors
from .._typing import ArrayLike, Seed
from ._common import MAX_WEIGHT_SAMPLES, figure_dataset, positive, provenance, root, stream
from ._common import count as _count
from ._common import positive_values as _positive

if TYPE_CHECKING:
    import xarray as xr

    from .._neuron import Neuron

#: Input rates (Hz) of the authors' script (the paper's text says 5–55 Hz; user guide, "Paper versus code").
RATES = (5.0, 15.0, 25.0, 35.0, 45.0)
#: Afferent counts of Fig 11E–I and the rate used for Fig 11E–H.
SIZES, SIZE_RATE = (10, 50, 100, 200), 20.0
#: Weights are drawn i.i.d. from U(−W_SCALE, W_SCALE)/n.
W_SCALE = 5.0
#: c_w of Eqn 113 / 114; the authors' Fig 11L plotting script uses 0.04 (user guide, "Paper versus code").
C_W, PLOT_SCRIPT_C_W = 0.05, 0.04
#: Fixed variances (mV²) and q of the γ_s(μ_V) curves that test claim C13.
CURVE_VARS, CURVE_Q = (1.0, 25.0), 78.0


def _weights(rng, samples, n):
    """``samples`` weight vectors w ~ U(−5, 5)/n (paper, Figs 10–12 and Methods)."""
    return rng.uniform(-W_SCALE, W_SCALE, (samples, n)) / n


def _rate_coefficients(w, rates, neuron):
    """Coefficients for weights w (samples, n) at every rate of ``rates`` (all afferents at that rate).

    Returns the Coefficients (rate, sample) and μ_V, σ_V² of the same shape
    (:func:`natspike.voltage_statistics`: text after Eqn 79; q of Eqn 36).
    """
    mean, var, q = voltage_statistics(w[None], rates[:, None, None], neuron=neuron)
    return coefficients(mean, var, q, neuron=neuron), mean, var


@figure_dataset
def figure10(
    samples: int = 20,
    seed: Seed = 2022,
    *,
    full: bool = False,
    n: int = 100,
    rates: ArrayLike = RATES,
    curve_vars: ArrayLike = CURVE_VARS,
    curve_q: float = CURVE_Q,
    neuron: Neuron | None = None,
) -> xr.Dataset:
    """Global scaling factor γ_s = 1/I1 versus the mean membrane potential (Fig 10).

    Protocol (paper, Fig 10 and Methods): n = 100 afferents all firing at the same
    rate r ∈ {5, 15, 25, 35, 45} Hz; for each rate ``samples`` weight vectors
    w ~ U(−5, 5)/n; μ_V = ε0 Σ w r and σ_V² = Σ w² r / c_ε (Gaussian
    approximation, text after Eqn 79); γ_s = 1/c1 = 1/E[φ'(V)²/φ(V)]
    (Eqns 77, 107) by quadrature. For claim C13 the Dataset also holds
    γ_s(μ_V) at fixed σ_V² ∈ {1, 25} mV² (q = 78), whose minimum lies near
    the peak of φ'²/φ at μ = θ − ln 2/β ≈ 7.7 mV.

    Parameters
    ----------
    samples : int
        Weight vectors per rate (paper: 20).
    seed : int, SeedSequence, Generator or None
        Root seed of the weight draws.
    full : bool
        The paper's size (20 samples; the default already is).
    n, rates
        Number of afferents and the input rates (Hz).
    curve_vars, curve_q
        σ_V² values (mV²) and q of the fixed-variance curves.
    neuron : Neuron, optional
        The paper's neuron by default (θ = 10 mV).

    Returns
    -------
    xarray.Dataset
        ``gamma_s``, ``mean_v`` (μ_V, mV), ``var_v`` (σ_V², mV²), ``phi_mean``
        (φ(μ_V), Hz) with dims ``("rate", "sample")``; ``gamma_s_curve`` with
        dims ``("curve_var", "mu")``.
    """
    import xarray as xr

    neuron = resolve(neuron)
    samples = 20 if full else _count(samples, "samples", maximum=MAX_WEIGHT_SAMPLES)
    n, rates = _count(n, "n", 2), _positive(rates, "rates")
    seed = root(seed)
    w = _weights(stream(seed, 0), samples, n)
    coef, mean, var = _rate_coefficients(w, rates, neuron)
    mu = np.linspace(-20.0, 20.0, 401)
    curve_vars, curve_q = _positive(curve_vars, "curve_vars"), positive(curve_q, "curve_q")
    curve = coefficients(mu[None, :], curve_vars[:, None], curve_q, neuron=neuron).gamma_s
    dims = ("rate", "sample")
    ds = xr.Dataset(
        {
            "gamma_s": (dims, coef.gamma_s),
            "mean_v": (dims, mean),
            "var_v": (dims, var),
            "phi_mean": (dims, neuron.phi(mean)),
            "gamma_s_curve": (("curve_var", "mu"), curve),
        },
        coords={"rate": rates, "sample": np.arange(samples), "curve_var": curve_vars, "mu": mu},
    )
    ds["rate"].attrs["units"] = "Hz"
    ds["mean_v"].attrs.update(units="mV", long_name="mean membrane potential μ_V")
    ds["mu"].attrs["units"] = "mV"
    ds.attrs.update(
        **provenance("10", seed),
        samples=samples,
        n=n,
        rates=rates.tolist(),
        weight_range=[-W_SCALE, W_SCALE],
        curve_q=float(curve_q),
        theta=neuron.theta,
        beta=neuron.beta,
        phi_max=neuron.phi_max,
    )
    return ds


def _rank_correlation(a, b):
    """Spearman's rank correlation (ties broken by order; enough for continuous samples)."""
    ra, rb = (np.argsort(np.argsort(np.ravel(x), kind="stable"), kind="stable") for x in (a, b))
    return float(np.corrcoef(ra, rb)[0, 1])


def claim_figure10(ds: xr.Dataset) -> str:
    """One line: γ_s > 0, mean γ_s grows with rate, and the C13 shape of γ_s(μ_V) at small σ_V²."""
    gs = ds["gamma_s"]
    means = gs.mean("sample").values
    rate = np.broadcast_to(ds["rate"].values[:, None], gs.shape)
    rho = _rank_correlation(rate, gs.values)
    grows = bool(rho > 0 and means[-1] > means[0])
    theta, beta = ds.attrs["theta"], ds.attrs["beta"]
    peak = theta - np.log(2) / beta
    shape = figure10_curve_shape(ds, peak)
    positive = bool((gs > 0).all())
    curve_ok = shape["near_peak"] and shape["steeper_above"]
    yes = lambda flag: "yes" if flag else "NO"
    return (
        f"Fig 10 ({ds.sizes['sample']} weight samples per rate): γ_s > 0: {yes(positive)}; "
        f"mean γ_s at {', '.join(f'{r:g}' for r in ds['rate'].values)} Hz = "
        f"{', '.join(f'{m:.2f}' for m in means)} (rank corr. with rate {rho:+.2f}; grows: {yes(grows)}); "
        f"at σ_V² = {shape['var']:g} γ_s is minimal at μ_V = {shape['argmin']:.1f} mV "
        f"(θ − ln2/β = {peak:.2f}) and rises faster above it (γ_s(μ*+10)/γ_s(μ*−10) = {shape['ratio']:.1f}): "
        f"{yes(curve_ok)}; claim C13 holds: {yes(positive and grows and curve_ok)}"
    )


def figure10_curve_shape(ds, peak, distance=10.0):
    """Minimum and asymmetry of the smallest-variance γ_s(μ_V) curve of a Fig 10 Dataset (claim C13)."""
    curve = ds["gamma_s_curve"].isel(curve_var=int(np.argmin(ds["curve_var"].values)))
    mu, g = ds["mu"].values, curve.values
    argmin = float(mu[np.argmin(g)])
    above, below = np.interp(argmin + distance, mu, g), np.interp(argmin - distance, mu, g)
    step = float(mu[1] - mu[0])
    return {
        "var": float(curve["curve_var"]),
        "argmin": argmin,
        "ratio": float(above / below),
        "near_peak": abs(argmin - peak) <= 0.5 + step,
        "steeper_above": bool(above > below),
    }


@figure_dataset
def figure11(
    samples: int = 20,
    usp_samples: int = 20,
    seed: Seed = 2022,
    *,
    full: bool = False,
    n: int = 100,
    rates: ArrayLike = RATES,
    sizes: ArrayLike = SIZES,
    size_rate: float = SIZE_RATE,
    c_w: float = C_W,
    usp_bins: int = 400,
    neuron: Neuron | None = None,
) -> xr.Dataset:
    """Learning-rule coefficients and their approximations (Fig 11A–L).

    Protocol (paper, Fig 11 and Methods; authors' File01_coefficients_Fig10-11.py):
    weights w ~ U(−5, 5)/n, all afferents at one rate; coefficients from the
    Gaussian approximation (Eqns 77–82, 102–105) by quadrature.

    * A–D: g1…g4 versus the rate (n = 100, r ∈ {5, …, 45} Hz);
    * E–H: g1…g4 versus n ∈ {10, 50, 100, 200} at 20 Hz;
    * I: g1 versus the total rate n·r with the approximation −1/q (Eqn 111);
    * J: γ_u = −c_ε ε0 (c_ε ε0 g1 Σx + g3 V) (Eqn 108) versus
      s = c_ε Σx / Σr (Eqn 111) for ``usp_samples`` USP vectors per weight
      sample (value after 400 bins of a train starting from zero);
    * K, L: γ_w = c_ε ε0 g2 Σx + g4 V (Eqn 109) versus g4·V and c_w·V
      (Eqn 113, c_w = 0.05; the authors' plotting script uses 0.04).

    The same n = 100 weight samples serve A–D and J–L, and the weights of
    each n serve E–I (the authors draw fresh ones per panel).

    Parameters
    ----------
    samples : int
        Weight vectors per rate and per n (paper: 20).
    usp_samples : int
        USP vectors per weight sample for J–L (paper: 20).
    seed : int, SeedSequence, Generator or None
        Root seed of weights and USP samples.
    full : bool
        The paper's size (20 and 20; the defaults already are).
    n, rates, sizes, size_rate
        Afferents of A–D and J–L, their rates (Hz), the afferent counts of
        E–I and the rate of E–H.
    c_w : float
        Constant of the approximation γ_w ≈ c_w V.
    usp_bins : int
        Bins of each USP train (paper: 400).
    neuron : Neuron, optional
        The paper's neuron by default.

    Returns
    -------
    xarray.Dataset
        ``g1``…``g4``, ``mean_v`` (μ_V), ``var_v`` (σ_V²) (``rate``, ``sample``); ``g1_n``…``g4_n`` (``n``,
        ``sample``); ``g1_nr`` (``n``, ``rate``, ``sample``), ``total_rate``
        and ``minus_inv_q`` (``n``, ``rate``); ``gamma_u``, ``s``,
        ``gamma_w``, ``g4_v``, ``cw_v`` (``rate``, ``sample``, ``usp``).
    """
    import xarray as xr

    neuron = resolve(neuron)
    if full:
        samples, usp_samples = 20, 20
    samples = _count(samples, "samples", maximum=MAX_WEIGHT_SAMPLES)
    usp_samples = _count(usp_samples, "usp_samples")
    c_w = finite_real(c_w, "c_w", lo=0.0, hi=1e6)
    at_most(usp_samples, "usp_samples", 2**34)
    at_most(usp_bins, "usp_bins", 2**32)
    n, usp_bins = _count(n, "n", 2), _count(usp_bins, "usp_bins")
    rates, sizes = _positive(rates, "rates"), _positive(sizes, "sizes").astype(int)
    size_rate = positive(size_rate, "size_rate")
    seed = root(seed)
    weights = {int(k): _weights(stream(seed, int(k)), samples, int(k)) for k in {*sizes.tolist(), n}}
    data = _by_rate(weights[n], rates, neuron)
    data.update(_by_size(weights, sizes, rates, size_rate, neuron))
    data.update(_gammas(weights[n], rates, usp_samples, usp_bins, c_w, seed, neuron))
    ds = xr.Dataset(
        data, coords={"rate": rates, "sample": np.arange(samples), "n": sizes, "usp": np.arange(usp_samples)}
    )
    ds["rate"].attrs["units"] = "Hz"
    ds.attrs.update(
        **provenance("11", seed),
        samples=samples,
        usp_samples=usp_samples,
        n_afferents=n,
        rates=rates.tolist(),
        sizes=sizes.tolist(),
        size_rate=float(size_rate),
        c_w=float(c_w),
        plot_script_c_w=PLOT_SCRIPT_C_W,
        usp_bins=usp_bins,
        weight_range=[-W_SCALE, W_SCALE],
        c_eps=neuron.c_eps,
    )
    return ds


def _by_rate(w, rates, neuron):
    coef, mean, var = _rate_coefficients(w, rates, neuron)
    dims = ("rate", "sample")
    return {
        **{f"g{k}": (dims, getattr(coef, f"g{k}")) for k in range(1, 5)},
        "mean_v": (dims, mean),
        "var_v": (dims, var),
    }


def _by_size(weights, sizes, rates, size_rate, neuron):
    at_size_rate = [_rate_coefficients(weights[int(m)], np.array([size_rate]), neuron)[0] for m in sizes]
    out = {f"g{k}_n": (("n", "sample"), np.stack([getattr(c, f"g{k}")[0] for c in at_size_rate])) for k in range(1, 5)}
    g1 = np.stack([_rate_coefficients(weights[int(m)], rates, neuron)[0].g1 for m in sizes])
    q = np.stack([voltage_statistics(np.zeros(int(m)), rates[:, None], neuron=neuron)[2] for m in sizes])  # Eqn 36
    out.update(
        g1_nr=(("n", "rate", "sample"), g1),
        total_rate=(("n", "rate"), sizes[:, None] * rates[None, :]),
        minus_inv_q=(("n", "rate"), -1.0 / q),
    )
    return out


def _gammas(w, rates, usp_samples, usp_bins, c_w, root, neuron):
    """γ_u, s, γ_w, g4·V, c_w·V for USP samples at every rate (Fig 11J–L)."""
    coef, _, _ = _rate_coefficients(w, rates, neuron)
    samples, n = w.shape
    x = np.stack(
        [
            sample_usps(
                np.full(n, r),
                samples * usp_samples,
                bins=usp_bins,
                neuron=neuron,
                seed=np.random.SeedSequence(root, spawn_key=(1000 + i,)),
            ).reshape(samples, usp_samples, n)
            for i, r in enumerate(rates)
        ]
    )
    factors = [  # V, Σx, γ_u (Eqn 108) and γ_w (Eqn 109) of the natural rule, per rate and weight sample
        [rule_factors("natural", w[k], x[i, k], np.full(n, r), neuron=neuron) for k in range(samples)]
        for i, r in enumerate(rates)
    ]
    v, sum_x, gamma_u, gamma_w = (
        np.array([[f[name] for f in row] for row in factors]) for name in ("v", "sum_x", "gamma_u", "gamma_w")
    )
    s = neuron.c_eps * sum_x / (n * rates[:, None, None])  # Eqn 111
    dims = ("rate", "sample", "usp")
    return {
        "gamma_u": (dims, gamma_u),
        "s": (dims, s),
        "gamma_w": (dims, gamma_w),
        "g4_v": (dims, coef.g4[..., None] * v),
        "cw_v": (dims, c_w * v),
    }


def figure11_checks(ds):
    """The numbers behind claim C10 for a Fig 11 Dataset (dict of floats and bools).

    ``g1q_small``/``g1q_large``: mean g1·q at the smallest and largest n·r;
    ``g4_spread_rate``/``g4_spread_n``: max/min of the mean g4 across rates
    and across n, compared with the same ratio for |g1| (``g1_spread_*``);
    ``gamma_u_ratio``: median γ_u/s; ``gamma_u_corr``: correlation of γ_u and
    s; ``gamma_w_corr_g4v``/``gamma_w_corr_cwv``: correlations of γ_w with
    g4·V and c_w·V.
    """
    g1q = (ds["g1_nr"] / -ds["minus_inv_q"]).mean("sample").values.ravel()
    order = np.argsort(ds["total_rate"].values.ravel())
    spread = lambda a: float(np.abs(a).max() / np.abs(a).min())
    corr = lambda a, b: float(np.corrcoef(ds[a].values.ravel(), ds[b].values.ravel())[0, 1])
    out = {
        "g1q_small": float(g1q[order[0]]),
        "g1q_large": float(g1q[order[-1]]),
        "g4_spread_rate": spread(ds["g4"].mean("sample").values),
        "g4_spread_n": spread(ds["g4_n"].mean("sample").values),
        "g1_spread_rate": spread(ds["g1"].mean("sample").values),
        "g1_spread_n": spread(ds["g1_n"].mean("sample").values),
        "gamma_u_ratio": float(np.median((ds["gamma_u"] / ds["s"]).values)),
        "gamma_u_corr": corr("gamma_u", "s"),
        "gamma_w_corr_g4v": corr("gamma_w", "g4_v"),
        "gamma_w_corr_cwv": corr("gamma_w", "cw_v"),
    }
    out["g1q_to_minus_one"] = abs(out["g1q_large"] + 1) < min(0.05, abs(out["g1q_small"] + 1))
    out["g4_constant"] = (
        max(out["g4_spread_rate"], out["g4_spread_n"]) < 2
        and out["g4_spread_rate"] < out["g1_spread_rate"] / 3
        and out["g4_spread_n"] < out["g1_spread_n"] / 3
    )
    out["gamma_u_near_s"] = abs(out["gamma_u_ratio"] - 1) < 0.1 and out["gamma_u_corr"] > 0.8
    return out


def claim_figure11(ds: xr.Dataset) -> str:
    """One line: g1·q → −1, mean g4 roughly constant, γ_u ≈ s, γ_w ≈ g4 V ≈ c_w V (claim C10)."""
    c = figure11_checks(ds)
    yes = lambda ok: "yes" if ok else "NO"
    nr = ds["total_rate"].values
    ok = c["g1q_to_minus_one"] and c["g4_constant"] and c["gamma_u_near_s"]
    return (
        f"Fig 11 ({ds.sizes['sample']} weight samples): g1·q = {c['g1q_small']:.3f} at n·r = {nr.min():g} → "
        f"{c['g1q_large']:.3f} at n·r = {nr.max():g} (→ −1: {yes(c['g1q_to_minus_one'])}); "
        f"mean g4 max/min ×{c['g4_spread_rate']:.2f} over rates, ×{c['g4_spread_n']:.2f} over n "
        f"(g1: ×{c['g1_spread_rate']:.1f}, ×{c['g1_spread_n']:.1f}; roughly constant: {yes(c['g4_constant'])}); "
        f"γ_u/s median {c['gamma_u_ratio']:.3f}, corr {c['gamma_u_corr']:.2f} (γ_u ≈ s: "
        f"{yes(c['gamma_u_near_s'])}); corr(γ_w, g4·V) = {c['gamma_w_corr_g4v']:.3f}, "
        f"corr(γ_w, c_w·V) = {c['gamma_w_corr_cwv']:.3f}; claim C10 holds: {yes(ok)}"
    )
