"""The paper's figure experiments as functions returning :class:`xarray.Dataset`.

Each function runs the protocol of one figure of Kreutzer, Petrovici & Senn
(eLife 2022) with the paper's parameters as defaults, at a reduced size that
finishes in about a minute or two on a laptop; ``full=True`` selects the
paper's size. Every Dataset carries its parameters, seed and the natspike
version as attributes.
"""

from ._figure3 import CROSSING_THRESHOLD, crossing_times, figure3f

__all__ = ["figure3f", "crossing_times", "CROSSING_THRESHOLD"]
