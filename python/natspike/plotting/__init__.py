"""Figures drawn from the Datasets of :mod:`natspike.experiments`, in the paper's style.

One function per experiment, with the same name (``plotting.figure4(ds)``
draws the Dataset of ``experiments.figure4()``); each returns the
matplotlib Figure or Axes it drew on. Colours follow the paper: natural
gradient red, Euclidean blue, approximate orange; D_KL on a log axis;
Fig 7 uses the inverted diverging "seismic" map (red = depression).
"""

from .._lazy import registry
from ._style import COLORS, LABELS

_MODULES = {
    "figure3bc": "_figure3bc",
    "figure3de": "_figure3de",
    "figure3f": "_figure3",
    "figure4": "_figure4",
    "figure5": "_figure5",
    "figure7": "_figure7",
    "figure7_examples": "_figure7",
    "figure9": "_figure9",
    "figure10": "_figure10_11",
    "figure11": "_figure10_11",
    "figure12_angles": "_figure12",
    "figure12_curves": "_figure12",
}

__all__ = sorted(_MODULES) + ["COLORS", "LABELS"]

__getattr__, __dir__ = registry(__name__, _MODULES)
