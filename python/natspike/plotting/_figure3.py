"""Fig 3F learning curves (also used by Figs 9A–C and 12C–F)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from ..experiments._common import counted
from ._style import COLORS, LABELS, attr, minutes

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Axis label and log-scale choice of each learning-curve metric.
METRICS = {
    "kl": (r"$D_{\mathrm{KL}}$", True),
    "rate_error": ("RMS rate error [Hz]", False),
    "weight_distance": (r"$\|w - w^*\|$", False),
}


def figure3f(
    ds: xr.Dataset, ax: Axes | None = None, *, spread: bool = True, metric: str = "kl", legend: bool = True
) -> Axes:
    """Fig 3F: a learning-curve metric (mean over trials) versus learning time, per rule.

    Parameters
    ----------
    ds : xarray.Dataset
        From :func:`natspike.experiments.figure3f` (or any Dataset with its
        layout: ``<metric>`` with dims ``("rule", "time")``, optionally
        ``<metric>_trials`` and ``crossing_time``).
    ax : matplotlib Axes, optional
    spread : bool
        Shade the min–max range over trials (Fig 9A).
    metric : {"kl", "rate_error", "weight_distance"}
        D_KL is drawn on a log axis with the 5·10⁻⁵ threshold (dashed) and
        each rule's crossing time (dot on the threshold line).
    legend : bool

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt

    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, got {metric!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.6))
    draw_curves(ax, ds, metric, spread=spread)
    ax.set_title(f"Fig 3F: {counted(attr(ds, 'n_trials', '?'), 'trial')}, n = {ds.attrs.get('n', '?')}")
    if legend:
        ax.legend(frameon=False)
    cast("Figure", ax.figure).tight_layout()  # the Axes of a Figure (a SubFigure has no tight_layout)
    return ax


def draw_curves(ax: Axes, ds: xr.Dataset, metric: str = "kl", *, spread: bool = True) -> Axes:
    """Draw one metric per rule of a learning-curve Dataset on ``ax`` (paper colours)."""
    label, log = METRICS[metric]
    t = minutes(ds["time"])  # stored in seconds, drawn in minutes as in the paper
    per_trial = f"{metric}_trials"
    for rule in map(str, ds["rule"].values):
        c = COLORS.get(rule, "k")
        ax.plot(t, ds[metric].sel(rule=rule), color=c, label=LABELS.get(rule, rule), lw=2)
        if spread and per_trial in ds and ds.sizes.get("trial", 1) > 1:
            per = ds[per_trial].sel(rule=rule)
            ax.fill_between(t, per.min("trial"), per.max("trial"), color=c, alpha=0.15, lw=0)
    if metric == "kl":
        threshold = ds.attrs.get("threshold", 5e-5)
        ax.axhline(threshold, color="0.4", ls="--", lw=1)
        if "crossing_time" in ds:
            for rule in map(str, ds["rule"].values):
                t_cross = float(minutes(ds["crossing_time"].sel(rule=rule)))
                if np.isfinite(t_cross):
                    ax.plot(t_cross, threshold, "o", color=COLORS.get(rule, "k"), ms=6, mec="k", mew=0.5, zorder=5)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("time [min]")
    ax.set_ylabel(label)
    ax.set_xlim(t[0], t[-1])
    return ax
