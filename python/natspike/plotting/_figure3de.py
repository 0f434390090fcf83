"""Fig 3D–E: cost contours, normalised gradient arrows and mean weight paths (n = 2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from ._style import COLORS, LABELS

if TYPE_CHECKING:
    from collections.abc import Sequence

    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .._typing import ArrayLike, FloatArray


_PANELS = (("euclidean", "D"), ("natural", "E"))


def figure3de(ds: xr.Dataset, axes: Sequence[Axes] | None = None) -> Figure:
    """Fig 3D (Euclidean, blue) and 3E (natural, red), side by side.

    Each panel shows the Poisson-form cost contours (the paper's levels),
    the normalised sample-mean update at the paper's 20 grid points, the
    trial-averaged weight path from the start (open circle) and the target
    w* (filled circle), all in units of n·w. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.4, 4.2), sharex=True, sharey=True)
    fig = cast("Figure", axes[0].figure)  # the Axes of a Figure (a SubFigure has no tight_layout)
    for ax, (rule, letter) in zip(axes, _PANELS):
        _panel(ax, ds, rule, COLORS[rule])
        mean_angle = float(ds["angle"].sel(rule=rule).mean())
        ax.set_title(
            rf"$\bf{{{letter}}}$  {LABELS[rule]}  (mean angle to w* {mean_angle:.0f}°)", loc="left", fontsize=10
        )
    axes[0].set_ylabel(r"$w_2$ [a.u.]  (50 Hz)")
    fig.tight_layout()
    return fig


def _panel(ax: Axes, ds: xr.Dataset, rule: str, color: str) -> None:
    levels = list(ds.attrs.get("levels", (0.001, 0.003, 0.005, 0.009, 0.015, 0.02, 0.03, 0.04)))
    ax.contour(ds["cost_w1"], ds["cost_w2"], ds["cost"].T, levels=levels, colors=color, linewidths=0.6, alpha=0.9)
    arrows = ds["arrows"].sel(rule=rule)
    a1, a2 = _mesh(ds["arrow_w1"].values, ds["arrow_w2"].values)
    ax.quiver(
        a1,
        a2,
        arrows.sel(component="w1").values,
        arrows.sel(component="w2").values,
        color=color,
        angles="xy",
        scale=10,
        width=0.007,
        pivot="tail",
    )
    path = ds["path"].sel(rule=rule)
    ax.plot(path.sel(component="w1"), path.sel(component="w2"), color=color, lw=2)
    start, target = ds.attrs.get("start", (-0.3, 0.5)), ds.attrs.get("target", (0.15, 0.15))
    ax.plot(*start, "o", mfc="white", mec=color, ms=6, clip_on=False, zorder=3)
    ax.plot(*target, "o", color=color, ms=6, zorder=3)
    ax.set_xlim(-0.3, 0.5)
    ax.set_ylim(-0.3, 0.5)
    ax.set_xticks([-0.2, 0.0, 0.2, 0.4])
    ax.set_yticks([-0.2, 0.0, 0.2, 0.4])
    ax.set_aspect("equal")
    ax.set_xlabel(r"$w_1$ [a.u.]  (10 Hz)")


def _mesh(w1: ArrayLike, w2: ArrayLike) -> tuple[FloatArray, FloatArray]:
    import numpy as np

    return np.meshgrid(w1, w2, indexing="ij")
