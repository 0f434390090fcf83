"""Fig 7: homo- and heterosynaptic weight changes (B–D heat maps, E–G example traces)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..experiments._common import counted

if TYPE_CHECKING:
    from collections.abc import Sequence

    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.colorbar import Colorbar
    from matplotlib.colors import Colormap, ListedColormap
    from matplotlib.figure import Figure


#: Group colours of the example traces.
GROUP_STYLE = {"st": dict(color="black", ls="-"), "ust": dict(color="0.45", ls="--")}
GROUP_LABELS = {"st": "stimulated", "ust": "unstimulated"}


def seismic_inverted() -> ListedColormap:
    """The paper's colour map: seismic reversed (red = depression), 500 steps, white middle removed."""
    import matplotlib as mpl

    colors = mpl.colormaps["seismic"](np.linspace(0, 1, 500))[::-1]
    keep = np.r_[0:242, 258:500]
    return mpl.colors.ListedColormap(colors[keep], name="seismic_inverted")


def _heatmap(ax: Axes, ds: xr.Dataset, name: str, cmap: Colormap, color_range: float) -> Colorbar:
    im = ax.pcolormesh(
        ds["w_ust"].values,
        ds["w_st"].values,
        ds[name].values,
        cmap=cmap,
        vmin=-color_range,
        vmax=color_range,
        shading="nearest",
    )
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03, ticks=[-color_range, 0, color_range])
    cb.outline.set_visible(False)
    return cb


def _decorate(
    ax: Axes, ds: xr.Dataset, region: tuple[float, float], title: str, marker_colors: Sequence[str] = ("k", "k", "k")
) -> None:
    from natspike.experiments._figure7 import MARKERS

    for m, c in zip(MARKERS, marker_colors):
        ax.plot(m, m, "o", ms=4, color=c, zorder=3)
    line = ds["zero_error_line"]
    ax.plot(ds["w_ust"].values, line.values, color="0.2", lw=1, ls=":", zorder=2)
    if region is not None:
        ax.set_xlim(region)
        ax.set_ylim(region)
    ax.set_xlabel(r"$n\,w_{\mathrm{ust}}(t_0)$")
    ax.set_ylabel(r"$n\,w_{\mathrm{st}}(t_0)$")
    ax.set_title(title, fontsize=10)
    ax.set_aspect("equal")


def figure7(ds: xr.Dataset, *, region: tuple[float, float] = (1.0, 5.0), color_range: float = 12.0) -> Figure:
    """Fig 7B–D: relative change of stimulated (B) and unstimulated (C) weights, and their sign relation (D).

    B, C use the paper's inverted "seismic" map (red = depression, blue =
    potentiation) with the colour range fixed to ±12 %; values beyond it
    saturate. D is light green where Δw_st and Δw_ust have opposite signs
    (regions O1, O2) and dark green where they agree (S). Black dots mark the
    example weights of panels E–G, the dotted line the zero-error line
    (where Δw_st changes sign). ``region`` sets the axis limits (the paper
    shows n·w ∈ [1.04, 5]; None shows the whole grid). Returns the Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    fig, axes = plt.subplots(1, 3, figsize=(12.5, 4.0))
    cmap = seismic_inverted()
    for ax, name, label, title in (
        (axes[0], "change_st", r"$\Delta w_{\mathrm{st}}$ [%]", "B: stimulated"),
        (axes[1], "change_ust", r"$\Delta w_{\mathrm{ust}}$ [%]", "C: unstimulated"),
    ):
        cb = _heatmap(ax, ds, name, cmap, color_range)
        cb.set_label(label)
        _decorate(ax, ds, region, title)
    signs = ListedColormap(["#c7e9c0", "#006d2c"])
    axes[2].pcolormesh(
        ds["w_ust"].values, ds["w_st"].values, ds["sign_product"].values, cmap=signs, vmin=-1, vmax=1, shading="nearest"
    )
    _decorate(axes[2], ds, region, "D: light = opposite signs, dark = same", ("k", "k", "w"))
    reps, proto = ds.sizes.get("replicate", 1), ds.attrs.get("protocol", "paper")
    fig.suptitle(
        f"Fig 7B–D: {ds.sizes['w_st']}×{ds.sizes['w_ust']} grid, {counted(reps, 'replicate')}, "
        f"η = {ds.attrs.get('eta', 0):g}, {ds.attrs.get('duration', 0):g} s, {proto} protocol",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def figure7_examples(ds: xr.Dataset, *, spread: bool = True) -> Figure:
    """Fig 7E–G: relative change of the stimulated and unstimulated weights over time, one panel per start.

    Bold lines are means over replicates; thin lines single replicates
    (with ``spread``). Returns the Figure.
    """
    import matplotlib.pyplot as plt

    examples = ds["example"].values
    fig, axes = plt.subplots(1, len(examples), figsize=(4.0 * len(examples), 3.2), squeeze=False)
    t = ds["time"].values
    for ax, value, letter in zip(axes[0], examples, "EFGHIJ"):
        sub = ds.sel(example=value)
        for group in ("st", "ust"):
            change = sub[f"change_{group}"]
            if spread and sub.sizes["replicate"] > 1:
                ax.plot(t, change.values.T, lw=0.5, alpha=0.35, **GROUP_STYLE[group])
            ax.plot(t, change.mean("replicate"), lw=2, label=GROUP_LABELS[group], **GROUP_STYLE[group])
        ax.axhline(0, color="0.7", lw=0.8)
        ax.set_title(f"{letter}: $n\\,w(t_0)$ = {value:g}", fontsize=10)
        ax.set_xlabel("time [s]")
        ax.spines[["top", "right"]].set_visible(False)
    axes[0, 0].set_ylabel(r"$\Delta w / w(t_0)$ [%]")
    axes[0, 0].legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
