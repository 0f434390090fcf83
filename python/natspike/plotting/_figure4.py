"""Fig 4: democratic plasticity (dendritic weight traces and changes versus distance)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    import xarray as xr
    from matplotlib.figure import Figure


_PROXIMAL, _DISTAL = "#e377c2", "#7f3f98"


def figure4(ds: xr.Dataset, *, traced: Sequence[float] = (3, 7)) -> Figure:
    """Fig 4B (dendritic weight traces for α⁻¹ in ``traced``) and 4C (changes after learning vs α⁻¹).

    Left: w^d(t) of a proximal and a distal synapse. Middle: absolute
    change Δw^d, which grows ∝ α⁻¹ (dashed line through the origin).
    Right: relative change 100·Δw^d/w^d_0, the same at every distance.
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, (ax_b, ax_abs, ax_rel) = plt.subplots(1, 3, figsize=(10, 3.3))
    inv = ds["inverse_attenuation"].values
    shown = [k for k in traced if np.isclose(inv, k).any()] or sorted({inv[0], inv[-1]})
    for k, color in zip(shown, (_PROXIMAL, _DISTAL, "0.3", "0.6")):
        trace = ds["dendritic_weight"].sel(inverse_attenuation=float(inv[np.isclose(inv, k)][0]))
        ax_b.plot(ds["time"], trace, color=color, lw=1.2, label=rf"$\alpha^{{-1}} = {k:g}$")
    ax_b.set_xlabel("t [s]")
    ax_b.set_ylabel(r"$w^\mathrm{d}$ [a.u.]")
    ax_b.legend(frameon=False, fontsize=8)
    ax_b.set_title("B", loc="left", fontweight="bold")

    slope = ds.attrs.get("absolute_change_per_inverse_attenuation", float(np.mean(ds["absolute_change"] / inv)))
    line = np.linspace(0, inv.max() * 1.05, 2)
    ax_abs.plot(line, slope * line, color="0.6", ls="--", lw=1)
    ax_abs.scatter(inv, ds["absolute_change"], color="k", s=18, zorder=3)
    ax_abs.set_xlabel(r"inverse attenuation $\alpha^{-1}$")
    ax_abs.set_ylabel(r"$\Delta w^\mathrm{d}$ [a.u.]")
    ax_abs.set_title("C", loc="left", fontweight="bold")
    ax_abs.set_xlim(0, inv.max() * 1.05)
    ax_abs.set_ylim(0 if slope > 0 else None, None if slope > 0 else 0)

    rel = ds["relative_change"].values
    ax_rel.scatter(inv, rel, color="k", s=18, zorder=3)
    top = max(abs(rel).max() * 1.4, 1.0)
    ax_rel.set_ylim(min(0.0, -top if rel.mean() < 0 else 0.0), top if rel.mean() > 0 else 0.0)
    ax_rel.set_xlim(0, inv.max() * 1.05)
    ax_rel.set_xlabel(r"inverse attenuation $\alpha^{-1}$")
    ax_rel.set_ylabel(r"$\Delta w^\mathrm{d} / w^\mathrm{d}_0$ [%]")
    for ax in (ax_b, ax_abs, ax_rel):
        ax.spines[["top", "right"]].set_visible(False)
    for ax in (ax_abs, ax_rel):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.suptitle(
        f"Fig 4: equal somatic weight {ds.attrs.get('somatic_weight', 0.05):g} at every distance, "
        f"{ds.attrs.get('duration', 5):.0f} s of learning ({ds.attrs.get('protocol', 'paper')} protocol)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig
