"""The paper's figure experiments as functions returning :class:`xarray.Dataset`.

Each function runs the protocol of one figure of Kreutzer, Petrovici & Senn
(eLife 2022) with the paper's parameters as defaults, at a reduced size that
finishes in about a minute or two on a laptop; ``full=True`` selects the
paper's size. Every Dataset carries its parameters, seed and the natspike
version as attributes. Each ``claim_*`` function checks a figure's Dataset
against the paper's claim and returns a one-line verdict.

Functions are imported on first use, so that importing this package stays
cheap.
"""

from .._lazy import registry

#: Public function name -> private module that defines it.
_MODULES = {
    "figure3bc": "_figure3bc",
    "claim_figure3bc": "_figure3bc",
    "figure3de": "_figure3de",
    "claim_figure3de": "_figure3de",
    "figure3f": "_figure3",
    "claim_figure3f": "_figure3",
    "crossing_times": "_figure3",
    "CROSSING_THRESHOLD": "_figure3",
    "PAPER_ETA": "_figure3",
    "PAPER_MINUTES": "_figure3",
    "figure4": "_figure4",
    "claim_figure4": "_figure4",
    "figure5": "_figure5",
    "claim_figure5": "_figure5",
    "figure7": "_figure7",
    "figure7_examples": "_figure7",
    "claim_figure7": "_figure7",
    "claim_figure7_examples": "_figure7",
    "figure9": "_figure9",
    "claim_figure9": "_figure9",
    "PAPER_ETA_FACTORS": "_figure9",
    "figure10": "_figure10_11",
    "figure11": "_figure10_11",
    "claim_figure10": "_figure10_11",
    "claim_figure11": "_figure10_11",
    "figure12_angles": "_figure12",
    "figure12_curves": "_figure12",
    "claim_figure12_angles": "_figure12",
    "claim_figure12_curves": "_figure12",
}

__all__ = sorted(_MODULES)

__getattr__, __dir__ = registry(__name__, _MODULES)
