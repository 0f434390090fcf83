"""The paper's figure experiments as functions returning :class:`xarray.Dataset`.

Each function runs the protocol of one figure of Kreutzer, Petrovici & Senn
(eLife 2022) with the paper's parameters as defaults, at a reduced size that
finishes in about a minute or two on a laptop; ``full=True`` selects the
paper's size. Every Dataset carries its parameters, seed and the natspike
version as attributes. Each ``claim_*`` function checks a figure's Dataset
against the paper's claim and returns a one-line verdict.

Arguments are named as in :func:`natspike.run_trials`: ``n_trials``,
``duration`` and ``record_every`` in seconds, ``input_pool_size``; a
learning time given in minutes is ``duration_minutes``. Every time-valued
variable of a Dataset is in seconds, in every figure, and says so twice:
``units`` is "s" and ``long_name`` ends in "(seconds)". That holds for the
coordinate ``time`` of every figure, also for learning curves that last
minutes (Figs 3D–F, 9, 12C–F), and for ``crossing_time``,
``convergence_time``, Fig 3B–C's ``learning_time`` and ``psth_time``, and
``tau_s``. Where the paper's axes are in minutes, :mod:`natspike.plotting`
divides by 60 when it draws, and the claim lines print minutes. ``seed`` is
taken exactly as by :func:`natspike.train` (int,
``numpy.random.SeedSequence``, ``numpy.random.Generator`` or None) and
checked before any work. The old names ``trials``, ``minutes`` and
``input_pool`` still work, with a DeprecationWarning. :data:`FIGURES` is the
registry of the figures, shared with :mod:`natspike.plotting` and the
command line; :func:`paper` runs all of them, resumably, through one
results folder.

Functions are imported on first use, so that importing this package stays
cheap.
"""

from .._lazy import registry

#: The figure registry, the one list of the paper's figures: command-line name -> (function name, private
#: module). The experiment ``experiments.<function>``, its plot ``plotting.<function>`` and its claim check
#: ``experiments.claim_<function>`` share the function name, and live in modules of that name in both
#: packages. Adding a figure is a row here plus those three functions (and their tests).
FIGURES = {
    "3bc": ("figure3bc", "_figure3bc"),
    "3de": ("figure3de", "_figure3de"),
    "3f": ("figure3f", "_figure3"),
    "4": ("figure4", "_figure4"),
    "5": ("figure5", "_figure5"),
    "7": ("figure7", "_figure7"),
    "7eg": ("figure7_examples", "_figure7"),
    "9": ("figure9", "_figure9"),
    "10": ("figure10", "_figure10_11"),
    "11": ("figure11", "_figure10_11"),
    "12ab": ("figure12_angles", "_figure12"),
    "12cf": ("figure12_curves", "_figure12"),
}

#: Public names besides the figures and their claims -> private module that defines them.
_EXTRAS = {
    "crossing_times": "_figure3",
    "CROSSING_THRESHOLD": "_figure3",
    "PAPER_ETA": "_figure3",
    "PAPER_MINUTES": "_figure3",
    "PAPER_ETA_FACTORS": "_figure9",
    "paper": "_paper",
}


def _modules() -> dict[str, str]:
    """Public function name -> private module that defines it, read from :data:`FIGURES` at every lookup."""
    return {
        **{name: module for name, module in FIGURES.values()},
        **{f"claim_{name}": module for name, module in FIGURES.values()},
        **_EXTRAS,
    }


__all__ = sorted(_modules()) + ["FIGURES"]

__getattr__, __dir__ = registry(__name__, _modules)
