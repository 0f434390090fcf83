"""Fig 12: angle histograms (A–B) and learning curves (C–F) of the approximate rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..experiments._common import counted
from ._style import COLORS, attr

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.figure import Figure


# ---------------------------------------------------------------------------------------------------------------
# Fig 12A–B: angle histograms
# ---------------------------------------------------------------------------------------------------------------


def figure12_angles(ds: xr.Dataset, *, bin_width: float = 5.0) -> Figure:
    """Fig 12A–B: histograms of the angle to the natural-gradient direction, Euclidean (A) and Fisher (B) metric.

    Orange: natural vs approximate; blue: natural vs Euclidean. Entries of
    all input patterns are pooled (one entry per weight sample: the mean
    over its USP samples); bins of ``bin_width`` degrees on [0°, 90°]; the y
    axis is the fraction of entries. Per-pattern means are listed in the
    legend. Returns the Figure.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    edges = np.arange(0.0, 90.0 + bin_width / 2, bin_width)
    colors = {"approximate": COLORS["approximate"], "euclidean": COLORS["euclidean"]}
    for ax, metric, letter in zip(axes, ("euclidean", "fisher"), "AB"):
        sub = ds["angle"].sel(metric=metric)
        data = [sub.sel(compared=c).values.ravel() for c in ("approximate", "euclidean")]
        weights = [np.full(d.size, 1.0 / d.size) for d in data]
        means = ds["mean_angle"].sel(metric=metric)
        labels = [
            f"natural vs {c}: " + ", ".join(f"{float(v):.0f}°" for v in means.sel(compared=c).values)
            for c in ("approximate", "euclidean")
        ]
        counts, _, _ = ax.hist(
            data, edges, weights=weights, color=[colors["approximate"], colors["euclidean"]], label=labels
        )
        ax.set_ylim(0, 1.45 * np.max(counts))
        ax.set_xlim(0, 90)
        ax.set_xticks([0, 45, 90])
        ax.set_xlabel(f"angle, {metric.capitalize()} metric [deg]")
        ax.set_title(f"{letter}: {metric.capitalize()} metric", fontsize=10)
        title = "mean per pattern r1/r2 = " + ", ".join(map(str, ds["pattern"].values)) + " Hz"
        ax.legend(frameon=False, fontsize=7, loc="upper left", title=title, title_fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel("fraction of samples")
    fig.suptitle(
        f"Fig 12A–B: {attr(ds, 'n_trials')} weight samples × {ds.attrs.get('usp_samples')} USP samples "
        f"per pattern, n = {ds.attrs.get('n')}",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------------------------------------------
# Fig 12C–F: learning curves per input pattern
# ---------------------------------------------------------------------------------------------------------------


def figure12_curves(ds: xr.Dataset, *, spread: bool = False) -> Figure:
    """Fig 12C–F: mean D_KL versus time for each input pattern, one panel each.

    Natural red, Euclidean blue, approximate orange; log D_KL axis with the
    5·10⁻⁵ threshold dashed and each crossing marked by a dot. ``spread`` shades the
    min–max range over trials. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from ._figure3 import draw_curves

    labels = [str(p) for p in ds["pattern"].values]
    cols = 2 if len(labels) in (2, 4) else min(len(labels), 3)
    rows = -(-len(labels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols, 3.1 * rows), sharey=True, squeeze=False)
    for i, (ax, label) in enumerate(zip(axes.flat, labels)):
        draw_curves(ax, ds.sel(pattern=label), "kl", spread=spread)
        ax.set_title(f"{'CDEFGHIJKLMNOP'[i] if i < 14 else ''}  {label} Hz", loc="left")
        if i % cols:
            ax.set_ylabel("")
    for ax in list(axes.flat)[len(labels) :]:
        ax.set_visible(False)
    axes.flat[0].legend(frameon=False, fontsize=8)
    fig.suptitle(f"Fig 12C-F: {counted(attr(ds, 'n_trials', '?'), 'trial')}, n = {ds.attrs.get('n', '?')}")
    fig.tight_layout()
    return fig
