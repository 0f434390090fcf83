"""Fig 3F learning curves."""

from __future__ import annotations

from ._style import COLORS, LABELS


def figure3f(ds, ax=None, *, spread=True):
    """Fig 3F: mean D_KL over trials versus learning time, per rule.

    With ``spread`` the min–max range over trials is shaded (Fig 9A). The
    dashed line marks the 5·10⁻⁵ threshold used for convergence times.
    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.6))
    t = ds["time"].values
    for rule in ds["rule"].values:
        rule = str(rule)
        c = COLORS.get(rule, "k")
        ax.plot(t, ds["kl"].sel(rule=rule), color=c, label=LABELS.get(rule, rule), lw=2)
        if spread and ds.sizes.get("trial", 1) > 1:
            per = ds["kl_trials"].sel(rule=rule)
            ax.fill_between(t, per.min("trial"), per.max("trial"), color=c, alpha=0.15, lw=0)
    ax.axhline(ds.attrs.get("threshold", 5e-5), color="0.4", ls="--", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("time [min]")
    ax.set_ylabel(r"$D_{\mathrm{KL}}$")
    ax.set_title(f"Fig 3F: {ds.attrs.get('trials', '?')} trials, n = {ds.attrs.get('n', '?')}")
    ax.legend(frameon=False)
    ax.figure.tight_layout()
    return ax
