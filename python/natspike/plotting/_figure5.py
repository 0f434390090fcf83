"""Fig 5: learning speed versus USP variance (example USP traces, weight changes, summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._style import attr

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Scenario colours of the authors' figure (reference, short τ_s, low rate).
SCENARIO_COLORS = ("mediumseagreen", "dodgerblue", "darkorange")


def figure5(ds: xr.Dataset) -> Figure:
    """Fig 5: top, the USP trace and its histogram for the three scenarios
    (50 Hz/20 ms, 50 Hz/1 ms, 10 Hz/20 ms); bottom left, their mean weight
    change over time (% of w0); bottom right (panel H), the % change after
    learning versus the USP standard deviation for the τ_s sweep (circles)
    and the rate sweep (squares). Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(10, 6))
    grid = fig.add_gridspec(2, 6, height_ratios=[1, 1.25], width_ratios=[2.2, 1] * 3)
    for i, color in enumerate(SCENARIO_COLORS):
        trace_ax = fig.add_subplot(grid[0, 2 * i])
        hist_ax = fig.add_subplot(grid[0, 2 * i + 1], sharey=trace_ax)
        _usp_panel(trace_ax, hist_ax, ds, i, color)
    ax_w = fig.add_subplot(grid[1, :3])
    ax_h = fig.add_subplot(grid[1, 3:])
    _trajectories(ax_w, ds)
    _summary(ax_h, ds)
    fig.suptitle(
        f"Fig 5: {attr(ds, 'n_trials', '?')} replicate(s) per point, {ds.attrs.get('protocol', 'paper')} protocol",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def _usp_panel(ax: Axes, hist_ax: Axes, ds: xr.Dataset, i: int, color: str) -> None:
    usp = ds["scenario_usp"].isel(scenario=i).values
    t = ds["usp_time"].values
    ax.plot(t, usp, color=color, lw=0.3)
    top = 5.0  # the authors' axis; rare higher peaks are clipped
    ax.set_ylim(0, top)
    ax.set_xlim(t[0], t[-1])
    ax.set_xlabel("t [s]")
    if i == 0:
        ax.set_ylabel(r"$x^\epsilon$ [mV]")
    rate, tau = float(ds["scenario_rate"][i]), float(ds["scenario_tau_s"][i])
    ax.set_title(
        f"r = {rate:g} Hz, $\\tau_s$ = {1000 * tau:g} ms\n$\\sigma$ = {float(ds['scenario_std'][i]):.2f} mV",
        fontsize=8,
        loc="left",
    )
    edges = np.arange(0, top + 0.5, 0.5)
    hist_ax.hist(usp, bins=edges, orientation="horizontal", color=color, density=True)  # type: ignore[arg-type]
    hist_ax.set_xlabel(r"$p(x^\epsilon)$", fontsize=8)
    hist_ax.tick_params(labelleft=False, labelsize=7)
    for a in (ax, hist_ax):
        a.spines[["top", "right"]].set_visible(False)


def _trajectories(ax: Axes, ds: xr.Dataset) -> None:
    for i, color in enumerate(SCENARIO_COLORS):
        label = f"{float(ds['scenario_rate'][i]):g} Hz, {1000 * float(ds['scenario_tau_s'][i]):g} ms"
        ax.plot(ds["time"], ds["scenario_change"].isel(scenario=i), color=color, lw=1.5, label=label)
    ax.set_xlabel("t [s]")
    ax.set_ylabel(r"$\Delta w / w_0$ [%]")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)


def _summary(ax: Axes, ds: xr.Dataset) -> None:
    for prefix, marker, label in (
        ("tau_sweep", "o", r"$\tau_s$ = 1…20 ms at 10 Hz"),
        ("rate_sweep", "s", r"r = 10…50 Hz at $\tau_s$ = 20 ms"),
    ):
        std, change = ds[f"{prefix}_std"].values, ds[f"{prefix}_change"].values
        trials = ds[f"{prefix}_change_trials"]
        if trials.sizes.get("trial", 1) > 1:
            sem = trials.std("trial").values / np.sqrt(trials.sizes["trial"])
            ax.errorbar(std, change, yerr=sem, fmt="none", ecolor="0.5", lw=1)
        ax.scatter(std, change, color="k", marker=marker, s=22, zorder=3, label=label, facecolors="k")
    ax.set_xlabel(r"USP standard deviation $\sqrt{\mathrm{Var}(x^\epsilon)}$ [mV]")
    ax.set_ylabel(r"$\Delta w / w_0$ after learning [%]")
    ax.set_title("H", loc="left", fontweight="bold")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
