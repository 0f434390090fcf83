"""Figs 10 and 11: γ_s versus the mean potential, and the learning-rule coefficients."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .._typing import ArrayLike


#: The authors' colours for these figures: samples dark blue, approximations and means orange.
SAMPLE, APPROX = "darkblue", "orange"


def _clean(ax: Axes) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def figure10(ds: xr.Dataset) -> Figure:
    """Fig 10: γ_s versus μ_V for every weight sample, with φ(μ_V) on a twin axis.

    A second panel shows γ_s(μ_V) at fixed small σ_V² (claim C13) with the
    peak of φ'²/φ at θ − ln2/β dashed. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    fig, (ax, curve) = plt.subplots(1, 2, figsize=(10, 3.8))
    mu, gs = ds["mean_v"].values.ravel(), ds["gamma_s"].values.ravel()
    ax.scatter(mu, gs, s=10, color=SAMPLE, label=r"$\gamma_{\rm s}$")
    twin = ax.twinx()
    twin.scatter(mu, ds["phi_mean"].values.ravel(), s=10, color=APPROX, label=r"$\phi(\mu_V)$")
    ax.set_xlim(-20, 20)
    ax.set_ylim(0, 20)
    twin.set_ylim(0, ds.attrs.get("phi_max", 100.0))
    ax.set_xlabel(r"$\mu_V$ [mV]")
    ax.set_ylabel(r"$\gamma_{\rm s}$", color=SAMPLE)
    twin.set_ylabel(r"$\phi(\mu_V)$ [Hz]", color=APPROX)
    twin.spines["top"].set_visible(False)
    ax.spines["top"].set_visible(False)
    ax.set_title(
        f"Fig 10: n = {ds.attrs.get('n')}, r ∈ {{{', '.join(f'{r:g}' for r in ds['rate'].values)}}} Hz", fontsize=10
    )
    for v in ds["curve_var"].values:
        curve.plot(ds["mu"], ds["gamma_s_curve"].sel(curve_var=v), label=rf"$\sigma_V^2$ = {v:g} mV²")
    peak = ds.attrs["theta"] - np.log(2) / ds.attrs["beta"]
    curve.axvline(peak, color="0.4", ls="--", lw=1, label=r"$\theta - \ln 2/\beta$")
    curve.set_yscale("log")
    curve.set_xlabel(r"$\mu_V$ [mV]")
    curve.set_ylabel(r"$\gamma_{\rm s}$")
    curve.set_title(f"γ_s at fixed variance (q = {ds.attrs.get('curve_q', 78):g})", fontsize=10)
    curve.legend(frameon=False, fontsize=8)
    _clean(curve)
    fig.tight_layout()
    return fig


def _scatter(
    ax: Axes,
    x: ArrayLike,
    y: ArrayLike,
    xlabel: str,
    ylabel: str,
    ylim: tuple[float, float] | None = None,
    xlim: tuple[float, float] | None = None,
) -> None:
    ax.scatter(np.ravel(x), np.ravel(y), s=8, color=SAMPLE, clip_on=False)
    if ylim is not None:
        ax.set_ylim(ylim)
    if xlim is not None:
        ax.set_xlim(xlim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _clean(ax)


def _vs(ax: Axes, ds: xr.Dataset, var: str, dim: str, ylim: tuple[float, float], letter: str, xlabel: str) -> None:
    x = np.broadcast_to(ds[dim].values[:, None], ds[var].shape)
    _scatter(ax, x, ds[var].values, xlabel, f"${var[:2]}$".replace("g", "g_"), ylim)
    if var.startswith("g4"):
        ax.scatter(ds[dim].values, ds[var].mean("sample"), s=30, marker="*", color=APPROX, label="mean", zorder=3)
        ax.legend(frameon=False, fontsize=7, loc="upper left")
    ax.set_title(letter, loc="left", fontsize=10, fontweight="bold")


def _diagonal(ax: Axes, ds: xr.Dataset, x: str, y: str, xlabel: str, ylabel: str, letter: str) -> None:
    xs = ds[x].values.ravel()
    _scatter(ax, xs, ds[y].values.ravel(), xlabel, ylabel)
    lim = [min(xs.min(), ds[y].values.min()), max(xs.max(), ds[y].values.max())]
    ax.plot(lim, lim, color=APPROX, lw=1.5, label="bisecting")
    ax.legend(frameon=False, fontsize=7, loc="lower right")
    ax.set_title(letter, loc="left", fontsize=10, fontweight="bold")


def figure11(ds: xr.Dataset) -> Figure:
    """Fig 11A–L: g1…g4 versus rate (A–D) and n (E–H), g1 versus n·r with −1/q (I),
    γ_u versus s (J), γ_w versus g4·V (K) and c_w·V (L). Returns the Figure.

    Axis ranges follow the authors' plotting script where they fit the data.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 4, figsize=(13, 9))
    rate_lims = ((-0.08, 0), (-0.02, 0), (-0.02, 0), (0, 0.08))
    size_lims = ((-0.24, 0), (-0.04, 0), (-0.04, 0), (0, 0.08))
    for k in range(4):
        _vs(axes[0, k], ds, f"g{k + 1}", "rate", _fit(ds[f"g{k + 1}"], rate_lims[k]), "ABCD"[k], "r [Hz]")
        _vs(axes[1, k], ds, f"g{k + 1}_n", "n", _fit(ds[f"g{k + 1}_n"], size_lims[k]), "EFGH"[k], "n")
    ax = axes[2, 0]
    nr = np.broadcast_to(ds["total_rate"].values[..., None], ds["g1_nr"].shape)
    _scatter(ax, nr, ds["g1_nr"].values, r"$n\cdot r$ [Hz]", r"$g_1$")
    ax.scatter(
        ds["total_rate"].values.ravel(),
        ds["minus_inv_q"].values.ravel(),
        s=20,
        marker="*",
        color=APPROX,
        label=r"$-1/q$",
        zorder=3,
    )
    ax.legend(frameon=False, fontsize=7, loc="center right")
    ax.set_title("I", loc="left", fontsize=10, fontweight="bold")
    _diagonal(axes[2, 1], ds, "s", "gamma_u", r"$s = c_\varepsilon \sum x / \sum r$", r"$\gamma_{\rm u}$", "J")
    _diagonal(axes[2, 2], ds, "g4_v", "gamma_w", r"$g_4 V$", r"$\gamma_{\rm w}$", "K")
    _diagonal(
        axes[2, 3], ds, "cw_v", "gamma_w", f"$c_w V$ ($c_w$ = {ds.attrs.get('c_w', 0.05):g})", r"$\gamma_{\rm w}$", "L"
    )
    fig.suptitle(
        f"Fig 11: coefficients for {ds.sizes['sample']} weight samples w ~ U(−5, 5)/n per condition", fontsize=11
    )
    fig.tight_layout()
    return fig


def _fit(da: xr.DataArray, lims: tuple[float, float]) -> tuple[float, float]:
    """The paper's axis range, widened if a sample falls outside it."""
    lo, hi = float(da.min()), float(da.max())
    return (min(lims[0], lo * 1.05 if lo < 0 else lo), max(lims[1], hi * 1.05 if hi > 0 else hi))
