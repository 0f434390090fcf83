"""Lazy attribute registries for packages whose submodules are costly to import."""

from __future__ import annotations

import importlib


def registry(package: str, modules: dict[str, str]):
    """``(__getattr__, __dir__)`` for ``package`` resolving ``name -> module`` on first use."""

    def getattr_(name):
        if name in modules:
            return getattr(importlib.import_module(f".{modules[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_():
        return sorted(modules)

    return getattr_, dir_
