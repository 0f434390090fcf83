"""Type aliases used in the hints of the public API (checked by mypy, see pyproject.toml)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["ArrayLike", "FloatArray", "Function", "Seed"]

#: A float64 array, as natspike returns them.
FloatArray = NDArray[np.float64]

#: A seed as :func:`natspike.train` takes it: an int in [0, 2**64), a SeedSequence, a Generator or None.
Seed = int | np.integer | np.random.SeedSequence | np.random.Generator | None

#: A function passed through a decorator that keeps its signature.
Function = TypeVar("Function", bound=Callable[..., Any])
