"""Lazy attribute registries for packages whose submodules are costly to import."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def registry(package: str, modules: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` resolving ``name -> module`` on first use."""

    def getattr_(name: str) -> object:
        if name in modules:
            return getattr(importlib.import_module(f".{modules[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted(modules)

    return getattr_, dir_
