"""Fig 3B–C: raster, PSTH and membrane potential before and after learning."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..experiments._common import counted
from ._style import COLORS, attr

if TYPE_CHECKING:
    import xarray as xr
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def figure3bc(ds: xr.Dataset, *, raster_rows: int | None = None) -> Figure:
    """Fig 3B (before learning, left) and 3C (after learning, right).

    Rows: raster of the student (red) and of the teacher (orange) for the
    first ``raster_rows`` repetitions (default: all), PSTH of both over all repetitions
    (spikes per repetition and 12.5-ms bin), and the membrane potential
    V − 70 mV of one repetition's input. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(4, 2, figsize=(7.5, 7), sharex=True, gridspec_kw={"height_ratios": [1, 1, 1.1, 1.3]})
    t = ds["time"].values
    v_rest = ds.attrs.get("v_rest", -70.0)
    psth_max = float(ds["psth"].max())
    v_all = ds["voltage"].values + v_rest
    for col, (student, title) in enumerate((("initial", "B  before learning"), ("learned", "C  after learning"))):
        ax_s, ax_t, ax_p, ax_v = axes[:, col]
        _raster(ax_s, ds, student, COLORS["student"], raster_rows)
        _raster(ax_t, ds, "target", COLORS["teacher"], raster_rows)
        _psth(ax_p, ds, student)
        ax_p.set_ylim(0, 1.1 * psth_max)
        ax_v.plot(t, ds["voltage"].sel(weights=student) + v_rest, color=COLORS["student"], lw=1, label="student")
        ax_v.plot(t, ds["voltage"].sel(weights="target") + v_rest, color=COLORS["teacher"], lw=1, label="teacher")
        ax_v.set_ylim(v_all.min() - 1, v_all.max() + 1)
        ax_v.set_xlabel("t [s]")
        ax_s.set_title(title, loc="left", fontweight="bold")
        if col == 0:
            ax_s.set_ylabel("student\n# trial")
            ax_t.set_ylabel("teacher\n# trial")
            ax_p.set_ylabel("spikes/trial")
            ax_v.set_ylabel("V [mV]")
            ax_v.legend(frameon=False, fontsize=8, loc="upper right")
    for ax in axes.flat:
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1, 0].set_xlim(t[0], t[-1] + (t[1] - t[0]))
    fig.suptitle(
        f"Fig 3B–C: {counted(ds.attrs.get('repetitions'), 'repetition')}, learned weights after "
        f"{attr(ds, 'duration_minutes', 0):.0f} min of natural-gradient learning",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def _raster(ax: Axes, ds: xr.Dataset, which: str, color: str, rows: int | None) -> None:
    spikes = ds["spikes"].sel(weights=which).values[:rows]
    rep, k = np.nonzero(spikes)
    ax.scatter(ds["time"].values[k], rep, s=0.3, color=color, marker=".", linewidths=0, rasterized=True)
    ax.set_ylim(-1, spikes.shape[0])


def _psth(ax: Axes, ds: xr.Dataset, student: str) -> None:
    centers = ds["psth_time"].values
    width = float(ds.attrs.get("psth_bin", centers[1] - centers[0] if centers.size > 1 else 0.0125))
    bar = 0.42 * width
    ax.bar(centers - bar / 2, ds["psth"].sel(weights=student), width=bar, color=COLORS["student"], label="student")
    ax.bar(centers + bar / 2, ds["psth"].sel(weights="target"), width=bar, color=COLORS["teacher"], label="teacher")
