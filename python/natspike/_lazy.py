"""Lazy attribute registries for packages whose submodules are costly to import."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def registry(
    package: str, modules: Callable[[], dict[str, str]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` resolving ``name -> module`` on first use.

    ``modules`` is called at every lookup, so that names derived from a registry (the figures of
    ``natspike.experiments.FIGURES``) follow it when it changes.
    """

    def getattr_(name: str) -> object:
        module = modules().get(name)
        if module is not None:
            return getattr(importlib.import_module(f".{module}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted(modules())

    return getattr_, dir_
