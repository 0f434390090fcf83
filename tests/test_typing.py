"""Type hints on the whole public API: every parameter and return of every public callable is annotated.

mypy (``make lint``, configured in pyproject.toml) checks that the hints are right; this test checks
that none is missing, on the installed package: the functions and classes in ``__all__`` of
:mod:`natspike`, :mod:`natspike.experiments` and :mod:`natspike.plotting`, and every public method,
classmethod, staticmethod and property of the public classes (``__init__`` included).
"""

import inspect

import natspike
import natspike.experiments
import natspike.plotting
import pytest

MODULES = (natspike, natspike.experiments, natspike.plotting)


def public_callables():
    """(qualified name, function) of every public callable; a property contributes its getter."""
    found = []
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            qualname = f"{module.__name__}.{name}"
            if inspect.isclass(obj):
                found += [(f"{qualname}.{m}", f) for m, f in class_members(obj)]
            elif callable(obj) and not inspect.ismodule(obj):
                found.append((qualname, obj))
    return found


def class_members(cls):
    """A class's own public methods (and ``__init__`` if it defines one), from the class that defines each."""
    if issubclass(cls, BaseException) and "__init__" not in vars(cls):
        return []
    members = []
    for name, member in vars(cls).items():
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(member, property):
            members.append((name, member.fget))
        elif isinstance(member, (classmethod, staticmethod)):
            members.append((name, member.__func__))
        elif inspect.isfunction(member):
            members.append((name, member))
    return members


def missing_hints(fn):
    """Names of the parameters of ``fn`` without an annotation, and "return" if its return has none."""
    sig = inspect.signature(fn)  # follows functools.wraps to the wrapped function
    params = list(sig.parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    missing = [p.name for p in params if p.annotation is inspect.Parameter.empty]
    if sig.return_annotation is inspect.Signature.empty and fn.__name__ != "__init__":
        missing.append("return")
    return missing


def test_the_public_api_is_found():
    names = {name for name, _ in public_callables()}
    # functions of each module, methods, properties and classmethods of the classes
    assert {"natspike.train", "natspike.experiments.figure4", "natspike.plotting.figure4"} <= names
    assert {"natspike.Neuron.phi", "natspike.Neuron.__init__", "natspike.Result.save"} <= names
    assert {"natspike.SpikeTrain.from_bins", "natspike.SpikeTrain.times"} <= names
    assert len(names) > 80


def test_missing_hints_finds_a_missing_hint():
    def f(a: int, b, *, c: str = "") -> None: ...

    def g(a: int): ...

    assert missing_hints(f) == ["b"]
    assert missing_hints(g) == ["return"]


@pytest.mark.parametrize("name, fn", public_callables(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_public_parameter_and_return_is_annotated(name, fn):
    assert not missing_hints(fn), f"{name}: no type hint for {missing_hints(fn)}"
