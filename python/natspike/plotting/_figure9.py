"""Fig 9: convergence analysis (learning curves A–C, convergence time versus learning rate D)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..experiments._common import counted
from ._figure3 import draw_curves
from ._style import COLORS, LABELS, attr, minutes

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def figure9(ds: xr.Dataset, *, spread: bool = True) -> Figure:
    """Fig 9A–D from :func:`natspike.experiments.figure9`.

    A: mean D_KL (log axis) with the min/max over trials shaded; B: mean
    ‖w − w*‖; C: mean RMS rate error (Hz); D: time until the trial-averaged
    D_KL first falls below 5·10⁻⁵ versus η/η0. Factors at which a rule did
    not converge within the run are drawn as open triangles at the run
    length (a lower bound). Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(9, 6.5))
    for ax, metric, letter in zip(axes.flat[:3], ("kl", "weight_distance", "rate_error"), "ABC"):
        draw_curves(ax, ds, metric, spread=spread and metric == "kl")
        ax.set_title(letter, loc="left", fontweight="bold")
    axes[0, 0].legend(frameon=False)
    convergence_panel(axes[1, 1], ds)
    axes[1, 1].set_title("D", loc="left", fontweight="bold")
    fig.suptitle(
        f"Fig 9: {counted(attr(ds, 'n_trials', '?'), 'trial')}, n = {ds.attrs.get('n', '?')}, "
        f"{attr(ds, 'duration_minutes', float('nan')):.0f} min"
    )
    fig.tight_layout()
    return fig


def convergence_panel(ax: Axes, ds: xr.Dataset) -> Axes:
    """Fig 9D: convergence time versus η/η0, natural red, Euclidean blue."""
    x = ds["eta_factor"].values
    run_minutes = attr(ds, "duration_minutes", float(minutes(ds["time"])[-1]))
    rules = list(map(str, ds["rule"].values))
    for i, rule in enumerate(rules):
        c = COLORS.get(rule, "k")
        t = minutes(ds["convergence_time"].sel(rule=rule))  # stored in seconds, drawn in minutes
        ok = np.isfinite(t)
        if ok.any():
            ax.plot(x[ok], t[ok], "o-", color=c, label=LABELS.get(rule, rule), lw=1.5)
        if (~ok).any():  # lower bounds, nudged sideways so that the rules do not hide each other
            nudge = 1 + 0.02 * (i - (len(rules) - 1) / 2)
            ax.plot(
                x[~ok] * nudge,
                np.full((~ok).sum(), run_minutes),
                "^",
                color=c,
                mfc="none",
                ms=8,
                label=f"{LABELS.get(rule, rule)}: not within {run_minutes:.0f} min",
            )
    ax.set_xlabel(r"$\eta / \eta_0$")
    ax.set_ylabel("convergence time [min]")
    ax.set_ylim(0, run_minutes * 1.08)
    ax.legend(frameon=False, fontsize=8)
    return ax
