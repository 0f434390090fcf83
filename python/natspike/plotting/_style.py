"""The paper's colours and labels, shared by all figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import xarray as xr

#: Line colours of the paper's figures, by rule (and teacher/student in Fig 3B–C).
COLORS = {
    "natural": "#d62728",
    "euclidean": "#1f77b4",
    "approximate": "#ff7f0e",
    "teacher": "#ff7f0e",
    "student": "#d62728",
}
#: Legend labels of the three learning rules.
LABELS = {"natural": "natural gradient", "euclidean": "Euclidean gradient", "approximate": "approximate natural"}


#: Dataset attributes renamed to the API's names, and what files written before the rename call them.
_OLD_ATTRS = {"n_trials": "trials", "duration_minutes": "minutes", "input_pool_size": "input_pool"}


def attr(ds: xr.Dataset, name: str, default: Any = None) -> Any:
    """``ds.attrs[name]``, or its name before the rename (Datasets saved by earlier versions), or ``default``."""
    return ds.attrs.get(name, ds.attrs.get(_OLD_ATTRS.get(name, name), default))


def minutes(da: xr.DataArray) -> np.ndarray:
    """The values of a time variable of a figure Dataset in minutes, for the axes the paper draws in minutes.

    Figure Datasets store every time in seconds (``units`` "s"); a variable saved by an earlier version in
    minutes (``units`` "min") is taken as it is.
    """
    values = da.values
    return values if da.attrs.get("units") == "min" else values / 60
