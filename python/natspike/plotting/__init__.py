"""Figures drawn from the Datasets of :mod:`natspike.experiments`, in the paper's style.

One function per experiment, with the same name (``plotting.figure4(ds)``
draws the Dataset of ``experiments.figure4()``); each returns the
matplotlib Figure or Axes it drew on. Colours follow the paper: natural
gradient red, Euclidean blue, approximate orange; D_KL on a log axis;
Fig 7 uses the inverted diverging "seismic" map (red = depression).
"""

from .._lazy import registry
from ..experiments import FIGURES
from ._style import COLORS, LABELS


def _modules() -> dict[str, str]:
    """Plot function name -> private module: the experiment's name and module name, read from
    experiments.FIGURES at every lookup."""
    return {name: module for name, module in FIGURES.values()}


__all__ = sorted(_modules()) + ["COLORS", "LABELS"]

__getattr__, __dir__ = registry(__name__, _modules)
